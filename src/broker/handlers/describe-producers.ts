// DescribeProducers (key 61), version 0.
//
// The idempotent and transactional producers each partition knows: id, epoch,
// last sequence written, last timestamp and the start offset of the open
// transaction (-1 if none). Unknown partitions: UNKNOWN_TOPIC_OR_PARTITION.
import { describeProducersApi } from '../../protocol/messages/describe-producers.js'
import { ErrorCode } from '../../protocol/errors.js'
import type { ProducerEntry } from '../../log/producer-state.js'
import type { Handler } from './types.js'

function describe (entry: ProducerEntry) {
  const last = entry.batches[entry.batches.length - 1]
  return {
    producerId: BigInt(entry.producerId),
    producerEpoch: entry.epoch,
    lastSequence: last?.lastSeq ?? -1,
    lastTimestamp: BigInt(entry.lastTimestamp),
    coordinatorEpoch: entry.coordinatorEpoch,
    currentTxnStartOffset: BigInt(entry.txnFirstOffset),
  }
}

export const describeProducersHandler: Handler<'DescribeProducers'> = {
  api: describeProducersApi,
  handle (request, ctx) {
    const { log } = ctx.services
    return {
      throttleTimeMs: 0,
      topics: request.topics.map(t => ({
        name: t.name,
        partitions: t.partitionIndexes.map(index => {
          const partition = log.partition(t.name, index)
          if (partition === undefined) return { partitionIndex: index, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null, activeProducers: [] }
          const entries: ProducerEntry[] = [...partition.producers.producers.values()]
          return { partitionIndex: index, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers: entries.map(describe) }
        })
      }))
    }
  }
}
