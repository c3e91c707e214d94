// One partition's log: a list of segments, appends (validated, offsets assigned
// as batches are written, answered at the durability the caller asks for), reads
// of whole batches and the log start. The parts with their own job live beside
// it: write-queue (coalesced writev), group-commit (shared fsyncs), flush-policy
// (flush.ms / flush.messages), index-checkpoint, producer-snapshot, data-waiters
// (long polls), retention, txn-index (read_committed).
import { join } from 'node:path'
import { splitBatches } from '../protocol/records/split.js'
import { validateRecords } from '../protocol/records/validate.js'
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../protocol/records/compression.js'
import { setBaseOffset, setLogAppendTime, setPartitionLeaderEpoch } from '../protocol/records/rewrite.js'
import { TributaryError, TributaryErrorCode, storageError } from '../errors.js'
import { mkdirDurable } from './fs.js'
import { GroupCommit } from './group-commit.js'
import { FlushScheduler } from './flush-policy.js'
import { IndexCheckpoints } from './index-checkpoint.js'
import { DataWaiters } from './data-waiters.js'
import { retentionCut, RetiredSegments } from './retention.js'
import { Segment } from './segment.js'
import { loadSegments } from './partition-open.js'
import { findOffsetForTimestamp } from './timestamp-lookup.js'
import type { TimestampLookup } from './timestamp-lookup.js'
import { WriteQueue } from './write-queue.js'
import { ProducerStateManager } from './producer-state.js'
import type { BatchMeta, Staging } from './producer-state.js'
import { decodeProducerSnapshot, encodeProducerSnapshot, ProducerSnapshots, recoverProducerState } from './producer-snapshot.js'
import { encodeTxnMarker } from './txn-marker.js'
import { limitToStable } from './txn-index.js'
import type { PendingAppend } from './write-queue.js'
import type { TailCache } from './tail-cache.js'
import type { AppendOptions, AppendResult, Durability, PartitionContext, PartitionFacts, ReadOptions, ReadResult } from './partition-types.js'

export type { TimestampLookup }
export type { AppendOptions, AppendResult, AppendValidator, Durability, PartitionContext, PartitionFacts, ReadOptions, ReadResult } from './partition-types.js'

/** What writes go through: the queue that coalesces them, the group commit that fsyncs them, the flush policy. */
interface WritePath { commit: GroupCommit, queue: WriteQueue, flushes: FlushScheduler }

/** An append with the producer state it staged (idempotence, transactions). */
interface StagedAppend extends PendingAppend { staging: Staging | null }

const LOG_START_FILE = 'log-start-offset'
// Written bytes are copied into the tail cache only while someone reads near this partition's tail: within
// this many bytes written since a read in the active segment (or a fetch parked at the end). Profiled on kcat
// produce with no consumer: the copy of every group was the main thread's largest cost (~15 % of its time,
// plus the page faults and collections of the blocks), for bytes nobody would read from memory. A reader
// that comes later reads them from the page cache, and its reads turn the copying on for what follows.
// Counted in bytes, not time: a reader fetching a MiB per partition per fetch resets it on every fetch.
const TAIL_FOLLOW_BYTES = 8 * 1024 * 1024

export class PartitionLog {
  readonly topic: string
  readonly partition: number
  segments: Segment[]
  logStartOffset: number
  /** Next offset to assign; with one replica this is also the high watermark. */
  logEndOffset: number
  /**
   * The write path, made at the first write, fsync wait or close of an opened partition: a dormant partition
   * nobody writes never makes it (at a start with 10,000 partitions its objects and closures were about a
   * third of the heap each partition held, and copying them was most of the start's garbage collection).
   */
  private writePath: WritePath | null = null
  private readonly waiters = new DataWaiters()
  private readonly checkpoints: IndexCheckpoints
  private readonly snapshots: ProducerSnapshots
  private readonly retired: RetiredSegments
  /** Recent batches for fetches at the tail; null when caching is off. */
  private readonly tail: TailCache | null
  private failure: TributaryError | null = null
  private closed = false
  private waking: Promise<void> | null = null
  private maintenance: Promise<unknown> = Promise.resolve()
  /** Bytes written since a read at the tail; starts past TAIL_FOLLOW_BYTES: a partition nobody read caches nothing. */
  private writtenSinceTailRead = Infinity
  /** Above 0 while the log start moves: the recovery checkpoint leaves this partition out. */
  private logStartChanging = 0
  /** Idempotent/transactional producers of this partition; rebuilt at open. */
  producers = new ProducerStateManager()

  private constructor (private readonly ctx: PartitionContext, segments: Segment[], logStartOffset: number, private dormant: PartitionFacts | null = null) {
    this.topic = ctx.topic
    this.partition = ctx.partition
    this.segments = segments
    this.logEndOffset = dormant?.logEndOffset ?? segments[segments.length - 1]!.nextOffset
    this.logStartOffset = dormant?.logStartOffset ?? Math.min(Math.max(logStartOffset, segments[0]!.baseOffset), this.logEndOffset)
    const report = (what: string) => (err: unknown) => { this.report(what, err) }
    this.checkpoints = new IndexCheckpoints(report('index checkpoint failed'))
    this.snapshots = new ProducerSnapshots(ctx.fs, ctx.dir, report('producer state snapshot failed'))
    this.retired = new RetiredSegments(report('closing a deleted segment failed'))
    this.tail = ctx.tailCache !== undefined && ctx.tailCache.maxBytes > 0 ? ctx.tailCache.cache() : null
  }

  private get commit (): GroupCommit { return this.writing().commit }
  private get queue (): WriteQueue { return this.writing().queue }
  private get flushes (): FlushScheduler { return this.writing().flushes }

  private writing (): WritePath {
    if (this.writePath !== null) return this.writePath
    // nothing was written before this (every write goes through it): all the log holds is durable
    const commit = new GroupCommit(this.logEndOffset, () => this.logEndOffset, () => this.syncActive(),
      err => { this.fail(storageError('fsync failed', err)) })
    const queue = new WriteQueue({
      active: () => this.active,
      roll: () => this.roll(),
      config: this.ctx.config,
      now: this.ctx.now,
      assign: (p, next) => this.assignOffsets(p, next),
      committed: (group, next) => this.onWritten(group, next),
      failed: (err) => this.onWriteFailed(err),
    })
    const flushes = new FlushScheduler(this.ctx.config, () => {
      // a failed fsync already took the partition offline through fail(), which reported it
      commit.requestSync().catch(() => undefined)
    })
    this.writePath = { commit, queue, flushes }
    return this.writePath
  }

  /** Background failures go to the log manager's logger, with this partition named. */
  private report (what: string, err: unknown): void {
    if (this.ctx.onBackgroundError !== undefined) this.ctx.onBackgroundError(what, err)
    else process.emitWarning(`${this.topic}-${this.partition}: ${what}: ${err instanceof Error ? err.message : String(err)}`)
  }

  /** Opens (or creates) the partition directory, recovering segments as needed. */
  static async open (ctx: PartitionContext): Promise<PartitionLog> {
    await mkdirDurable(ctx.fs, ctx.dir)
    const raw = await ctx.fs.readFile(join(ctx.dir, LOG_START_FILE))
    const savedStart = raw === null ? 0 : Number(raw.toString('utf8').trim()) || 0
    const segments = await loadSegments(ctx, savedStart)
    const log = new PartitionLog(ctx, segments, savedStart)
    const recovered = await recoverProducerState(ctx.fs, ctx.dir, segments, log.logEndOffset)
    log.producers = recovered.state
    log.snapshots.current = recovered.current
    return log
  }

  /**
   * A partition as a clean close left it, known from `facts`: offsets, sizes and
   * producer state are served at once, its files are opened at its first read or
   * write. With thousands of partitions a start then costs one file, not
   * thousands of opens.
   */
  static dormant (ctx: PartitionContext, facts: PartitionFacts): PartitionLog {
    const log = new PartitionLog(ctx, [], facts.logStartOffset, facts)
    const snapshot = facts.producers === null ? null : decodeProducerSnapshot(Buffer.from(facts.producers))
    if (snapshot !== null) log.producers = snapshot.state
    log.snapshots.current = true
    return log
  }

  /** True until a partition started from clean-shutdown facts has opened its files. */
  get isDormant (): boolean { return this.dormant !== null }

  /** Opens the files of a dormant partition now (the cleaner needs its segments). */
  async ensureOpen (): Promise<void> {
    if (this.dormant !== null) await this.wake()
  }

  /** Opens the files of a dormant partition (once; later callers share the same wait). */
  private wake (): Promise<void> {
    if (this.closed && this.waking === null) return Promise.reject(new TributaryError(TributaryErrorCode.LOG_CLOSED, 'log is closed'))
    this.waking ??= this.openFiles().catch((err: unknown) => {
      const failure = storageError('opening the partition failed', err)
      this.fail(failure)
      throw failure
    })
    return this.waking
  }

  private async openFiles (): Promise<void> {
    const facts = this.dormant!
    const segments = await loadSegments(this.ctx, facts.logStartOffset)
    const end = segments[segments.length - 1]!.nextOffset
    // the files were closed (or checkpointed) with these facts; more than they say means they changed under us
    if (end > facts.logEndOffset) throw new Error(`log ends at ${end}, the clean shutdown recorded ${facts.logEndOffset}`)
    this.segments = segments
    this.dormant = null
    // less: opening found a corrupt batch the recovery checkpoint vouched for and cut the log there, as recovery does
    if (end < facts.logEndOffset) await this.cutBackAfterOpen(end)
  }

  private async cutBackAfterOpen (end: number): Promise<void> {
    this.report(`log cut back from ${this.logEndOffset} to ${end} at a corrupt batch`, new Error('corrupt batch'))
    this.logEndOffset = end
    this.logStartOffset = Math.min(this.logStartOffset, end)
    if (this.writePath !== null) this.writePath.commit.durableEnd = end
    const recovered = await recoverProducerState(this.ctx.fs, this.ctx.dir, this.segments, end)
    this.producers = recovered.state
    this.snapshots.current = recovered.current
  }

  /** What the next start needs to serve this partition without opening it; null unless it closed cleanly. */
  shutdownFacts (): PartitionFacts | null {
    if (!this.closed || this.failure !== null) return null
    return this.currentFacts()
  }

  /**
   * The same facts while running, for the recovery checkpoint: only when every
   * written byte is fsynced (or `syncingAll`: the caller fsyncs the whole file system
   * before using them) and the log start is not moving, else null (after a crash
   * this partition is then recovered from its files).
   */
  recoveryFacts (syncingAll = false): PartitionFacts | null {
    if (this.closed || this.failure !== null || this.logStartChanging > 0) return null
    if (!syncingAll && this.dormant === null && this.durableEnd < this.logEndOffset) return null
    return this.currentFacts()
  }

  private currentFacts (): PartitionFacts {
    if (this.dormant !== null) return this.dormant
    return {
      logStartOffset: this.logStartOffset,
      logEndOffset: this.logEndOffset,
      sizeInBytes: this.sizeInBytes,
      segmentCount: this.segmentCount,
      producers: this.producers.producers.size === 0 && this.producers.aborted.size === 0 ? null : encodeProducerSnapshot(this.producers, this.logEndOffset),
      activeBaseOffset: this.active.baseOffset,
      activeSize: this.active.size,
    }
  }

  get active (): Segment { return this.segments[this.segments.length - 1]! }
  get highWatermark (): number { return this.logEndOffset }
  /** The first offset of the earliest open transaction, else the high watermark. */
  get lastStableOffset (): number {
    const first = this.producers.firstUnstableOffset()
    return first === undefined || first > this.logEndOffset ? this.logEndOffset : first
  }

  get sizeInBytes (): number {
    if (this.dormant !== null) return this.dormant.sizeInBytes
    let n = 0
    for (const s of this.segments) n += s.size
    return n
  }

  get segmentCount (): number { return this.dormant?.segmentCount ?? this.segments.length }
  /** Every offset below this is fsynced. */
  get durableEnd (): number { return this.writePath?.commit.durableEnd ?? this.logEndOffset }

  /**
   * Validates and appends a produce payload (one or more batches); resolves at
   * the durability asked for (default: once the bytes reached the OS). Offsets
   * are written into the batches in place, so `payload` must not be reused.
   */
  append (payload: Buffer, options: AppendOptions = {}): Promise<AppendResult> {
    if (this.dormant !== null && !this.closed) return this.wake().then(() => this.append(payload, options))
    const written = this.write(payload, options)
    const durability = options.durability ?? 'written'
    if (durability === 'written' || (durability === 'acksAll' && !this.ctx.fsyncOnAcksAll)) return written
    return written.then(async r => { await this.flushed(r.lastOffset); return r })
  }

  private write (payload: Buffer, options: AppendOptions): Promise<AppendResult> {
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
  appendTxnMarker (producerId: number, producerEpoch: number, commit: boolean, coordinatorEpoch = 0, durability: Durability = 'written'): Promise<AppendResult> {
    return this.append(encodeTxnMarker(producerId, producerEpoch, commit, coordinatorEpoch, this.ctx.now()), { origin: 'coordinator', durability })
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
    let records = 0
    let bytes = 0
    for (const p of group) { records += p.records; bytes += p.payload.length; p.resolve() }
    // The fill policy: cache a written group while someone reads near this partition's tail (a read in the active
    // segment or a parked fetch within the last TAIL_FOLLOW_BYTES written). A fetch parked for this very write is
    // then answered from memory on this turn of the event loop, instead of a positional read queued on libuv's pool
    // behind the group commit's fsync (a hop that showed in end-to-end latency, issue 15 target 3). A partition
    // nobody reads near its tail copies nothing (produce-only partitions: the copy and its garbage were ~30 % of
    // the broker's produce CPU). Skipping a group empties the cache, which must always end at the high watermark.
    const followed = this.writtenSinceTailRead < TAIL_FOLLOW_BYTES
    this.writtenSinceTailRead += bytes
    if (this.tail !== null && !this.closed) {
      if (followed) this.cacheWritten(group); else this.tail.clear()
    }
    this.snapshots.afterWrite(bytes, this.producers, this.logEndOffset)
    this.commit.kick()
    this.flushes.onWritten(records)
    this.waiters.wake(next)
  }

  /** Copies a written group into the tail cache, with the offsets it was given. */
  private cacheWritten (group: PendingAppend[]): void {
    this.tail!.add(group.map(p => ({
      payload: p.payload,
      batches: p.spans.map(s => ({ position: s.position, size: s.size, baseOffset: s.header.baseOffset, lastOffset: s.header.baseOffset + s.header.lastOffsetDelta })),
    })))
  }

  /** The segments were rewritten (compaction): cached batches may no longer be what the log holds. */
  forgetCachedTail (): void { this.tail?.clear() }

  private onWriteFailed (err: unknown): void {
    // a write the queue could not cut back off leaves the file's end unknown
    if (err instanceof TributaryError && err.code === TributaryErrorCode.TRUNCATE_FAILED) this.fail(err)
  }

  private fail (err: TributaryError): void {
    if (this.failure !== null) return
    this.failure = err
    this.tail?.clear()
    this.report('partition taken offline', err)
    // without a write path nothing waits for an fsync; one made later finds `failure` set first
    this.writePath?.commit.failAll(err)
  }

  /**
   * fsyncs the active segment; once the group commit counts that fsync (every earlier one succeeded too), maybe
   * checkpoints its indexes, covering only what this fsync made durable.
   */
  private async syncActive (): Promise<() => void> {
    const seg = this.active
    const snap = seg.snapshot()
    await seg.sync()
    return () => this.checkpoints.afterSync(seg, snap)
  }

  /** Resolves once every offset <= `offset` is fsynced (group-committed). */
  flushed (offset: number): Promise<void> {
    if (this.failure !== null && offset >= this.durableEnd) return Promise.reject(this.failure)
    return this.commit.waitFor(offset)
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
    // a read in the active segment follows the tail: the writes after it are worth caching (TAIL_FOLLOW_BYTES)
    if (this.dormant !== null || fetchOffset >= this.active.baseOffset) this.writtenSinceTailRead = 0
    const minOne = options.minOneBatch ?? true
    const committed = options.isolation === 'read_committed'
    if (fetchOffset === hw || (committed && fetchOffset >= result.lastStableOffset)) return result
    // a consumer polling at the end of a dormant partition does not open its files
    const cached = this.tail?.read(fetchOffset, maxBytes, minOne, options.pin === true) ?? null
    if (cached !== null) {
      result.chunks = cached.chunks
      result.bytes = cached.bytes
      if (cached.release !== undefined) result.release = cached.release
    } else {
      if (this.dormant !== null) await this.wake()
      await this.readSegments(result, fetchOffset, maxBytes, minOne, options.allocate)
    }
    // with no open and no aborted transaction a read_committed read is a plain read
    if (committed && (result.lastStableOffset < hw || this.producers.aborted.size > 0)) {
      Object.assign(result, limitToStable(result.chunks, fetchOffset, result.lastStableOffset, this.producers.aborted))
    }
    return result
  }

  private async readSegments (result: ReadResult, fetchOffset: number, maxBytes: number, minOne: boolean, allocate: ReadOptions['allocate']): Promise<void> {
    for (let i = this.segmentIndexFor(fetchOffset); i < this.segments.length; i++) {
      const r = await this.segments[i]!.readFrom(fetchOffset, maxBytes, minOne, allocate)
      if (r !== null) {
        result.chunks = r.chunks
        result.bytes = r.bytes
        return
      }
    }
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

  /**
   * Long poll without a promise: calls `wake` once the high watermark passes `offset` (or the partition closes) and
   * returns a cancel function; returns null, calling nothing, when that is already so.
   */
  onData (offset: number, wake: () => void): (() => void) | null {
    if (this.logEndOffset > offset || this.closed) return null
    this.writtenSinceTailRead = 0
    return this.waiters.park(offset, wake)
  }

  /** Long poll: resolves when the high watermark passes `offset`, or when `signal` aborts. */
  waitForData (offset: number, signal?: AbortSignal): Promise<void> {
    if (this.logEndOffset > offset || this.closed) return Promise.resolve()
    this.writtenSinceTailRead = 0
    return this.waiters.wait(offset, signal)
  }

  /** ListOffsets: -1 latest, -2 earliest, -3 max timestamp, else first record with timestamp >= ts. */
  async offsetForTimestamp (timestamp: number): Promise<TimestampLookup | null> {
    if (timestamp === -1) return { offset: this.logEndOffset, timestamp: -1 }
    if (timestamp === -2) return { offset: this.logStartOffset, timestamp: -1 }
    if (this.dormant !== null) await this.wake()
    return findOffsetForTimestamp(this.segments, this.logStartOffset, this.logEndOffset, timestamp)
  }

  /** DeleteRecords: moves the log start offset up (-1 = high watermark) and drops whole segments below it. */
  async deleteRecordsBefore (offset: number): Promise<number> {
    if (this.dormant !== null) await this.wake()
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
    this.logStartChanging++
    try {
      await this.ctx.beforeLogStartChange?.()
      await this.moveLogStart(offset)
    } finally { this.logStartChanging-- }
  }

  private async moveLogStart (offset: number): Promise<void> {
    this.logStartOffset = offset
    this.tail?.dropBefore(offset)
    this.producers.aborted.truncateBefore(offset)
    this.snapshots.current = false
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
  retireSegment (seg: Segment): void { this.retired.retire(seg) }

  /**
   * Runs `fn` with the segment list to itself among maintenance tasks (retention,
   * DeleteRecords, the cleaner's swaps); appends and rolls are not blocked.
   */
  exclusive<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.maintenance.then(fn)
    // the caller of exclusive() gets fn's error through `run`; the chain goes on
    this.maintenance = run.catch(() => undefined)
    return run
  }

  /** Deletes old non-active segments past retention.ms / retention.bytes. Returns segments deleted. */
  async enforceRetention (nowMs: number): Promise<number> {
    if (this.producers.expire(nowMs, this.ctx.producerIdExpirationMs ?? 86_400_000) > 0) this.snapshots.current = false
    const cfg = this.ctx.config()
    if (!cfg.cleanupPolicy.includes('delete')) return 0
    // the active segment is never deleted, so a dormant partition of one segment has nothing to delete
    if (this.dormant !== null) {
      if (this.dormant.segmentCount <= 1) return 0
      await this.wake()
    }
    const cut = retentionCut(this.segments, cfg, nowMs, this.logStartOffset)
    if (cut.segments > 0) await this.advanceLogStart(cut.logStartOffset)
    return cut.segments
  }

  /** Waits for pending writes, fsyncs, writes the active segment's indexes and closes files. */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.writePath?.flushes.stop()
    this.tail?.clear()
    if (this.waking !== null) await this.waking.catch(() => undefined) // a failed wake already took the partition offline
    if (this.dormant !== null) {
      // never opened: nothing to flush and no file to close; its facts still hold. Nothing waits for
      // an fsync of a partition never written (an error object each cost ~30 µs × 10,000 at stop)
      this.waiters.wake(this.logEndOffset, true)
      return
    }
    await this.queue.drained()
    this.waiters.wake(this.logEndOffset, true)
    if (this.failure === null) {
      await this.commit.requestSync()
      await this.checkpoints.settled()
      await this.active.writeIndexes()
      await this.snapshots.final(this.producers, this.logEndOffset)
    }
    this.writePath?.commit.failAll(new TributaryError(TributaryErrorCode.LOG_CLOSED, 'log is closed'))
    await this.retired.closeAll()
    for (const seg of this.segments) await seg.close()
  }

  /** Removes the partition's files (topic deletion); the log must be closed. */
  async deleteFiles (): Promise<void> {
    await this.ctx.fs.removeDir(this.ctx.dir)
  }
}
