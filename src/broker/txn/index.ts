/**
 * Idempotent producers and transactions, coordinator side. The partition side
 * (sequence checks, markers, last stable offset, aborted index) is in
 * src/log/producer-state.ts.
 *
 * ```ts
 * const txns = await createTxnCoordinator(services)   // services.txns
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
import { join } from 'node:path'
import type { BrokerServices } from '../services.js'
import { TransactionCoordinator } from './coordinator.js'

export { TransactionCoordinator } from './coordinator.js'
export type { TxnCoordinatorOptions, InitProducerIdResult } from './coordinator.js'
export { describeTransactions, listTransactions } from './admin.js'
export { TxnState } from './txn-metadata.js'
export type { TxnMetadata } from './txn-metadata.js'

/** Builds the coordinator over the broker's log and group coordinator, and opens it. */
export async function createTxnCoordinator (services: BrokerServices): Promise<TransactionCoordinator> {
  const config = services.config
  const coordinator = new TransactionCoordinator({
    dir: join(config.dataDir, '__transactions'),
    log: services.log,
    groups: () => services.groups ?? null,
    maxTimeoutMs: config.transactionMaxTimeoutMs,
    transactionalIdExpirationMs: config.transactionalIdExpirationMs,
    checkIntervalMs: config.transactionAbortCheckIntervalMs,
    clock: services.clock,
    logger: services.logger.child({ part: 'txns' }),
  })
  await coordinator.open()
  return coordinator
}
