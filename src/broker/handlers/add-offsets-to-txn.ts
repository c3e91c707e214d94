// AddOffsetsToTxn (key 25), versions 0-4.
//
// A transactional producer announces the consumer group whose offsets it will
// commit in the transaction (TxnOffsetCommit to the group coordinator follows).
// Errors as AddPartitionsToTxn: INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED
// (INVALID_PRODUCER_EPOCH before v2), CONCURRENT_TRANSACTIONS.
import { addOffsetsToTxnApi } from '../../protocol/messages/add-offsets-to-txn.js'
import { ErrorCode } from '../../protocol/errors.js'
import { fencedForVersion } from '../txn/errors.js'
import type { Handler } from './types.js'

export const addOffsetsToTxnHandler: Handler<'AddOffsetsToTxn'> = {
  api: addOffsetsToTxnApi,
  async handle (request, ctx) {
    const txns = ctx.services.txns
    if (txns === undefined || txns === null) return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }
    if (typeof request.groupId !== 'string' || request.groupId === '') return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID }
    const code = await txns.addOffsets(request.transactionalId, Number(request.producerId), request.producerEpoch, request.groupId)
    return { throttleTimeMs: 0, errorCode: fencedForVersion(code, ctx.apiVersion, 2) }
  }
}
