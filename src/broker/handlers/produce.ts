// Produce (key 0), versions 0-11 (record batch v2 only; older message formats get UNSUPPORTED_FOR_MESSAGE_FORMAT).
//
// Each partition's records are appended as produced; the log assigns offsets.
// acks=0: no response at all. acks=1: answered once the write reached the OS.
// acks=-1 (all): answered once the batch is durable per the flush policy (fsync
// with group commit by default). Appends start in request order, before any
// await, so one connection's batches land in the order they were sent.
// Errors per partition: UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION,
// CORRUPT_MESSAGE (CRC), MESSAGE_TOO_LARGE, UNSUPPORTED_FOR_MESSAGE_FORMAT
// (magic 0/1), INVALID_REQUIRED_ACKS. v8+ adds recordErrors and errorMessage.
import { produceApi } from '../../protocol/messages/produce.js'
import { KafkaError } from '../../protocol/errors.js'
import { topicNameProblem } from '../topic-name.js'
import { kafkaCodeOf, messageOf } from './error-code.js'
import type { Handler, RequestContext } from './types.js'
import type { Element, ResponseInput } from '../../protocol/messages/api-types.js'
import type { PartitionLog } from '../../log/index.js'

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
        if (acks !== 0 && acks !== 1 && acks !== -1) return failed(pd.index, KafkaError.INVALID_REQUIRED_ACKS.code)
        if (!topic) {
          const code = topicNameProblem(name) !== null ? KafkaError.INVALID_TOPIC_EXCEPTION.code : KafkaError.UNKNOWN_TOPIC_OR_PARTITION.code
          return failed(pd.index, code)
        }
        const partition = log.partition(name, pd.index)
        if (!partition) return failed(pd.index, KafkaError.UNKNOWN_TOPIC_OR_PARTITION.code)
        const records = pd.records
        if (records === null || records.length === 0) return failed(pd.index, KafkaError.INVALID_RECORD.code, 'empty record set')
        if (txns && request.transactionalId) {
          const problem = txns.checkProduce?.(request.transactionalId, name, pd.index, records)
          if (problem) return failed(pd.index, problem)
        }
        return appendPartition(partition, pd.index, records, acks, ctx)
      })
      return { name, partitionResponses }
    })
    if (acks === 0) {
      // Kafka sends nothing for acks=0; errors are only visible in its logs.
      return undefined
    }
    return resolveAll(topics).then(responses => ({ responses, throttleTimeMs: 0 }))
  }
}

async function appendPartition (partition: PartitionLog, index: number, records: Buffer, acks: number, ctx: RequestContext): Promise<PartitionAnswer> {
  try {
    const result = await partition.append(records, { requiredAcks: acks })
    if (acks === -1) await partition.ackAll(result.lastOffset)
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
    if (kafkaCode !== undefined) return failed(index, kafkaCode, messageOf(err))
    ctx.services.logger.error({ err }, 'append failed')
    return failed(index, KafkaError.UNKNOWN_SERVER_ERROR.code, 'internal error')
  }
}

async function resolveAll (topics: Array<{ name: string, partitionResponses: Array<Promise<PartitionAnswer> | PartitionAnswer> }>): Promise<TopicAnswer[]> {
  const out: TopicAnswer[] = []
  for (const t of topics) {
    out.push({ name: t.name, partitionResponses: await Promise.all(t.partitionResponses) })
  }
  return out
}
