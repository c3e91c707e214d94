// A transactional id's state as the transaction store keeps it, for store tests.
import { TxnState, type TxnMetadata } from '../../src/broker/txn/txn-metadata.js'

export function txnMeta (transactionalId: string, producerId = 1000, producerEpoch = 0): TxnMetadata {
  return {
    transactionalId,
    producerId,
    producerEpoch,
    lastProducerId: -1,
    lastProducerEpoch: -1,
    timeoutMs: 60_000,
    state: TxnState.Empty,
    partitions: [],
    groups: [],
    offsets: [],
    startMs: -1,
    updateMs: 1,
  }
}
