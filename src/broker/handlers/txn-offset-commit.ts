// TxnOffsetCommit (key 28), versions 0-4.
//
// Offsets committed inside a transaction. They are staged by the transaction
// coordinator (durably) and become the group's committed offsets only when the
// transaction commits; an abort drops them. The group must have been added with
// AddOffsetsToTxn (else INVALID_TXN_STATE); v3 carries the member's generation,
// checked as OffsetCommit does (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID,
// FENCED_INSTANCE_ID). Unknown partitions: UNKNOWN_TOPIC_OR_PARTITION.
import { txnOffsetCommitApi } from '../../protocol/messages/txn-offset-commit.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { Handler } from './types.js'

export const txnOffsetCommitHandler: Handler<'TxnOffsetCommit'> = {
  api: txnOffsetCommitApi,
  async handle (request, ctx) {
    const { log, txns, groups } = ctx.services
    const topics = request.topics
    const known = (t: string, p: number): boolean => log.partition(t, p) !== undefined
    let code: number = ErrorCode.NONE
    if (txns === undefined || txns === null || groups === undefined || groups === null) code = ErrorCode.COORDINATOR_NOT_AVAILABLE
    else code = groups.txnOffsetCommitError(request.groupId, request.generationId, request.memberId, request.groupInstanceId)
    if (code === ErrorCode.NONE) {
      const offsets = topics.flatMap(t => t.partitions.filter(p => known(t.name, p.partitionIndex)).map(p => ({
        topic: t.name,
        partition: p.partitionIndex,
        offset: String(p.committedOffset),
        leaderEpoch: p.committedLeaderEpoch,
        metadata: p.committedMetadata ?? '',
      })))
      if (offsets.length > 0) {
        code = await txns!.stageOffsets(request.transactionalId, Number(request.producerId), request.producerEpoch, request.groupId, offsets)
        // this API never learned PRODUCER_FENCED
        if (code === ErrorCode.PRODUCER_FENCED) code = ErrorCode.INVALID_PRODUCER_EPOCH
      }
    }
    return {
      throttleTimeMs: 0,
      topics: topics.map(t => ({
        name: t.name,
        partitions: t.partitions.map(p => ({ partitionIndex: p.partitionIndex, errorCode: known(t.name, p.partitionIndex) ? code : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }))
      }))
    }
  }
}
