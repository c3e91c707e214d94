// DeleteRecords (key 21), versions 0-2.
//
// Moves each partition's log start offset forward to `offset` (records below it
// become unreadable; whole segments below it are removed by the log engine) and
// answers the new low watermark (log start offset). Offset -1 means the high
// watermark, i.e. delete everything written so far. An offset above the high
// watermark, or negative other than -1, is OFFSET_OUT_OF_RANGE; one at or below
// the current log start offset changes nothing and answers the current one.
// Unknown topic or partition: UNKNOWN_TOPIC_OR_PARTITION with lowWatermark -1.
// The new log start offset is persisted before we answer.
//
// Version notes: v0 and v1 are the same; v2 is flexible.
import { deleteRecordsApi } from '../../protocol/messages/delete-records.js'
import { ErrorCode } from '../../protocol/errors.js'
import { errorFromThrown } from './admin-common.js'
import type { Handler, RequestContext } from './types.js'
import type { Element, ResponseInput } from '../../protocol/messages/api-types.js'

const HIGH_WATERMARK = -1n

type TopicAnswer = Element<ResponseInput<'DeleteRecords'>['topics']>
type PartitionAnswer = Element<TopicAnswer['partitions']>

export const deleteRecordsHandler: Handler<'DeleteRecords'> = {
  api: deleteRecordsApi,
  async handle (request, ctx) {
    // One partition at a time: a request naming a partition twice must not race
    // two log-start updates against each other. DeleteRecords is not a hot path.
    const topics: TopicAnswer[] = []
    for (const topic of request.topics) {
      const partitions: PartitionAnswer[] = []
      for (const p of topic.partitions) partitions.push(await deleteBefore(topic.name, p.partitionIndex, BigInt(p.offset), ctx))
      topics.push({ name: topic.name, partitions })
    }
    return { throttleTimeMs: 0, topics }
  }
}

async function deleteBefore (topic: string, partitionIndex: number, offset: bigint, ctx: RequestContext): Promise<PartitionAnswer> {
  const answer = (errorCode: number, lowWatermark: bigint | number): PartitionAnswer => ({ partitionIndex, lowWatermark: BigInt(lowWatermark), errorCode })
  const partition = ctx.services.log.partition(topic, partitionIndex)
  if (partition === undefined) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n)
  const highWatermark = BigInt(partition.highWatermark)
  const target = offset === HIGH_WATERMARK ? highWatermark : offset
  if (target < 0n || target > highWatermark) return answer(ErrorCode.OFFSET_OUT_OF_RANGE, -1n)
  try {
    const logStartOffset = BigInt(partition.logStartOffset)
    if (target <= logStartOffset) return answer(0, logStartOffset)
    return answer(0, await partition.deleteRecordsBefore(Number(target)))
  } catch (err) {
    return answer(errorFromThrown(err, ctx, `${topic}-${partitionIndex}`).errorCode, -1n)
  }
}
