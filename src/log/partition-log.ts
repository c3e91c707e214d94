// One partition's log: a list of segments, the write pipeline (offsets assigned
// as batches are written, concurrent appends coalesced into one writev), group
// commit, reads of whole batches, long-poll waiters, retention and log start.
import { join } from 'node:path'
import { splitBatches } from '../protocol/records/split.js'
import { validateRecords } from '../protocol/records/validate.js'
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../protocol/records/compression.js'
import type { BatchHeader } from '../protocol/records/batch-header.js'
import { setBaseOffset, setLogAppendTime, setPartitionLeaderEpoch } from '../protocol/records/rewrite.js'
import type { ResolvedTopicConfig } from './config.js'
import { TributaryError, TributaryErrorCode, storageError } from '../errors.js'
import type { FileSystem } from './fs.js'
import { mkdirDurable } from './fs.js'
import { GroupCommit } from './group-commit.js'
import { Segment } from './segment.js'
import { loadSegments } from './partition-open.js'
import { findOffsetForTimestamp } from './timestamp-lookup.js'
import type { TimestampLookup } from './timestamp-lookup.js'
import { WriteQueue } from './write-queue.js'
import { readInt64 } from '../protocol/records/batch-header.js'
import { ProducerStateManager } from './producer-state.js'
import type { BatchMeta, Staging } from './producer-state.js'
import { recoverProducerState, writeProducerSnapshot } from './producer-snapshot.js'
import { encodeTxnMarker } from './txn-marker.js'
import { anchorAbortedTxns } from './txn-index.js'
import type { PendingAppend } from './write-queue.js'

export type { TimestampLookup }

export interface AppendOptions {
  /** Kafka acks: informational here; acks=all callers await ackAll() afterwards. */
  requiredAcks?: number
  /** 'coordinator' may write control batches (transaction markers); clients may not. */
  origin?: 'client' | 'coordinator'
}

/** An append with the producer state it staged (idempotence, transactions). */
interface StagedAppend extends PendingAppend { staging: Staging | null }

export interface AppendResult {
  baseOffset: number
  lastOffset: number
  /** The time stamped on the batches if the topic uses LogAppendTime, else -1. */
  logAppendTime: number
  logStartOffset: number
  recordCount: number
}

export interface ReadOptions {
  isolation?: 'read_uncommitted' | 'read_committed'
  /** Return the first batch even if larger than maxBytes (Kafka's rule). Default true. */
  minOneBatch?: boolean
  /** Gives the buffers file bytes are read into (a pool the caller recycles); default: fresh ones. */
  allocate?: (size: number) => Buffer
}

export interface ReadResult {
  /** Whole batches, ready to send as they are. */
  chunks: Buffer[]
  bytes: number
  highWatermark: number
  lastStableOffset: number
  logStartOffset: number
  abortedTransactions: Array<{ producerId: number, firstOffset: number }>
}

/** Called with the parsed headers of every append before offsets are assigned; may throw a TributaryError. */
export type AppendValidator = (topic: string, partition: number, headers: BatchHeader[]) => void

export interface PartitionContext {
  fs: FileSystem
  topic: string
  partition: number
  dir: string
  config: () => ResolvedTopicConfig
  fsyncOnAcksAll: boolean
  now: () => number
  validator: () => AppendValidator | undefined
  /** producer.id.expiration.ms: idle producers are forgotten after this long (default 1 day). */
  producerIdExpirationMs?: number
  /** Most bytes one produced compressed batch may inflate to while its records are checked. */
  maxDecompressedBatchBytes?: number
}

const LOG_START_FILE = 'log-start-offset'
/** Deleted segments' files stay open this long so in-flight reads finish. */
const DELETED_SEGMENT_CLOSE_DELAY_MS = 30_000
/** Save the active segment's indexes after this many new durable bytes. */
const INDEX_CHECKPOINT_BYTES = 64 * 1024 * 1024
/** Snapshot producer state after this many new bytes (when no append is in flight), bounding the replay after a crash. */
const PRODUCER_SNAPSHOT_BYTES = 16 * 1024 * 1024

export class PartitionLog {
  readonly topic: string
  readonly partition: number
  segments: Segment[]
  logStartOffset: number
  /** Next offset to assign; with one replica this is also the high watermark. */
  logEndOffset: number
  private readonly commit: GroupCommit
  private readonly queue: WriteQueue
  private dataWaiters: Array<{ offset: number, resolve: () => void }> = []
  private failure: TributaryError | null = null
  private closed = false
  private flushTimer: NodeJS.Timeout | null = null
  private messagesSinceFlush = 0
  private readonly pendingCloses = new Set<Segment>()
  private checkpoint: Promise<void> | null = null
  private maintenance: Promise<unknown> = Promise.resolve()
  /** Idempotent/transactional producers of this partition; rebuilt at open. */
  producers = new ProducerStateManager()
  private bytesSinceSnapshot = 0
  private snapshotting: Promise<void> | null = null

  private constructor (private readonly ctx: PartitionContext, segments: Segment[], logStartOffset: number) {
    this.topic = ctx.topic
    this.partition = ctx.partition
    this.segments = segments
    this.logEndOffset = segments[segments.length - 1]!.nextOffset
    this.logStartOffset = Math.min(Math.max(logStartOffset, segments[0]!.baseOffset), this.logEndOffset)
    this.commit = new GroupCommit(this.logEndOffset, () => this.logEndOffset, () => this.syncActive(),
      err => { this.fail(storageError('fsync failed', err)) })
    this.queue = new WriteQueue({
      active: () => this.active,
      roll: () => this.roll(),
      config: ctx.config,
      now: ctx.now,
      assign: (p, next) => this.assignOffsets(p, next),
      committed: (group, next) => this.onWritten(group, next),
      failed: (err) => this.onWriteFailed(err),
    })
  }

  /** Opens (or creates) the partition directory, recovering segments as needed. */
  static async open (ctx: PartitionContext): Promise<PartitionLog> {
    await mkdirDurable(ctx.fs, ctx.dir)
    const raw = await ctx.fs.readFile(join(ctx.dir, LOG_START_FILE))
    const savedStart = raw === null ? 0 : Number(raw.toString('utf8').trim()) || 0
    const segments = await loadSegments(ctx, savedStart)
    const log = new PartitionLog(ctx, segments, savedStart)
    log.producers = (await recoverProducerState(ctx.fs, ctx.dir, segments, log.logEndOffset)).state
    return log
  }

  get active (): Segment { return this.segments[this.segments.length - 1]! }
  get highWatermark (): number { return this.logEndOffset }
  /** The first offset of the earliest open transaction, else the high watermark. */
  get lastStableOffset (): number {
    const first = this.producers.firstUnstableOffset()
    return first === undefined || first > this.logEndOffset ? this.logEndOffset : first
  }

  get sizeInBytes (): number { let n = 0; for (const s of this.segments) n += s.size; return n }
  get segmentCount (): number { return this.segments.length }
  /** Every offset below this is fsynced. */
  get durableEnd (): number { return this.commit.durableEnd }

  /**
   * Validates and appends a produce payload (one or more batches). Resolves once
   * the bytes reached the OS (acks=1 point); offsets are written into the batches
   * in place, so `payload` must not be reused by the caller.
   */
  append (payload: Buffer, options: AppendOptions = {}): Promise<AppendResult> {
    if (this.failure !== null) return Promise.reject(this.failure)
    if (this.closed) return Promise.reject(new TributaryError(TributaryErrorCode.LOG_CLOSED, 'log is closed'))
    const cfg = this.ctx.config()
    let pending: StagedAppend
    try {
      const spans = splitBatches(payload, { maxBatchBytes: cfg.maxMessageBytes })
      if (payload.length > cfg.segmentBytes) {
        throw new TributaryError(TributaryErrorCode.RECORD_LIST_TOO_LARGE, `${payload.length} bytes exceed segment.bytes ${cfg.segmentBytes}`)
      }
      // the coordinator's own control batches are built here, not parsed from a client
      if (options.origin !== 'coordinator') {
        validateRecords(payload, spans, { maxDecompressedBytes: this.ctx.maxDecompressedBatchBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES, requireKeys: cfg.compact })
      }
      const validator = this.ctx.validator()
      if (validator !== undefined) validator(this.topic, this.partition, spans.map(s => s.header))
      const staged = this.producers.stage(payload, spans, this.ctx.now(), options.origin === 'coordinator')
      if (staged.kind === 'duplicate') return this.answerDuplicate(staged.meta)
      let records = 0
      for (const s of spans) records += s.header.recordCount
      pending = { payload, spans, records, baseOffset: -1, lastOffset: -1, logAppendTime: -1, resolve: () => {}, reject: () => {}, staging: staged.staging }
    } catch (err) {
      return Promise.reject(err)
    }
    const written = new Promise<AppendResult>((resolve, reject) => {
      pending.resolve = () => resolve({
        baseOffset: pending.baseOffset,
        lastOffset: pending.lastOffset,
        logAppendTime: pending.logAppendTime,
        logStartOffset: this.logStartOffset,
        recordCount: pending.records,
      })
      pending.reject = (err) => {
        if (pending.staging !== null) this.producers.abandon(pending.staging)
        reject(err)
      }
      this.queue.push(pending)
    })
    if (pending.staging !== null) for (const b of pending.staging.batches) if (b.meta !== null) b.meta.written = written
    return written
  }

  /** A retried batch already in the log (or queued): answered with its original offsets, not written again. */
  private async answerDuplicate (meta: BatchMeta): Promise<AppendResult> {
    if (meta.firstOffset < 0 && meta.written !== undefined) await meta.written
    return { baseOffset: meta.firstOffset, lastOffset: meta.lastOffset, logAppendTime: -1, logStartOffset: this.logStartOffset, recordCount: meta.lastOffset - meta.firstOffset + 1 }
  }

  /** Writes a transaction marker (commit or abort control batch) for one producer: EndTxn's last step. */
  appendTxnMarker (producerId: number, producerEpoch: number, commit: boolean, coordinatorEpoch = 0): Promise<AppendResult> {
    return this.append(encodeTxnMarker(producerId, producerEpoch, commit, coordinatorEpoch, this.ctx.now()), { origin: 'coordinator' })
  }

  private assignOffsets (p: PendingAppend, next: number): number {
    const logAppendTime = this.ctx.config().logAppendTime ? this.ctx.now() : -1
    p.baseOffset = next
    p.logAppendTime = logAppendTime
    for (const span of p.spans) {
      setBaseOffset(p.payload, span.position, next)
      setPartitionLeaderEpoch(p.payload, span.position, 0)
      if (logAppendTime >= 0) {
        setLogAppendTime(p.payload, span.position, span.size, logAppendTime)
        span.header.maxTimestamp = logAppendTime
      }
      span.header.baseOffset = next
      next += span.header.lastOffsetDelta + 1
    }
    p.lastOffset = next - 1
    const staging = (p as StagedAppend).staging
    if (staging !== null && staging !== undefined) this.producers.assign(staging, p.spans)
    return next
  }

  private onWritten (group: PendingAppend[], next: number): void {
    this.logEndOffset = next
    for (const p of group) { this.messagesSinceFlush += p.records; this.bytesSinceSnapshot += p.payload.length; p.resolve() }
    this.maybeSnapshotProducers()
    this.commit.kick()
    this.applyFlushPolicy()
    if (this.dataWaiters.length > 0) this.wakeWaiters()
  }

  /** A snapshot needs every staged batch to have its offsets, so it waits for a quiet moment. */
  private maybeSnapshotProducers (): void {
    if (this.bytesSinceSnapshot < PRODUCER_SNAPSHOT_BYTES || this.producers.pending > 0 || this.snapshotting !== null) return
    this.bytesSinceSnapshot = 0
    this.snapshotting = writeProducerSnapshot(this.ctx.fs, this.ctx.dir, this.producers, this.logEndOffset)
      .catch(() => {}).finally(() => { this.snapshotting = null })
  }

  private onWriteFailed (err: unknown): void {
    // the queue already truncated the partial write away; if that failed too the log is unusable
    if (err instanceof TributaryError && err.code === TributaryErrorCode.STORAGE_ERROR && /truncate/.test(err.message)) this.fail(err)
  }

  private fail (err: TributaryError): void {
    if (this.failure !== null) return
    this.failure = err
    this.commit.failAll(err)
  }

  private applyFlushPolicy (): void {
    const cfg = this.ctx.config()
    if (this.messagesSinceFlush >= cfg.flushMessages) {
      this.messagesSinceFlush = 0
      this.commit.requestSync().catch(() => {})
    } else if (Number.isFinite(cfg.flushMs) && this.flushTimer === null) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = null
        this.messagesSinceFlush = 0
        this.commit.requestSync().catch(() => {})
      }, cfg.flushMs)
      this.flushTimer.unref()
    }
  }

  /**
   * fsyncs the active segment; every INDEX_CHECKPOINT_BYTES also saves its indexes
   * (covering only what this fsync made durable), bounding the re-scan after a crash.
   */
  private async syncActive (): Promise<void> {
    const seg = this.active
    const snap = seg.snapshot()
    await seg.sync()
    if (this.checkpoint === null && snap.summary.coveredBytes - seg.indexedBytesOnDisk >= INDEX_CHECKPOINT_BYTES) {
      this.checkpoint = seg.writeIndexes(snap).catch(() => {}).finally(() => { this.checkpoint = null })
    }
  }

  /** Resolves once every offset <= `offset` is fsynced (group-committed). */
  flushed (offset: number): Promise<void> {
    if (this.failure !== null && offset >= this.commit.durableEnd) return Promise.reject(this.failure)
    return this.commit.waitFor(offset)
  }

  /** What an acks=all producer waits for under the configured flush policy. */
  ackAll (offset: number): Promise<void> {
    return this.ctx.fsyncOnAcksAll ? this.flushed(offset) : Promise.resolve()
  }

  /** Closes the current active segment (fsync + index files) and starts a new one. */
  private async roll (): Promise<Segment> {
    const old = this.active
    try {
      await old.sync()
    } catch (err) {
      // as in group commit: after a failed fsync the kernel may have dropped the
      // dirty pages, so a retried fsync that succeeds proves nothing
      const failure = storageError('fsync failed', err)
      this.fail(failure)
      throw failure
    }
    await old.writeIndexes()
    const seg = await Segment.create(this.ctx.fs, this.ctx.dir, old.nextOffset, this.ctx.now(), () => this.ctx.config().indexIntervalBytes)
    this.segments.push(seg)
    return seg
  }

  /** Whole batches from the one containing `fetchOffset`. */
  async read (fetchOffset: number, maxBytes: number, options: ReadOptions = {}): Promise<ReadResult> {
    const hw = this.logEndOffset
    const result: ReadResult = {
      chunks: [],
      bytes: 0,
      highWatermark: hw,
      lastStableOffset: this.lastStableOffset,
      logStartOffset: this.logStartOffset,
      abortedTransactions: [],
    }
    if (fetchOffset < this.logStartOffset || fetchOffset > hw) {
      throw new TributaryError(TributaryErrorCode.OFFSET_OUT_OF_RANGE,
        `offset ${fetchOffset} is outside [${this.logStartOffset}, ${hw}] of ${this.topic}-${this.partition}`)
    }
    const minOne = options.minOneBatch ?? true
    const committed = options.isolation === 'read_committed'
    if (fetchOffset === hw || (committed && fetchOffset >= result.lastStableOffset)) return result
    for (let i = this.segmentIndexFor(fetchOffset); i < this.segments.length; i++) {
      const r = await this.segments[i]!.readFrom(fetchOffset, maxBytes, minOne, options.allocate)
      if (r !== null) {
        result.chunks = r.chunks
        result.bytes = r.bytes
        break
      }
    }
    // with no open and no aborted transaction a read_committed read is a plain read
    if (committed && (result.lastStableOffset < hw || this.producers.aborted.size > 0)) this.limitToStable(result, fetchOffset)
    return result
  }

  /**
   * read_committed: drops batches at or past the last stable offset (open
   * transactions) and lists the aborted transactions overlapping what is returned.
   */
  private limitToStable (result: ReadResult, fetchOffset: number): void {
    const lso = result.lastStableOffset
    let end = fetchOffset
    const kept: Buffer[] = []
    let bytes = 0
    for (const chunk of result.chunks) {
      let pos = 0
      while (pos + 27 <= chunk.length) {
        const base = readInt64(chunk, pos)
        if (base >= lso) break
        end = base + chunk.readInt32BE(pos + 23) + 1
        pos += chunk.readInt32BE(pos + 8) + 12
      }
      if (pos > 0) { kept.push(pos === chunk.length ? chunk : chunk.subarray(0, pos)); bytes += Math.min(pos, chunk.length) }
      if (pos < chunk.length) break
    }
    result.chunks = kept
    result.bytes = bytes
    if (this.producers.aborted.size > 0 && end > fetchOffset) result.abortedTransactions = anchorAbortedTxns(this.producers.aborted.overlapping(fetchOffset, end), kept)
  }

  /** Index of the last segment whose base offset is <= offset. */
  segmentIndexFor (offset: number): number {
    let lo = 0
    let hi = this.segments.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (this.segments[mid]!.baseOffset <= offset) lo = mid; else hi = mid - 1
    }
    return lo
  }

  /** Long poll: resolves when the high watermark passes `offset`, or when `signal` aborts. */
  waitForData (offset: number, signal?: AbortSignal): Promise<void> {
    if (this.logEndOffset > offset || this.closed || signal?.aborted === true) return Promise.resolve()
    return new Promise(resolve => {
      const waiter = { offset, resolve }
      this.dataWaiters.push(waiter)
      signal?.addEventListener('abort', () => {
        this.dataWaiters = this.dataWaiters.filter(w => w !== waiter)
        resolve()
      }, { once: true })
    })
  }

  private wakeWaiters (): void {
    const end = this.logEndOffset
    const keep: typeof this.dataWaiters = []
    for (const w of this.dataWaiters) {
      if (w.offset < end || this.closed) w.resolve(); else keep.push(w)
    }
    this.dataWaiters = keep
  }

  /** ListOffsets: -1 latest, -2 earliest, -3 max timestamp, else first record with timestamp >= ts. */
  async offsetForTimestamp (timestamp: number): Promise<TimestampLookup | null> {
    if (timestamp === -1) return { offset: this.logEndOffset, timestamp: -1 }
    if (timestamp === -2) return { offset: this.logStartOffset, timestamp: -1 }
    return findOffsetForTimestamp(this.segments, this.logStartOffset, this.logEndOffset, timestamp)
  }

  /** DeleteRecords: moves the log start offset up (-1 = high watermark) and drops whole segments below it. */
  async deleteRecordsBefore (offset: number): Promise<number> {
    const target = offset === -1 ? this.logEndOffset : offset
    if (target < 0 || target > this.logEndOffset) {
      throw new TributaryError(TributaryErrorCode.OFFSET_OUT_OF_RANGE, `cannot delete records before ${offset}: high watermark is ${this.logEndOffset}`)
    }
    if (target > this.logStartOffset) await this.advanceLogStart(target)
    return this.logStartOffset
  }

  private async advanceLogStart (offset: number): Promise<void> {
    return this.exclusive(() => this.advanceLogStartLocked(offset))
  }

  private async advanceLogStartLocked (offset: number): Promise<void> {
    this.logStartOffset = offset
    this.producers.aborted.truncateBefore(offset)
    await this.ctx.fs.writeFileAtomic(join(this.ctx.dir, LOG_START_FILE), String(offset))
    while (this.segments.length > 1 && this.segments[0]!.nextOffset <= offset) {
      await this.dropOldestSegment()
    }
  }

  private async dropOldestSegment (): Promise<void> {
    const seg = this.segments.shift()!
    await this.ctx.fs.unlink(seg.indexPath)
    await this.ctx.fs.unlink(seg.timeIndexPath)
    await this.ctx.fs.unlink(seg.logPath)
    this.retireSegment(seg)
  }

  /** A segment whose files were unlinked stays readable through its open handle; closed later. */
  retireSegment (seg: Segment): void {
    this.pendingCloses.add(seg)
    setTimeout(() => { if (this.pendingCloses.delete(seg)) seg.close().catch(() => {}) }, DELETED_SEGMENT_CLOSE_DELAY_MS).unref()
  }

  /**
   * Runs `fn` with the segment list to itself among maintenance tasks (retention,
   * DeleteRecords, the cleaner's swaps); appends and rolls are not blocked.
   */
  exclusive<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.maintenance.then(fn)
    this.maintenance = run.catch(() => {})
    return run
  }

  /** Deletes old non-active segments past retention.ms / retention.bytes. Returns segments deleted. */
  async enforceRetention (nowMs: number): Promise<number> {
    this.producers.expire(nowMs, this.ctx.producerIdExpirationMs ?? 86_400_000)
    const cfg = this.ctx.config()
    if (!cfg.cleanupPolicy.includes('delete')) return 0
    let deleted = 0
    let total = this.sizeInBytes
    let newStart = this.logStartOffset
    for (let i = 0; i < this.segments.length - 1; i++) {
      const seg = this.segments[i]!
      const expired = Number.isFinite(cfg.retentionMs) && seg.maxTimestamp >= 0 && seg.maxTimestamp < nowMs - cfg.retentionMs
      const oversize = Number.isFinite(cfg.retentionBytes) && total - seg.size >= cfg.retentionBytes
      if (!expired && !oversize) break
      total -= seg.size
      newStart = Math.max(newStart, seg.nextOffset)
      deleted++
    }
    if (deleted > 0) await this.advanceLogStart(newStart)
    return deleted
  }

  /** Waits for pending writes, fsyncs, writes the active segment's indexes and closes files. */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.flushTimer !== null) clearTimeout(this.flushTimer)
    await this.queue.drained()
    this.wakeWaiters()
    if (this.failure === null) {
      await this.commit.requestSync()
      if (this.checkpoint !== null) await this.checkpoint
      await this.active.writeIndexes()
      if (this.snapshotting !== null) await this.snapshotting
      await writeProducerSnapshot(this.ctx.fs, this.ctx.dir, this.producers, this.logEndOffset)
    }
    this.commit.failAll(new TributaryError(TributaryErrorCode.LOG_CLOSED, 'log is closed'))
    for (const seg of this.pendingCloses) await seg.close().catch(() => {})
    this.pendingCloses.clear()
    for (const seg of this.segments) await seg.close()
  }

  /** Removes the partition's files (topic deletion); the log must be closed. */
  async deleteFiles (): Promise<void> {
    await this.ctx.fs.removeDir(this.ctx.dir)
  }
}
