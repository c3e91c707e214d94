// Produce (key 0), versions 0-11 (record batch v2 only; older message formats get UNSUPPORTED_FOR_MESSAGE_FORMAT).
//
// Each partition's records are appended as produced; the log assigns offsets.
// acks=0: no response at all (the request settles once written, for flow control). acks=1: answered once the write reached the OS.
// acks=-1 (all): answered once the batch is durable per the flush policy (fsync
// with group commit by default). Appends start in request order, before any
// await, so one connection's batches land in the order they were sent.
//
// Validation (the log engine's, src/protocol/records/validate.ts, as Kafka's
// LogValidator): every batch is checked against its records before anything is
// written: record count and lastOffsetDelta, consecutive offset deltas, records
// that parse to the last byte, a known codec, compressed data inflated under a
// cap; on a compacted topic keyless records are refused, each named in
// recordErrors with Kafka's message. A refused batch writes nothing.
//
// Errors per partition: UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION,
// CORRUPT_MESSAGE (CRC, framing), INVALID_RECORD (records that do not match
// the header or do not parse; keyless records on a compacted topic),
// UNSUPPORTED_COMPRESSION_TYPE (codec 5-7), MESSAGE_TOO_LARGE (also a batch that
// inflates past the cap), UNSUPPORTED_FOR_MESSAGE_FORMAT (magic 0/1),
// INVALID_REQUIRED_ACKS, TOPIC_AUTHORIZATION_FAILED (bus topics, below).
//
// The event bus's topics (bus.<bus name>, and the internal __bus* ones) are
// written by the bus itself, through the log and not through Produce; a Kafka
// client writing there would put events in front of rules and targets that the
// bus never validated. So Produce into them is refused unless the broker option
// allowProduceToBusTopics is set. The code is TOPIC_AUTHORIZATION_FAILED: it is
// what this is (a permission, not a bad name: the same client may consume the
// topic), it is not retriable, and every client names it plainly (librdkafka
// "Broker: Topic authorization failed", kafkajs "Not authorized to access
// topics"); v8+ also carries errorMessage saying why. Kafka's own refusal to
// append to internal topics uses INVALID_TOPIC_EXCEPTION, which would tell the
// user the name is wrong when it is not.
//
// Message formats v0/v1 (magic 0 and 1) stay refused with
// UNSUPPORTED_FOR_MESSAGE_FORMAT rather than converted to v2 as Kafka 3.x does.
// Converting is not cheap to do right: every legacy message must be re-parsed,
// its per-message CRC32 checked, nested compressed wrapper messages inflated,
// timestamps mapped (v0 has none), and a new v2 batch built and compressed
// again, a second, rarely exercised produce path. Every client that still sends
// v0/v1 is a client from before Kafka 0.11 (2017) or one pinned to Produce v0-v2;
// all current clients (librdkafka, the Java client, kafkajs, franz-go, sarama
// with Version >= 0.11, kafka-python) send v2 when the broker advertises
// Produce v3+, which we do. Kafka 4.0 itself removed v0/v1 produce support
// (KIP-896), so converting would be building toward a format Kafka dropped.
//
// Version notes: v3+ is required for record batch v2 (older versions only carry
// message sets of magic 0/1); v8+ adds recordErrors and errorMessage; v9+ flexible.
import { produceApi } from '../../protocol/messages/produce.js'
import { ErrorCode } from '../../protocol/errors.js'
import { topicNameProblem } from '../topic-name.js'
import { kafkaCodeOf, messageOf } from './error-code.js'
import type { Handler, RequestContext } from './types.js'
import type { Element, ResponseInput } from '../../protocol/messages/api-types.js'
import type { PartitionLog } from '../../log/index.js'
import { BatchOffsets } from '../../protocol/records/batch-header.js'
import { produceTraceOn, traceLine, traceNow } from '../../log/produce-trace.js'

type TopicAnswer = Element<ResponseInput<'Produce'>['responses']>
type PartitionAnswer = Element<TopicAnswer['partitionResponses']>

function failed (index: number, errorCode: number, errorMessage: string | null = null): PartitionAnswer {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage }
}

export const produceHandler: Handler<'Produce'> = {
  api: produceApi,
  handle (request, ctx) {
    const { log } = ctx.services
    const acks = request.acks
    const txns = ctx.services.txns
    const topics = request.topicData.map(topicData => {
      const name = topicData.name
      const topic = log.topic(name)
      const partitionResponses = topicData.partitionData.map((pd): Promise<PartitionAnswer> | PartitionAnswer => {
        if (acks !== 0 && acks !== 1 && acks !== -1) return failed(pd.index, ErrorCode.INVALID_REQUIRED_ACKS)
        if (!topic) {
          const code = topicNameProblem(name) !== null ? ErrorCode.INVALID_TOPIC_EXCEPTION : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
          return failed(pd.index, code)
        }
        const partition = log.partition(name, pd.index)
        if (!partition) return failed(pd.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        if (isBusTopic(name) && !ctx.services.config.allowProduceToBusTopics) {
          return failed(pd.index, ErrorCode.TOPIC_AUTHORIZATION_FAILED, `Topic ${name} belongs to the event bus; only the bus writes it (broker option allowProduceToBusTopics allows Kafka clients).`)
        }
        const records = pd.records
        if (records === null || records.length === 0) return failed(pd.index, ErrorCode.INVALID_RECORD, 'empty record set')
        if (txns && request.transactionalId) {
          const problem = txns.checkProduce?.(request.transactionalId, name, pd.index, records)
          if (problem) return failed(pd.index, problem)
        }
        return produceTraceOn && acks === -1 && ctx.services.config.flushPolicy === 'acks' ? tracedAppend(partition, pd.index, records, ctx) : appendPartition(partition, pd.index, records, acks, ctx)
      })
      return { name, partitionResponses }
    })
    if (acks === 0) {
      // Kafka sends nothing for acks=0; errors are only visible in its logs. The
      // request still settles only once its appends are written: until then the
      // server counts its bytes as unanswered, so a client pipelining acks=0
      // batches faster than the disk takes them is no longer read at the
      // per-connection bound instead of queueing them in memory without limit.
      return resolveAll(topics).then(() => undefined)
    }
    return resolveAll(topics).then(responses => ({ responses, throttleTimeMs: 0 }))
  }
}

async function appendPartition (partition: PartitionLog, index: number, records: Buffer, acks: number, ctx: RequestContext): Promise<PartitionAnswer> {
  try {
    const result = await partition.append(records, { durability: acks === -1 ? 'acksAll' : 'written' })
    return {
      index,
      errorCode: 0,
      baseOffset: BigInt(result.baseOffset),
      logAppendTimeMs: BigInt(result.logAppendTime),
      logStartOffset: BigInt(result.logStartOffset),
      recordErrors: [],
      errorMessage: null
    }
  } catch (err) {
    const kafkaCode = kafkaCodeOf(err)
    if (kafkaCode !== undefined) {
      const answer = failed(index, kafkaCode, messageOf(err))
      const recordErrors = (err as { recordErrors?: unknown }).recordErrors
      if (Array.isArray(recordErrors)) {
        answer.recordErrors = recordErrors.map((e: { batchIndex: number, message: string }) => ({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.message }))
      }
      return answer
    }
    ctx.services.logger.error({ err, topic: partition.topic, partition: index }, 'append failed')
    return failed(index, ErrorCode.UNKNOWN_SERVER_ERROR, 'internal error')
  }
}

/**
 * An acks=all append with its steps timed (TRIBUTARY_PRODUCE_TRACE, see src/log/produce-trace.ts): the same
 * two steps partition.append takes for acks=all (written, then flushed up to its last offset), with a
 * timestamp after each, as `produce <topic> <partition> <baseOffset> <lastOffset> <start> <written> <durable>`.
 */
async function tracedAppend (partition: PartitionLog, index: number, records: Buffer, ctx: RequestContext): Promise<PartitionAnswer> {
  const start = traceNow()
  const answer = await appendPartition(partition, index, records, 1, ctx)
  if (answer.errorCode !== 0) return answer
  const written = traceNow()
  const lastOffset = Number(answer.baseOffset) + countOffsets(records) - 1
  try {
    await partition.flushed(lastOffset)
  } catch (err) {
    return failed(index, kafkaCodeOf(err) ?? ErrorCode.UNKNOWN_SERVER_ERROR, messageOf(err))
  }
  traceLine(['produce', partition.topic, index, Number(answer.baseOffset), lastOffset, start, written, traceNow()])
  return answer
}

/** The offsets a record set takes: the sum of each batch's lastOffsetDelta + 1 (v2 batch header, big-endian). */
function countOffsets (records: Buffer): number {
  let n = 0
  for (let pos = 0; pos + 61 <= records.length;) {
    n += records.readInt32BE(pos + BatchOffsets.lastOffsetDelta) + 1
    pos += 12 + records.readInt32BE(pos + 8)
  }
  return n
}

/** The event bus's topics: one per bus (bus.<name>) and its internal ones (__bus...). */
export function isBusTopic (name: string): boolean {
  return name.startsWith('bus.') || name.startsWith('__bus')
}

async function resolveAll (topics: Array<{ name: string, partitionResponses: Array<Promise<PartitionAnswer> | PartitionAnswer> }>): Promise<TopicAnswer[]> {
  const out: TopicAnswer[] = []
  for (const t of topics) {
    out.push({ name: t.name, partitionResponses: await Promise.all(t.partitionResponses) })
  }
  return out
}
