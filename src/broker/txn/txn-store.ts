// The transaction coordinator's durable log (Kafka keeps it in the
// __transaction_state topic): one JSON line per change, each line the whole new
// state of one transactional id (or a deletion, or the producer-id block), so
// replay keeps the last line per key. Appends are group-committed: lines queued
// while an fdatasync runs share the next one. A torn last line (a crash in the
// middle of a write) is cut off at open. Past a size threshold the file is
// rewritten as a snapshot (temp file, fsync, rename, fsync of the directory).
import { open, rename, mkdir, type FileHandle } from 'node:fs/promises'
import { openSync, fsyncSync, closeSync } from 'node:fs'
import { join } from 'node:path'
import type { TxnMetadata } from './txn-metadata.js'

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
    await mkdir(this.options.dir, { recursive: true })
    const path = join(this.options.dir, JOURNAL)
    this.fh = await open(path, 'a+')
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
          if (this.fh === null) throw new Error('TRIB_ERR_TXN_STORE_CLOSED: the transaction log is closed')
          const buf = Buffer.from(batch.map(b => b.line).join(''), 'utf8')
          await this.fh.write(buf, 0, buf.length, null)
          await this.fh.datasync()
          this.size += buf.length
          for (const b of batch) b.resolve()
        } catch (err) {
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
    const d = openSync(dir, 'r')
    try { fsyncSync(d) } finally { closeSync(d) }
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
