// The durable home of committed offsets and group metadata: an append-only
// journal in <dataDir>/__groups/, replayed on open.
//
// - Every record is framed with its length and CRC32C (./store-records.ts).
// - append() resolves only after the record is fsynced; appends that arrive
//   while an fsync runs are written and fsynced together next (group commit),
//   so many concurrent OffsetCommits share one fsync.
// - Recovery reads records until the first torn or corrupt frame and cuts the
//   file there: a crash mid-write loses at most the unanswered tail.
// - When the journal has grown well past the live state, it is rewritten as a
//   snapshot of that state (written to a temp file, fsynced, renamed over).
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { crc32c } from '@node-rs/crc32'
import { decodeRecord, encodeRecord, FRAME_HEADER_BYTES, type StoreRecord } from './store-records.js'
import { remainder } from '../../log/fs.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'

export const JOURNAL_FILE = 'groups.journal'
const COMPACT_FILE = 'groups.journal.compact'

export interface GroupStoreOptions {
  /** The store's own directory, <dataDir>/__groups. */
  dir: string
  /** The live state as records, for compaction. Called synchronously, so the snapshot is one point in time. */
  snapshot: () => Iterable<StoreRecord>
  /** Compact once the journal exceeds this many bytes and four times the last snapshot. */
  compactAfterBytes?: number
}

export interface RecoveryReport {
  records: number
  bytes: number
  /** Bytes cut off the end: a torn or corrupt tail. */
  truncatedBytes: number
}

interface Waiter { resolve: () => void, reject: (err: Error) => void }

export class GroupStore {
  private handle: FileHandle | null = null
  private size = 0
  private snapshotSize = 0
  private queued: Buffer[] = []
  private waiters: Waiter[] = []
  private compactWaiters: Waiter[] = []
  private flushing: Promise<void> | null = null
  private readonly compactAfterBytes: number
  private readonly path: string

  constructor (private readonly options: GroupStoreOptions) {
    this.compactAfterBytes = options.compactAfterBytes ?? 16 * 1024 * 1024
    this.path = join(options.dir, JOURNAL_FILE)
  }

  /** Counters for tests and metrics: fsyncs of appended batches, and compactions. */
  readonly stats = { flushes: 0, compactions: 0 }

  get sizeBytes (): number { return this.size }

  /** Replays the journal through `apply`, cutting off a torn tail, then opens it for appends. */
  async open (apply: (record: StoreRecord) => void): Promise<RecoveryReport> {
    // the journal's directory must survive a power cut like the journal itself
    await fsyncNewDirs(this.options.dir, await mkdir(this.options.dir, { recursive: true }))
    // A compaction that died before its rename left the old journal intact.
    await rm(join(this.options.dir, COMPACT_FILE), { force: true })
    const existed = await stat(this.path).then(() => true, () => false)
    const handle = await open(this.path, existed ? 'r+' : 'w+')
    let report: RecoveryReport
    try {
      const data = await handle.readFile()
      report = replay(data, apply)
      if (report.truncatedBytes > 0) {
        await handle.truncate(report.bytes)
        await handle.datasync()
      }
    } finally {
      await handle.close()
    }
    if (!existed) await fsyncDir(this.options.dir)
    this.handle = await open(this.path, 'a')
    this.size = report.bytes
    this.snapshotSize = report.bytes
    if (this.size > this.compactAfterBytes) await this.compact()
    return report
  }

  /** Resolves once every record is durable on disk. */
  append (records: StoreRecord | StoreRecord[]): Promise<void> {
    if (this.handle === null) return Promise.reject(new TributaryError(TributaryErrorCode.GROUP_STORE_CLOSED, 'the group store is not open'))
    if (Array.isArray(records)) for (const r of records) this.queued.push(encodeRecord(r))
    else this.queued.push(encodeRecord(records))
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject })
      this.flushing ??= this.flushLoop()
    })
  }

  /** Rewrites the journal as a snapshot of the live state (after queued appends are written). */
  compact (): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.compactWaiters.push({ resolve, reject })
      this.flushing ??= this.flushLoop()
    })
  }

  async close (): Promise<void> {
    await this.flushing
    const handle = this.handle
    this.handle = null
    await handle?.close()
  }

  /** The one writer: batches of appends, and compactions between them, strictly one at a time. */
  private async flushLoop (): Promise<void> {
    while (this.queued.length > 0 || this.compactWaiters.length > 0) {
      if (this.queued.length > 0) {
        const buffers = this.queued
        const waiters = this.waiters
        this.queued = []
        this.waiters = []
        try {
          await this.writeDurably(buffers)
          for (const w of waiters) w.resolve()
        } catch (err) {
          for (const w of waiters) w.reject(err as Error)
        }
      }
      const grown = this.size > this.compactAfterBytes && this.size > 4 * this.snapshotSize
      if (grown || this.compactWaiters.length > 0) {
        const waiters = this.compactWaiters
        this.compactWaiters = []
        try {
          await this.rewrite()
          for (const w of waiters) w.resolve()
        } catch (err) {
          // The old journal stays valid; compaction is tried again after as much growth again.
          this.snapshotSize = this.size
          for (const w of waiters) w.reject(err as Error)
        }
      }
    }
    this.flushing = null
  }

  private async writeDurably (buffers: Buffer[]): Promise<void> {
    const handle = this.handle
    if (handle === null) throw new TributaryError(TributaryErrorCode.GROUP_STORE_CLOSED, 'the group store is not open')
    let bytes = 0
    for (const b of buffers) bytes += b.length
    try {
      // a full disk cuts a write short before failing it: write the rest, or fail
      let written = (await handle.writev(buffers)).bytesWritten
      while (written < bytes) {
        const { bytesWritten } = await handle.writev(remainder(buffers, written))
        if (bytesWritten === 0) throw new TributaryError(TributaryErrorCode.GROUP_STORE_WRITE, 'the write made no progress')
        written += bytesWritten
      }
      await handle.datasync()
      this.stats.flushes++
      this.size += bytes
    } catch (err) {
      // Never leave a half-written frame in front of the next append.
      await handle.truncate(this.size).catch(() => {})
      throw err
    }
  }

  private async rewrite (): Promise<void> {
    // Appenders apply a durable record to the live state when their append
    // resolves (offsets.ts); let them run first, or the snapshot would miss it.
    await new Promise<void>(resolve => setImmediate(resolve))
    const chunks: Buffer[] = []
    let bytes = 0
    for (const record of this.options.snapshot()) {
      const framed = encodeRecord(record)
      chunks.push(framed)
      bytes += framed.length
    }
    const tmpPath = join(this.options.dir, COMPACT_FILE)
    const tmp = await open(tmpPath, 'w')
    try {
      for (let i = 0; i < chunks.length; i += 1024) await tmp.writev(chunks.slice(i, i + 1024))
      await tmp.datasync()
    } finally {
      await tmp.close()
    }
    await rename(tmpPath, this.path)
    await fsyncDir(this.options.dir)
    await this.handle?.close()
    this.handle = await open(this.path, 'a')
    this.size = bytes
    this.snapshotSize = bytes
    this.stats.compactions++
  }
}

/** Applies every intact record; stops at the first torn or corrupt frame. */
export function replay (data: Buffer, apply: (record: StoreRecord) => void): RecoveryReport {
  let pos = 0
  let records = 0
  while (pos + FRAME_HEADER_BYTES <= data.length) {
    const length = data.readUInt32BE(pos)
    const end = pos + FRAME_HEADER_BYTES + length
    if (end > data.length) break
    const body = data.subarray(pos + FRAME_HEADER_BYTES, end)
    if (crc32c(body) !== data.readUInt32BE(pos + 4)) break
    let record: StoreRecord
    try { record = decodeRecord(body) } catch { break }
    apply(record)
    records++
    pos = end
  }
  return { records, bytes: pos, truncatedBytes: data.length - pos }
}

async function fsyncDir (dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try { await handle.sync() } catch { /* some file systems cannot fsync a directory */ } finally { await handle.close() }
}

/** fsyncs the parent of each directory `mkdir -p` just made, from `dir` up to `firstCreated`, so a power cut keeps them. */
async function fsyncNewDirs (dir: string, firstCreated: string | undefined): Promise<void> {
  if (firstCreated === undefined) return
  const top = resolve(firstCreated)
  for (let p = resolve(dir); ; p = dirname(p)) {
    await fsyncDir(dirname(p))
    if (p === top || p === dirname(p)) break
  }
}
