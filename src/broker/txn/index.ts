/**
 * Idempotent producers and transactions, coordinator side. The partition side
 * (sequence checks, markers, last stable offset, aborted index) is in
 * src/log/producer-state.ts.
 *
 * ```ts
 * const txns = new TransactionCoordinator({ dir, log, groups: () => groups, ... })   // built by src/tributary.ts
 * await txns.open()
 * await txns.initProducerId(transactionalId | null, timeoutMs, producerId?, producerEpoch?)  // { errorCode, producerId, producerEpoch }
 * await txns.addPartitions(id, pid, epoch, [{ topic, partition }])   // error code
 * await txns.addOffsets(id, pid, epoch, groupId)
 * await txns.stageOffsets(id, pid, epoch, groupId, [{ topic, partition, offset: '42', leaderEpoch, metadata }])
 * await txns.endTxn(id, pid, epoch, commit)
 * txns.checkProduce(id, topic, partition, records)    // sync; 0 or an error code, before a transactional append
 * await txns.close()
 * ```
 *
 * State lives in <dataDir>/__transactions/journal.jsonl.
 */
export { TransactionCoordinator } from './coordinator.js'
export type { TxnCoordinatorOptions, InitProducerIdResult } from './coordinator.js'
export { describeTransactions, listTransactions } from './admin.js'
export { TxnState } from './txn-metadata.js'
export type { TxnMetadata } from './txn-metadata.js'
