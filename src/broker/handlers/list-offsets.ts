// ListOffsets (key 2), versions 0-10.
//
// timestamp -1: latest (the high watermark, or the last stable offset for
// read_committed); -2: earliest (log start offset); -3 (v7): the offset and
// timestamp of the record with the largest timestamp; -4 (v8, earliest local):
// the log start offset too, as every segment is local; -5 (v9, latest tiered):
// offset -1, as nothing is tiered (Kafka's answer without remote storage);
// otherwise the first offset whose record timestamp is at or after it, or -1 when
// there is none (Kafka answers offset -1 / timestamp -1 then; clients treat it as
// the end). v0 answers oldStyleOffsets (a list) instead of a single offset; v10's
// timeoutMs bounds remote-storage lookups, which we never make.
import { listOffsetsApi } from '../../protocol/messages/list-offsets.js'
import { ErrorCode } from '../../protocol/errors.js'
import { kafkaCodeOf } from './error-code.js'
import type { Handler, RequestContext } from './types.js'
import type { Element, RequestOf, ResponseInput } from '../../protocol/messages/api-types.js'
import type { PartitionLog } from '../../log/index.js'

type PartitionAsked = Element<Element<RequestOf<'ListOffsets'>['topics']>['partitions']>
type PartitionAnswer = Element<Element<ResponseInput<'ListOffsets'>['topics']>['partitions']>

const LATEST = -1n
const EARLIEST = -2n
const EARLIEST_LOCAL = -4n
const LATEST_TIERED = -5n

export const listOffsetsHandler: Handler<'ListOffsets'> = {
  api: listOffsetsApi,
  async handle (request, ctx) {
    const { log } = ctx.services
    const readCommitted = request.isolationLevel === 1
    const topics = []
    for (const t of request.topics) {
      const partitions: PartitionAnswer[] = []
      for (const p of t.partitions) {
        partitions.push(await lookup(log.partition(t.name, p.partitionIndex), p, readCommitted, ctx))
      }
      topics.push({ name: t.name, partitions })
    }
    return { throttleTimeMs: 0, topics }
  }
}

async function lookup (partition: PartitionLog | undefined, p: PartitionAsked, readCommitted: boolean, ctx: RequestContext): Promise<PartitionAnswer> {
  const answer = (errorCode: number, offset: bigint, timestamp: bigint, leaderEpoch = 0): PartitionAnswer => ({
    partitionIndex: p.partitionIndex,
    errorCode,
    oldStyleOffsets: offset >= 0n ? [offset] : [],
    timestamp,
    offset,
    leaderEpoch
  })
  if (!partition) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n, -1n)
  const ts = BigInt(p.timestamp)
  if (ts === LATEST) return answer(0, BigInt(readCommitted ? partition.lastStableOffset : partition.highWatermark), -1n)
  if (ts === EARLIEST || ts === EARLIEST_LOCAL) return answer(0, BigInt(partition.logStartOffset), -1n)
  if (ts === LATEST_TIERED) return answer(0, -1n, -1n, -1)
  try {
    const found = await partition.offsetForTimestamp(Number(ts))
    if (!found) return answer(0, -1n, -1n)
    let offset = BigInt(found.offset)
    if (readCommitted && offset >= BigInt(partition.lastStableOffset)) return answer(0, -1n, -1n)
    if (offset < 0n) offset = -1n
    return answer(0, offset, BigInt(found.timestamp))
  } catch (err) {
    const kafkaCode = kafkaCodeOf(err)
    if (kafkaCode === undefined) ctx.services.logger.error({ err, topic: partition.topic, partition: partition.partition }, 'offset lookup failed')
    return answer(kafkaCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, -1n, -1n)
  }
}
