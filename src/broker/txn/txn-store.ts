// The transaction coordinator's durable log (Kafka keeps it in the
// __transaction_state topic): one JSON line per change, each line the whole new
// state of one transactional id (or a deletion, or the producer-id block), so
// replay keeps the last line per key. Appends are group-committed: lines queued
// while an fdatasync runs share the next one. A torn last line (a crash in the
// middle of a write) is cut off at open. Past a size threshold the file is
// rewritten as a snapshot (temp file, fsync, rename, fsync of the directory).
import { open, rename, mkdir, stat, type FileHandle } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { TxnMetadata } from './txn-metadata.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'

export type TxnStoreRecord =
  | { t: 'txn', meta: TxnMetadata }
  | { t: 'del', id: string }
  | { t: 'pid', next: number }

export interface TxnStoreOptions {
  dir: string
  /** Rewrite as a snapshot once the journal grows past this (default 8 MiB). */
  compactAfterBytes?: number
  /** The records that describe the live state, for a compaction. */
  snapshot: () => TxnStoreRecord[]
}

const JOURNAL = 'journal.jsonl'

export class TxnStore {
  private fh: FileHandle | null = null
  private size = 0
  private queue: Array<{ line: string, resolve: () => void, reject: (err: unknown) => void }> = []
  private writing = false
  private running: Promise<void> = Promise.resolve()
  private readonly compactAfter: number

  constructor (private readonly options: TxnStoreOptions) {
    this.compactAfter = options.compactAfterBytes ?? 8 * 1024 * 1024
  }

  /** Replays the journal through `apply`; returns the number of records read. */
  async open (apply: (record: TxnStoreRecord) => void): Promise<number> {
    const firstCreated = await mkdir(this.options.dir, { recursive: true })
    const path = join(this.options.dir, JOURNAL)
    const existed = await stat(path).then(() => true, () => false)
    this.fh = await open(path, 'a+')
    // a new journal's name (and directory) must survive a power cut like its records
    if (!existed) await fsyncDir(this.options.dir)
    await fsyncNewDirs(this.options.dir, firstCreated)
    const data = await this.fh.readFile()
    let good = 0
    let count = 0
    let start = 0
    for (;;) {
      const nl = data.indexOf(10, start)
      if (nl < 0) break
      let record: TxnStoreRecord
      try { record = JSON.parse(data.toString('utf8', start, nl)) as TxnStoreRecord } catch { break }
      apply(record)
      count++
      start = nl + 1
      good = start
    }
    if (good < data.length) {
      await this.fh.truncate(good)
      await this.fh.datasync()
    }
    this.size = good
    return count
  }

  /** Appends records; resolves once they are fsynced. */
  append (...records: TxnStoreRecord[]): Promise<void> {
    const line = records.map(r => JSON.stringify(r)).join('\n') + '\n'
    return new Promise((resolve, reject) => {
      this.queue.push({ line, resolve, reject })
      if (!this.writing) this.running = this.drain()
    })
  }

  private async drain (): Promise<void> {
    this.writing = true
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0)
        try {
          if (this.fh === null) throw new TributaryError(TributaryErrorCode.TXN_STORE_CLOSED, 'the transaction log is closed')
          const buf = Buffer.from(batch.map(b => b.line).join(''), 'utf8')
          await writeAll(this.fh, buf)
          await this.fh.datasync()
          this.size += buf.length
          for (const b of batch) b.resolve()
        } catch (err) {
          // a torn or unsynced line must not stay in front of the next append: replay
          // stops at the first bad line, which would cut every later acknowledged one
          await this.fh?.truncate(this.size).catch(() => {})
          for (const b of batch) b.reject(err)
        }
        if (this.size > this.compactAfter && this.queue.length === 0) await this.compact().catch(() => {})
      }
    } finally {
      this.writing = false
    }
  }

  /** Rewrites the journal as the current state. Called between writes only. */
  private async compact (): Promise<void> {
    const dir = this.options.dir
    const tmp = join(dir, JOURNAL + '.tmp')
    const body = this.options.snapshot().map(r => JSON.stringify(r) + '\n').join('')
    const out = await open(tmp, 'w')
    try {
      await out.writeFile(body, 'utf8')
      await out.datasync()
    } finally {
      await out.close()
    }
    await rename(tmp, join(dir, JOURNAL))
    await fsyncDir(dir)
    await this.fh?.close()
    this.fh = await open(join(dir, JOURNAL), 'a+')
    this.size = Buffer.byteLength(body)
  }

  async close (): Promise<void> {
    while (this.writing) await this.running
    await this.fh?.close()
    this.fh = null
  }
}

/** Appends all of `buf`: a full disk cuts a write short before it fails outright. */
async function writeAll (fh: FileHandle, buf: Buffer): Promise<void> {
  let done = 0
  while (done < buf.length) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, null)
    if (bytesWritten === 0) throw new TributaryError(TributaryErrorCode.TXN_STORE_WRITE, 'the write made no progress')
    done += bytesWritten
  }
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

async function fsyncDir (dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try { await handle.sync() } catch { /* some file systems cannot fsync a directory */ } finally { await handle.close() }
}
