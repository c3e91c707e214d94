// DescribeTransactions and ListTransactions over the coordinator's state.
import { ErrorCode } from '../../protocol/errors.js'
import { ALL_TXN_STATES, parsePartitionKey, type TxnMetadata } from './txn-metadata.js'

export interface DescribedTxn {
  errorCode: number
  transactionalId: string
  transactionState: string
  transactionTimeoutMs: number
  transactionStartTimeMs: bigint
  producerId: bigint
  producerEpoch: number
  topics: Array<{ topic: string, partitions: number[] }>
}

export function describeTransactions (txns: Map<string, TxnMetadata>, ids: string[]): DescribedTxn[] {
  return ids.map(id => {
    const meta = txns.get(id)
    if (meta === undefined) {
      return { errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, transactionalId: id, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] }
    }
    const byTopic = new Map<string, number[]>()
    for (const key of meta.partitions) {
      const { topic, partition } = parsePartitionKey(key)
      const list = byTopic.get(topic)
      if (list === undefined) byTopic.set(topic, [partition]); else list.push(partition)
    }
    return {
      errorCode: ErrorCode.NONE,
      transactionalId: id,
      transactionState: meta.state,
      transactionTimeoutMs: meta.timeoutMs,
      transactionStartTimeMs: BigInt(meta.startMs),
      producerId: BigInt(meta.producerId),
      producerEpoch: meta.producerEpoch,
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    }
  })
}

export interface ListedTxns {
  errorCode: number
  unknownStateFilters: string[]
  transactionStates: Array<{ transactionalId: string, producerId: bigint, transactionState: string }>
}

/** Empty filters match everything; durationFilter (v1) keeps transactions running longer than that many ms. */
export function listTransactions (txns: Map<string, TxnMetadata>, stateFilters: string[], producerIdFilters: number[], durationFilterMs: number, now: number): ListedTxns {
  const unknownStateFilters = stateFilters.filter(s => !ALL_TXN_STATES.includes(s))
  const states = new Set(stateFilters)
  const pids = new Set(producerIdFilters)
  const transactionStates = []
  for (const meta of txns.values()) {
    if (states.size > 0 && !states.has(meta.state)) continue
    if (pids.size > 0 && !pids.has(meta.producerId)) continue
    if (durationFilterMs >= 0 && (meta.startMs < 0 || now - meta.startMs <= durationFilterMs)) continue
    transactionStates.push({ transactionalId: meta.transactionalId, producerId: BigInt(meta.producerId), transactionState: meta.state })
  }
  return { errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates }
}
