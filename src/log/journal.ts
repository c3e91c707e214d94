// A durable key-value journal for small state (group offsets, transaction
// state, the bus catalog and delivery cursors): one append-only file of
// frames, each an atomic batch of puts and deletes (./journal-format.ts).
//
// - write() resolves once its frame is fsynced. Frames queued while a write or
//   an fsync runs go out together, and concurrent writers share fsyncs through
//   GroupCommit (./group-commit.ts): N concurrent writers cost about two fsyncs.
// - open() replays the file, cutting a torn or corrupt tail (a crash mid-write
//   loses at most the unacknowledged last frames) and hands back the live state.
// - When garbage (overwritten and deleted entries) passes `garbageRatio` of a
//   file bigger than `compactAfterBytes`, the live entries are rewritten into a
//   new file that replaces the old one atomically (./journal-compaction.ts).
// - A failed fsync is never retried or swallowed: the kernel may have dropped
//   the dirty pages, so a later fsync that succeeds proves nothing. The waiting
//   writers' promises reject and the journal refuses every later write until it
//   is reopened, as Kafka takes a log directory offline. A failed write (a full
//   disk) is cut back off the file and only its own writers fail.
// All file access goes through the log's FileSystem seam, so FaultyFs can
// inject faults and power cuts.
import { join } from 'node:path'
import { TributaryError, TributaryErrorCode } from '../errors.js'
import { realFs, mkdirDurable, type FileHandle, type FileSystem } from './fs.js'
import { siblingPath } from './file-names.js'
import { GroupCommit } from './group-commit.js'
import { encodeFrame, opBytes, scanFrames, type JournalOp, type LiveEntry } from './journal-format.js'
import { layOut, swapIn, writeTemporary } from './journal-compaction.js'

export type { JournalOp } from './journal-format.js'

export interface JournalOptions {
  /** The directory holding the journal (created durably if missing). */
  dir: string
  /** The journal's file name inside `dir`: a fixed name, never derived from user input. */
  name: string
  fs?: FileSystem
  /** No compaction below this file size (default 1 MiB). */
  compactAfterBytes?: number
  /** Compact once this share of the file is garbage (default 0.5). */
  garbageRatio?: number
}

export interface JournalRecovery {
  /** The live state: each key's latest value. Values are views into one buffer read at open. */
  entries: Map<string, Buffer>
  /** Intact frames replayed. */
  frames: number
  /** Bytes kept. */
  bytes: number
  /** Bytes cut off the end: a torn or corrupt tail. */
  truncatedBytes: number
}

interface Pending { ops: JournalOp[], bytes: Buffer, valueOffsets: number[], resolve: () => void, reject: (err: unknown) => void }
interface Waiter { resolve: () => void, reject: (err: unknown) => void }

export class Journal {
  readonly path: string
  private readonly tmpPath: string
  readonly fs: FileSystem
  private readonly compactAfterBytes: number
  private readonly garbageRatio: number
  private handle: FileHandle | null = null
  private closing = false
  private failure: TributaryError | null = null
  private readonly live = new Map<string, LiveEntry>()
  private liveBytes = 0
  /** Bytes written to the file (whole frames only); the fsync target. */
  private written = 0
  /** No automatic compaction before the file reaches this size (backs off after a failed attempt). */
  private compactFloor = 0
  private commit: GroupCommit = this.newCommit(0)
  private queue: Pending[] = []
  private compactWaiters: Waiter[] = []
  private loop: Promise<void> | null = null

  /** Counters for tests and metrics. */
  readonly stats = { fsyncs: 0, compactions: 0, bytesWritten: 0 }

  constructor (private readonly options: JournalOptions) {
    this.fs = options.fs ?? realFs
    this.path = join(options.dir, options.name)
    this.tmpPath = siblingPath(this.path, '.compact')
    this.compactAfterBytes = options.compactAfterBytes ?? 1024 * 1024
    this.garbageRatio = options.garbageRatio ?? 0.5
  }

  get sizeBytes (): number { return this.written }
  has (key: string): boolean { return this.live.has(key) }
  /** Set once an fsync (or the repair of a failed write) failed: every write is refused until reopen. */
  get failed (): TributaryError | null { return this.failure }

  /** Replays the journal, cutting off a torn or corrupt tail, and opens it for writes. */
  async open (): Promise<JournalRecovery> {
    if (this.handle !== null) throw new Error(`the journal ${this.path} is already open`)
    await mkdirDurable(this.fs, this.options.dir)
    await this.recoverCompaction()
    const existed = await this.fs.exists(this.path)
    const handle = await this.fs.open(this.path, true)
    try {
      if (!existed) await this.fs.syncDir(this.options.dir)
      const size = await handle.size()
      const data = Buffer.allocUnsafe(size)
      const read = await handle.read(data, 0, size, 0)
      this.live.clear()
      this.liveBytes = 0
      const entries = new Map<string, Buffer>()
      const scan = scanFrames(data.subarray(0, read), ops => {
        for (const op of ops) {
          this.track(op.key, op.value === null ? null : { valueAt: op.valueAt, valueLength: op.value.length, opBytes: op.opBytes })
          if (op.value === null) entries.delete(op.key)
          else entries.set(op.key, op.value)
        }
      })
      if (scan.validBytes < size) {
        await handle.truncate(scan.validBytes)
        await handle.sync()
      }
      this.handle = handle
      this.closing = false
      this.failure = null
      this.written = scan.validBytes
      this.compactFloor = 0
      this.commit = this.newCommit(scan.validBytes)
      return { entries, frames: scan.frames, bytes: scan.validBytes, truncatedBytes: size - scan.validBytes }
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  /**
   * A compaction's temporary file is whole once it is renamed, so with no journal
   * beside it (a rename the directory had not made durable) it is the journal;
   * next to the journal it is a compaction that died before its rename.
   */
  private async recoverCompaction (): Promise<void> {
    if (!(await this.fs.exists(this.tmpPath))) return
    if (await this.fs.exists(this.path)) {
      await this.fs.unlink(this.tmpPath)
    } else {
      await this.fs.rename(this.tmpPath, this.path)
      await this.fs.syncDir(this.options.dir)
    }
  }

  /** Applies `ops` atomically (all or none survive a crash); resolves once they are fsynced. */
  write (ops: JournalOp[]): Promise<void> {
    const refused = this.refusal()
    if (refused !== null) return Promise.reject(refused)
    if (ops.length === 0) return Promise.resolve()
    const { bytes, valueOffsets } = encodeFrame(ops)
    return new Promise((resolve, reject) => {
      this.queue.push({ ops, bytes, valueOffsets, resolve, reject })
      this.loop ??= this.run()
    })
  }

  put (key: string, value: Buffer): Promise<void> { return this.write([{ key, value }]) }
  delete (key: string): Promise<void> { return this.write([{ key, value: null }]) }

  /** Rewrites the live entries into a new file now (after the writes queued before it). */
  compact (): Promise<void> {
    const refused = this.refusal()
    if (refused !== null) return Promise.reject(refused)
    return new Promise((resolve, reject) => {
      this.compactWaiters.push({ resolve, reject })
      this.loop ??= this.run()
    })
  }

  /** Finishes queued writes and their fsyncs, then closes the file. Rejects if that final fsync failed. */
  async close (): Promise<void> {
    const handle = this.handle
    if (handle === null) return
    this.closing = true
    try {
      await this.loop
      if (this.failure === null) await this.commit.requestSync()
    } finally {
      this.handle = null
      await handle.close()
    }
  }

  private refusal (): Error | null {
    if (this.failure !== null) return this.failure
    if (this.handle === null || this.closing) return new TributaryError(TributaryErrorCode.LOG_CLOSED, `the journal ${this.path} is not open`)
    return null
  }

  /** The one writer: batches of frames, and compactions between them, one at a time. */
  private async run (): Promise<void> {
    try {
      while (this.failure === null && (this.queue.length > 0 || this.compactWaiters.length > 0)) {
        if (this.queue.length > 0) await this.writeBatch(this.queue.splice(0))
        if (this.failure === null && (this.compactWaiters.length > 0 || this.compactionDue())) await this.compactNow(this.compactWaiters.splice(0))
      }
      const failure = this.failure
      if (failure !== null) {
        for (const p of this.queue.splice(0)) p.reject(failure)
        for (const w of this.compactWaiters.splice(0)) w.reject(failure)
      }
    } finally {
      this.loop = null
    }
  }

  private async writeBatch (batch: Pending[]): Promise<void> {
    const handle = this.handle!
    const start = this.written
    try {
      await handle.writev(batch.map(p => p.bytes), start)
    } catch (err) {
      // Nothing of this batch is acknowledged. Cut whatever part reached the file so
      // the next frame follows the last whole one; if even that fails, stop writing.
      const error = storageError(this.path, 'write', err)
      try { await handle.truncate(start) } catch { this.fail(error) }
      for (const p of batch) p.reject(error)
      return
    }
    const failure = this.failure
    if (failure !== null) {
      // an fsync failed while this batch was being written: no later fsync can vouch for it
      for (const p of batch) p.reject(failure)
      return
    }
    let pos = start
    for (const p of batch) {
      for (let i = 0; i < p.ops.length; i++) {
        const op = p.ops[i]!
        const cost = opBytes(Buffer.byteLength(op.key), op.value?.length ?? null)
        this.track(op.key, op.value === null ? null : { valueAt: pos + p.valueOffsets[i]!, valueLength: op.value.length, opBytes: cost })
      }
      pos += p.bytes.length
    }
    this.written = pos
    this.stats.bytesWritten += pos - start
    let end = start
    for (const p of batch) {
      end += p.bytes.length
      this.commit.waitFor(end - 1).then(p.resolve, err => p.reject(this.failure ?? storageError(this.path, 'fsync', err)))
    }
  }

  private track (key: string, entry: LiveEntry | null): void {
    const old = this.live.get(key)
    if (old !== undefined) this.liveBytes -= old.opBytes
    if (entry === null) {
      this.live.delete(key)
    } else {
      this.live.set(key, entry)
      this.liveBytes += entry.opBytes
    }
  }

  private compactionDue (): boolean {
    if (this.written < this.compactAfterBytes || this.written < this.compactFloor) return false
    return this.written - this.liveBytes >= this.garbageRatio * this.written
  }

  private async compactNow (waiters: Waiter[]): Promise<void> {
    const handle = this.handle!
    let swapped = false
    try {
      // everything written is made durable first: the new file must not be ahead of the old
      await this.commit.requestSync()
      const current = Buffer.allocUnsafe(this.written)
      await handle.read(current, 0, this.written, 0)
      const { frames, rewritten } = layOut(current, this.live)
      await writeTemporary(this.fs, this.tmpPath, frames)
      swapped = true
      await swapIn(this.fs, this.tmpPath, this.path)
      const next = await this.fs.open(this.path, false)
      await handle.close()
      this.handle = next
      this.live.clear()
      for (const [key, entry] of rewritten.live) this.live.set(key, entry)
      this.liveBytes = rewritten.liveBytes
      this.written = rewritten.size
      this.commit = this.newCommit(rewritten.size)
      this.compactFloor = 0
      this.stats.compactions++
      this.stats.bytesWritten += rewritten.size
      for (const w of waiters) w.resolve()
    } catch (err) {
      const error = storageError(this.path, 'compact', err)
      if (swapped) {
        // The rename may or may not have happened: the name now holds either complete
        // file, but this handle may be the unlinked one. Refuse writes until reopened.
        this.fail(error)
      } else {
        // The journal itself is untouched; try again after as much growth again.
        this.compactFloor = this.written * 2
        await this.fs.unlink(this.tmpPath).catch(() => {})
      }
      for (const w of waiters) w.reject(this.failure ?? error)
    }
  }

  private newCommit (durableEnd: number): GroupCommit {
    return new GroupCommit(durableEnd, () => this.written, async () => {
      await this.handle!.sync()
      this.stats.fsyncs++
    }, err => { this.fail(storageError(this.path, 'fsync', err)) })
  }

  private fail (cause: TributaryError): void {
    if (this.failure !== null) return
    const error = new TributaryError(TributaryErrorCode.STORAGE_ERROR, `${cause.message}; the journal takes no writes until it is reopened`, { cause })
    this.failure = error
    this.commit.failAll(error)
    for (const p of this.queue.splice(0)) p.reject(error)
  }
}

function storageError (path: string, what: string, cause: unknown): TributaryError {
  if (cause instanceof TributaryError) return cause
  const message = (cause as Error)?.message ?? String(cause)
  return new TributaryError(TributaryErrorCode.STORAGE_ERROR, `journal ${path}: ${what} failed: ${message}`, { cause })
}
