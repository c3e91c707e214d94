// The transaction coordinator's durable state (Kafka keeps it in the
// __transaction_state topic), on the shared journal engine (src/log/journal.ts)
// in <dataDir>/__transactions/state.journal: one key per transactional id
// holding its whole state as JSON, and one for the producer-id block. The
// journal keeps the latest value per key, group-commits fsyncs, cuts a torn
// tail at open and compacts by itself; a failed fsync rejects the waiting
// writers and the store refuses writes until reopened.
//
// A value that does not parse is logged with its key and skipped. The layout
// before this one (journal.jsonl, one JSON line per change) is migrated once.
import { join } from 'node:path'
import { Journal, type JournalOp } from '../../log/journal.js'
import type { FileSystem } from '../../log/fs.js'
import type { TxnMetadata } from './txn-metadata.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'

export type TxnStoreRecord =
  | { t: 'txn', meta: TxnMetadata }
  | { t: 'del', id: string }
  | { t: 'pid', next: number }

export interface TxnStoreOptions {
  dir: string
  /** No compaction below this journal size (default 8 MiB). */
  compactAfterBytes?: number
  fs?: FileSystem
  logger?: { warn: (obj: object, msg?: string) => void }
}

export const JOURNAL_FILE = 'state.journal'
export const LEGACY_JOURNAL_FILE = 'journal.jsonl'
const PID_KEY = 'pid'
const TXN_PREFIX = 'txn:'

function opOf (record: TxnStoreRecord): JournalOp {
  if (record.t === 'txn') return { key: TXN_PREFIX + record.meta.transactionalId, value: Buffer.from(JSON.stringify(record.meta)) }
  if (record.t === 'del') return { key: TXN_PREFIX + record.id, value: null }
  return { key: PID_KEY, value: Buffer.from(JSON.stringify({ next: record.next })) }
}

/** The record a live key holds; throws if its value does not parse. */
function recordOf (key: string, value: Buffer): TxnStoreRecord {
  const parsed = JSON.parse(value.toString('utf8')) as unknown
  if (key === PID_KEY) {
    const next = (parsed as { next?: unknown })?.next
    if (typeof next !== 'number') throw new TributaryError(TributaryErrorCode.TXN_STORE_CORRUPT, 'the producer-id block has no number')
    return { t: 'pid', next }
  }
  const meta = parsed as TxnMetadata
  if (typeof meta?.transactionalId !== 'string' || key !== TXN_PREFIX + meta.transactionalId) throw new TributaryError(TributaryErrorCode.TXN_STORE_CORRUPT, 'the value is not this transactional id\'s state')
  return { t: 'txn', meta }
}

export class TxnStore {
  private readonly journal: Journal

  constructor (private readonly options: TxnStoreOptions) {
    this.journal = new Journal({ dir: options.dir, name: JOURNAL_FILE, fs: options.fs, compactAfterBytes: options.compactAfterBytes ?? 8 * 1024 * 1024 })
  }

  /** Replays the live state through `apply`; returns the number of records applied. */
  async open (apply: (record: TxnStoreRecord) => void): Promise<number> {
    const recovery = await this.journal.open()
    let count = 0
    for (const [key, value] of recovery.entries) {
      let record: TxnStoreRecord
      try {
        record = recordOf(key, value)
      } catch (err) {
        this.options.logger?.warn({ key, err }, 'skipping a transaction record that does not parse')
        continue
      }
      apply(record)
      count++
    }
    return count + await this.migrateLegacy(recovery.bytes === 0, apply)
  }

  /** Appends records as one atomic write; resolves once they are fsynced. */
  append (...records: TxnStoreRecord[]): Promise<void> {
    return this.journal.write(records.map(opOf))
  }

  close (): Promise<void> { return this.journal.close() }

  /**
   * Moves a legacy journal.jsonl into the journal: its lines replayed in order up
   * to the first torn one (as its own recovery did), written as one atomic
   * frame, then the file removed. A crash between leaves a non-empty journal,
   * so the next open only removes the file.
   */
  private async migrateLegacy (journalIsEmpty: boolean, apply: (record: TxnStoreRecord) => void): Promise<number> {
    const fs = this.journal.fs
    const legacyPath = join(this.options.dir, LEGACY_JOURNAL_FILE)
    const data = await fs.readFile(legacyPath)
    if (data === null) return 0
    const records: TxnStoreRecord[] = []
    if (journalIsEmpty) {
      for (let start = 0, nl = data.indexOf(10); nl >= 0; start = nl + 1, nl = data.indexOf(10, start)) {
        try { records.push(JSON.parse(data.toString('utf8', start, nl)) as TxnStoreRecord) } catch { break }
      }
      for (const record of records) apply(record)
      await this.journal.write(records.map(opOf))
    }
    await fs.unlink(legacyPath)
    await fs.syncDir(this.options.dir)
    return records.length
  }
}
