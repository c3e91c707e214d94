// The transaction coordinator of a single-node broker (Kafka's
// TransactionCoordinator): producer ids, epochs and fencing per
// transactional id, the transaction state machine, timeouts, and the durable
// log every state change goes to before it is answered. Operations on one
// transactional id run one at a time. Errors are Kafka codes in the result;
// PRODUCER_FENCED is mapped to INVALID_PRODUCER_EPOCH for old versions by the handlers.
import { ErrorCode } from '../../protocol/errors.js'
import { readInt64, BatchOffsets, BATCH_HEADER_SIZE } from '../../protocol/records/batch-header.js'
import { applyOffsets, writeMarkers, type MarkerLog, type TxnOffsetSink } from './completion.js'
import { canBegin, isCompleting, MAX_EPOCH, partitionKey, TxnState, type StagedOffset, type TxnMetadata } from './txn-metadata.js'
import { TxnStore } from './txn-store.js'
import type { FileSystem } from '../../log/fs.js'
import { ProducerIdAllocator } from './producer-ids.js'
import { systemClock, type Clock, type TimerHandle } from '../groups/clock.js'

export interface TxnLogger { info: (o: object, m?: string) => void, warn: (o: object, m?: string) => void, error: (o: object, m?: string) => void }

export interface TxnCoordinatorOptions {
  /** Where the coordinator's log lives (<dataDir>/__transactions). */
  dir: string
  log: MarkerLog & { partition: (topic: string, partition: number) => unknown }
  groups: () => TxnOffsetSink | null
  now?: () => number
  /** Time and the timeout check's timer (a test clock in embedded mode); default the wall clock with `now`. */
  clock?: Clock
  /** transaction.max.timeout.ms (Kafka: 15 minutes). */
  maxTimeoutMs?: number
  /** transactional.id.expiration.ms (Kafka: 7 days). */
  transactionalIdExpirationMs?: number
  /** How often timed-out transactions are looked for (Kafka: 10 s). */
  checkIntervalMs?: number
  logger?: TxnLogger
  /** The file system under the coordinator's journal (default: the real one; tests inject faults). */
  fs?: FileSystem
}

export interface InitProducerIdResult { errorCode: number, producerId: number, producerEpoch: number }

export class TransactionCoordinator {
  readonly txns = new Map<string, TxnMetadata>()
  private readonly store: TxnStore
  private readonly pids: ProducerIdAllocator
  private readonly locks = new Map<string, Promise<unknown>>()
  private timer: TimerHandle | null = null
  private readonly clock: Clock
  private readonly now: () => number
  readonly maxTimeoutMs: number
  private readonly expirationMs: number

  constructor (private readonly options: TxnCoordinatorOptions) {
    this.clock = options.clock ?? systemClock(options.now)
    this.now = this.clock.now
    this.maxTimeoutMs = options.maxTimeoutMs ?? 900_000
    this.expirationMs = options.transactionalIdExpirationMs ?? 7 * 24 * 3600 * 1000
    this.store = new TxnStore({ dir: options.dir, fs: options.fs, logger: options.logger })
    this.pids = new ProducerIdAllocator(next => this.store.append({ t: 'pid', next }))
  }

  /** Replays the log and finishes every transaction whose decision was logged before a crash. */
  async open (): Promise<void> {
    await this.store.open(record => {
      if (record.t === 'txn') { this.txns.set(record.meta.transactionalId, record.meta); this.pids.seen(record.meta.producerId) } else if (record.t === 'del') this.txns.delete(record.id)
      else if (record.t === 'pid') this.pids.restore(record.next)
    })
    for (const meta of this.txns.values()) {
      if (isCompleting(meta.state)) await this.withLock(meta.transactionalId, () => this.finish(meta))
    }
    const interval = this.options.checkIntervalMs ?? 1000
    this.scheduleCheck(interval)
  }

  async close (): Promise<void> {
    if (this.timer !== null) this.clock.clearTimer(this.timer)
    this.timer = null
    await Promise.allSettled([...this.locks.values()])
    await this.store.close()
  }

  /** InitProducerId: a new id for idempotent producers; for a transactional id, the next epoch (fencing the previous holder). */
  async initProducerId (transactionalId: string | null, timeoutMs: number, producerId = -1, producerEpoch = -1): Promise<InitProducerIdResult> {
    if (transactionalId === null || transactionalId === '') {
      return { errorCode: ErrorCode.NONE, producerId: await this.pids.next(), producerEpoch: 0 }
    }
    if (timeoutMs <= 0 || timeoutMs > this.maxTimeoutMs) return { errorCode: ErrorCode.INVALID_TRANSACTION_TIMEOUT, producerId: -1, producerEpoch: -1 }
    return this.withLock(transactionalId, async () => {
      let meta = this.txns.get(transactionalId)
      if (meta === undefined) {
        meta = {
          transactionalId,
          producerId: await this.pids.next(),
          producerEpoch: 0,
          lastProducerId: -1,
          lastProducerEpoch: -1,
          timeoutMs,
          state: TxnState.Empty,
          partitions: [],
          groups: [],
          offsets: [],
          startMs: -1,
          updateMs: this.now(),
        }
        await this.save(meta)
        this.txns.set(transactionalId, meta)
        return { errorCode: ErrorCode.NONE, producerId: meta.producerId, producerEpoch: meta.producerEpoch }
      }
      if (producerId >= 0 && !(producerId === meta.producerId && producerEpoch === meta.producerEpoch) &&
          !(producerId === meta.lastProducerId && producerEpoch === meta.lastProducerEpoch)) {
        return { errorCode: ErrorCode.PRODUCER_FENCED, producerId: -1, producerEpoch: -1 }
      }
      if (isCompleting(meta.state)) return { errorCode: ErrorCode.CONCURRENT_TRANSACTIONS, producerId: -1, producerEpoch: -1 }
      // a retry of the InitProducerId that made the current epoch (its answer was lost): the same answer again
      if (producerId >= 0 && producerId === meta.lastProducerId && producerEpoch === meta.lastProducerEpoch && meta.state === TxnState.Empty) {
        return { errorCode: ErrorCode.NONE, producerId: meta.producerId, producerEpoch: meta.producerEpoch }
      }
      // the previous holder's open transaction is aborted under a bumped epoch, which fences it in every partition
      if (meta.state === TxnState.Ongoing) await this.abortFenced(meta)
      const before = { ...meta }
      meta.lastProducerId = meta.producerId
      meta.lastProducerEpoch = meta.producerEpoch
      if (meta.producerEpoch >= MAX_EPOCH) {
        meta.producerId = await this.pids.next()
        meta.producerEpoch = 0
      } else meta.producerEpoch++
      meta.timeoutMs = timeoutMs
      meta.state = TxnState.Empty
      meta.partitions = []
      meta.groups = []
      meta.offsets = []
      meta.startMs = -1
      await this.saveOrRevert(meta, before)
      return { errorCode: ErrorCode.NONE, producerId: meta.producerId, producerEpoch: meta.producerEpoch }
    })
  }

  /** AddPartitionsToTxn: the partitions join the transaction (beginning it if needed). Returns one code for all. */
  addPartitions (transactionalId: string, producerId: number, producerEpoch: number, partitions: Array<{ topic: string, partition: number }>, verifyOnly = false): Promise<number> {
    return this.withLock(transactionalId, async () => {
      const meta = this.txns.get(transactionalId)
      const problem = this.producerError(meta, producerId, producerEpoch)
      if (problem !== ErrorCode.NONE || meta === undefined) return problem
      if (isCompleting(meta.state)) return ErrorCode.CONCURRENT_TRANSACTIONS
      const keys = partitions.map(p => partitionKey(p.topic, p.partition))
      if (verifyOnly) return meta.state === TxnState.Ongoing && keys.every(k => meta.partitions.includes(k)) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE
      const before = { ...meta }
      if (canBegin(meta.state)) this.begin(meta)
      const known = new Set(meta.partitions)
      const added = keys.filter(k => !known.has(k))
      if (added.length === 0 && before.state === TxnState.Ongoing) return ErrorCode.NONE
      meta.partitions = [...meta.partitions, ...new Set(added)]
      return this.saveOrRevert(meta, before).then(() => ErrorCode.NONE, () => ErrorCode.COORDINATOR_NOT_AVAILABLE)
    })
  }

  /** AddOffsetsToTxn: the group's offsets will be committed with the transaction. */
  addOffsets (transactionalId: string, producerId: number, producerEpoch: number, groupId: string): Promise<number> {
    return this.withLock(transactionalId, async () => {
      const meta = this.txns.get(transactionalId)
      const problem = this.producerError(meta, producerId, producerEpoch)
      if (problem !== ErrorCode.NONE || meta === undefined) return problem
      if (isCompleting(meta.state)) return ErrorCode.CONCURRENT_TRANSACTIONS
      if (meta.state === TxnState.Ongoing && meta.groups.includes(groupId)) return ErrorCode.NONE
      const before = { ...meta }
      if (canBegin(meta.state)) this.begin(meta)
      if (!meta.groups.includes(groupId)) meta.groups = [...meta.groups, groupId]
      return this.saveOrRevert(meta, before).then(() => ErrorCode.NONE, () => ErrorCode.COORDINATOR_NOT_AVAILABLE)
    })
  }

  /** TxnOffsetCommit: stages offsets, visible to the group only if the transaction commits. */
  stageOffsets (transactionalId: string, producerId: number, producerEpoch: number, groupId: string, offsets: Array<Omit<StagedOffset, 'groupId'>>): Promise<number> {
    return this.withLock(transactionalId, async () => {
      const meta = this.txns.get(transactionalId)
      const problem = this.producerError(meta, producerId, producerEpoch)
      if (problem !== ErrorCode.NONE || meta === undefined) return problem
      if (meta.state !== TxnState.Ongoing || !meta.groups.includes(groupId)) return ErrorCode.INVALID_TXN_STATE
      const before = { ...meta }
      const replaced = new Set(offsets.map(o => `${o.topic}:${o.partition}`))
      meta.offsets = [...meta.offsets.filter(o => o.groupId !== groupId || !replaced.has(`${o.topic}:${o.partition}`)), ...offsets.map(o => ({ ...o, groupId }))]
      return this.saveOrRevert(meta, before).then(() => ErrorCode.NONE, () => ErrorCode.COORDINATOR_NOT_AVAILABLE)
    })
  }

  /** EndTxn: logs the decision, writes the markers, applies staged offsets on commit. Answers once complete. */
  endTxn (transactionalId: string, producerId: number, producerEpoch: number, commit: boolean): Promise<number> {
    return this.withLock(transactionalId, async () => {
      const meta = this.txns.get(transactionalId)
      const problem = this.producerError(meta, producerId, producerEpoch)
      if (problem !== ErrorCode.NONE || meta === undefined) return problem
      switch (meta.state) {
        case TxnState.Ongoing:
          try {
            await this.complete(meta, commit)
            return ErrorCode.NONE
          } catch (err) {
            this.options.logger?.error({ err, transactionalId }, 'transaction completion failed; retrying in the background')
            return isCompleting(meta.state) ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.COORDINATOR_NOT_AVAILABLE
          }
        case TxnState.CompleteCommit: return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE
        case TxnState.CompleteAbort: return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE
        case TxnState.PrepareCommit: case TxnState.PrepareAbort: case TxnState.PrepareEpochFence: return ErrorCode.CONCURRENT_TRANSACTIONS
        default: return ErrorCode.INVALID_TXN_STATE
      }
    })
  }

  /**
   * Called by Produce for a transactional produce before the append (synchronously,
   * so markers queued later land after it). Returns 0 or the partition's error code.
   */
  checkProduce (transactionalId: string, topic: string, partition: number, records: Buffer): number {
    const meta = this.txns.get(transactionalId)
    if (meta === undefined) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
    if (records.length < BATCH_HEADER_SIZE) return ErrorCode.NONE
    const producerId = readInt64(records, BatchOffsets.producerId)
    const producerEpoch = records.readInt16BE(BatchOffsets.producerEpoch)
    if (producerId !== meta.producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
    if (producerEpoch !== meta.producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH
    if (meta.state !== TxnState.Ongoing || !meta.partitions.includes(partitionKey(topic, partition))) return ErrorCode.INVALID_TXN_STATE
    return ErrorCode.NONE
  }

  private producerError (meta: TxnMetadata | undefined, producerId: number, producerEpoch: number): number {
    if (meta === undefined || meta.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
    if (meta.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED
    return ErrorCode.NONE
  }

  private begin (meta: TxnMetadata): void {
    meta.state = TxnState.Ongoing
    meta.partitions = []
    meta.groups = []
    meta.offsets = []
    meta.startMs = this.now()
  }

  /** Logs the decision (the commit point), then completes it. */
  private async complete (meta: TxnMetadata, commit: boolean): Promise<void> {
    const before = { ...meta }
    meta.state = commit ? TxnState.PrepareCommit : TxnState.PrepareAbort
    await this.saveOrRevert(meta, before)
    await this.finish(meta)
  }

  /** Markers and offsets for a logged decision; then Complete*. Safe to run again. */
  private async finish (meta: TxnMetadata): Promise<void> {
    const commit = meta.state === TxnState.PrepareCommit
    await writeMarkers(this.options.log, meta, commit)
    if (commit) await applyOffsets(this.options.groups(), meta.offsets)
    meta.state = commit ? TxnState.CompleteCommit : TxnState.CompleteAbort
    meta.partitions = []
    meta.groups = []
    meta.offsets = []
    await this.save(meta)
  }

  /** Aborts the open transaction under a bumped epoch, so the producer that began it is fenced everywhere. */
  private async abortFenced (meta: TxnMetadata): Promise<void> {
    if (meta.producerEpoch < MAX_EPOCH) {
      meta.lastProducerId = meta.producerId
      meta.lastProducerEpoch = meta.producerEpoch
      meta.producerEpoch++
    }
    await this.complete(meta, false)
  }

  /** One check per interval on the coordinator's clock; unref'd, as a pending check is no reason to stay alive. */
  private scheduleCheck (interval: number): void {
    this.timer = this.clock.setTimer(interval, () => {
      this.scheduleCheck(interval)
      this.checkTimeouts()
    })
    ;(this.timer as { unref?: () => void }).unref?.()
  }

  /** The periodic pass: time out open transactions, retry unfinished completions, expire idle ids. */
  private checkTimeouts (): void {
    const now = this.now()
    for (const meta of this.txns.values()) {
      const id = meta.transactionalId
      if (meta.state === TxnState.Ongoing && meta.startMs >= 0 && now > meta.startMs + meta.timeoutMs && !this.locks.has(id)) {
        this.withLock(id, async () => {
          if (meta.state !== TxnState.Ongoing || this.now() <= meta.startMs + meta.timeoutMs) return
          this.options.logger?.info({ transactionalId: id, producerId: meta.producerId }, 'transaction timed out; aborting')
          await this.abortFenced(meta)
        }).catch(err => this.options.logger?.error({ err, transactionalId: id }, 'aborting a timed-out transaction failed'))
      } else if (isCompleting(meta.state) && !this.locks.has(id)) {
        this.withLock(id, () => isCompleting(meta.state) ? this.finish(meta) : Promise.resolve())
          .catch(err => this.options.logger?.error({ err, transactionalId: id }, 'completing a transaction failed'))
      } else if (canBegin(meta.state) && meta.updateMs + this.expirationMs < now && !this.locks.has(id)) {
        this.withLock(id, async () => {
          if (!canBegin(meta.state) || meta.updateMs + this.expirationMs >= this.now()) return
          await this.store.append({ t: 'del', id })
          this.txns.delete(id)
        }).catch(() => {})
      }
    }
  }

  private save (meta: TxnMetadata): Promise<void> {
    meta.updateMs = this.now()
    return this.store.append({ t: 'txn', meta })
  }

  /** A change not in the log did not happen: on failure memory goes back to what the log says. */
  private async saveOrRevert (meta: TxnMetadata, before: TxnMetadata): Promise<void> {
    try {
      await this.save(meta)
    } catch (err) {
      Object.assign(meta, before)
      throw err
    }
  }

  private withLock<T> (id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve()
    const run = prev.then(fn, fn)
    const tail = run.then(() => {}, () => {})
    this.locks.set(id, tail)
    tail.then(() => { if (this.locks.get(id) === tail) this.locks.delete(id) })
    return run
  }
}
