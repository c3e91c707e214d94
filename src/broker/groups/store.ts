// The durable home of committed offsets and group metadata, on the shared
// journal engine (src/log/journal.ts) in <dataDir>/__groups/state.journal.
// Kafka keys __consumer_offsets the same way: one key per group's metadata and
// one per (group, topic, partition) offset, so the journal keeps only the
// latest of each and compacts the rest away by itself.
//
// - append() resolves once its records are fsynced; many concurrent
//   OffsetCommits share one fsync (the journal's group commit). The records of
//   one append() are one atomic frame: all of them survive a crash or none.
// - A failed fsync rejects the waiting commits and the store refuses writes
//   until reopened (the journal's policy); nothing is swallowed.
// - open() replays the live state; a value that does not decode is logged with
//   its key and skipped. A data directory from before this layout
//   (groups.journal, ./store-legacy.ts) is migrated once.
import { join } from 'node:path'
import { Journal, type JournalOp } from '../../log/journal.js'
import type { FileSystem } from '../../log/fs.js'
import { decodeRecord, encodeRecord, RecordType, type StoreRecord } from './store-records.js'
import { LEGACY_JOURNAL_FILE, readLegacyJournal } from './store-legacy.js'

export const JOURNAL_FILE = 'state.journal'

export interface GroupStoreOptions {
  /** The store's own directory, <dataDir>/__groups. */
  dir: string
  /** No compaction below this journal size (default 16 MiB). */
  compactAfterBytes?: number
  fs?: FileSystem
  logger?: { warn: (obj: object, msg?: string) => void }
}

export interface RecoveryReport {
  /** Live records replayed. */
  records: number
  bytes: number
  /** Bytes cut off the end: a torn or corrupt tail. */
  truncatedBytes: number
}

const groupKey = (groupId: string): string => JSON.stringify(['g', groupId])
const offsetKey = (groupId: string, topic: string, partition: number): string => JSON.stringify(['o', groupId, topic, partition])

export class GroupStore {
  private readonly journal: Journal
  /** Per group, the keys of its stored offsets, so a group delete removes every one of them. */
  private readonly offsetKeys = new Map<string, Set<string>>()

  constructor (private readonly options: GroupStoreOptions) {
    this.journal = new Journal({ dir: options.dir, name: JOURNAL_FILE, fs: options.fs, compactAfterBytes: options.compactAfterBytes ?? 16 * 1024 * 1024 })
  }

  /** Counters for tests and metrics: fsyncs of appended records, and compactions. */
  get stats (): { flushes: number, compactions: number } {
    return { flushes: this.journal.stats.fsyncs, compactions: this.journal.stats.compactions }
  }

  get sizeBytes (): number { return this.journal.sizeBytes }

  /** Replays the live state through `apply`, cutting off a torn tail, then opens the store for appends. */
  async open (apply: (record: StoreRecord) => void): Promise<RecoveryReport> {
    this.offsetKeys.clear()
    const recovery = await this.journal.open()
    let records = 0
    for (const [key, value] of recovery.entries) {
      let record: StoreRecord
      try {
        record = decodeRecord(value)
      } catch (err) {
        this.options.logger?.warn({ key, err }, 'skipping a group record that does not decode')
        continue
      }
      if (record.type === RecordType.Offsets) this.indexOffsets(record.groupId, [key])
      apply(record)
      records++
    }
    records += await this.migrateLegacy(recovery.bytes === 0, apply)
    return { records, bytes: this.journal.sizeBytes, truncatedBytes: recovery.truncatedBytes }
  }

  /** Resolves once every record is durable on disk. */
  async append (records: StoreRecord | StoreRecord[]): Promise<void> {
    const { ops, removed } = this.opsOf(Array.isArray(records) ? records : [records])
    try {
      await this.journal.write(ops)
    } catch (err) {
      // the deletes may not have happened: keep their keys, so a later group delete still covers them
      for (const [groupId, key] of removed) this.indexOffsets(groupId, [key])
      throw err
    }
  }

  /** Rewrites the journal as its live state now. */
  compact (): Promise<void> { return this.journal.compact() }

  close (): Promise<void> { return this.journal.close() }

  private opsOf (records: StoreRecord[]): { ops: JournalOp[], removed: Array<[string, string]> } {
    const ops: JournalOp[] = []
    const removed: Array<[string, string]> = []
    const remove = (groupId: string, key: string): void => {
      ops.push({ key, value: null })
      this.offsetKeys.get(groupId)?.delete(key)
      removed.push([groupId, key])
    }
    for (const record of records) {
      const { groupId } = record
      switch (record.type) {
        case RecordType.Offsets:
          for (const entry of record.entries) {
            const key = offsetKey(groupId, entry.topic, entry.partition)
            ops.push({ key, value: encodeRecord({ type: RecordType.Offsets, groupId, entries: [entry] }) })
            this.indexOffsets(groupId, [key])
          }
          break
        case RecordType.OffsetDeletes:
          for (const entry of record.entries) remove(groupId, offsetKey(groupId, entry.topic, entry.partition))
          break
        case RecordType.Group:
          ops.push({ key: groupKey(groupId), value: encodeRecord(record) })
          break
        case RecordType.GroupDelete:
          ops.push({ key: groupKey(groupId), value: null })
          for (const key of [...this.offsetKeys.get(groupId) ?? []]) remove(groupId, key)
          break
      }
    }
    return { ops, removed }
  }

  private indexOffsets (groupId: string, keys: string[]): void {
    let set = this.offsetKeys.get(groupId)
    if (set === undefined) this.offsetKeys.set(groupId, set = new Set())
    for (const key of keys) set.add(key)
  }

  /**
   * Moves a legacy groups.journal into the store: replays it in order, writes
   * its net effect as one atomic frame, then removes it. A crash after the write
   * and before the removal leaves a non-empty store, so the next open only removes it.
   */
  private async migrateLegacy (storeIsEmpty: boolean, apply: (record: StoreRecord) => void): Promise<number> {
    const fs = this.journal.fs
    const legacyPath = join(this.options.dir, LEGACY_JOURNAL_FILE)
    const data = await fs.readFile(legacyPath)
    if (data === null) return 0
    let replayed = 0
    if (storeIsEmpty) {
      const records = readLegacyJournal(data)
      for (const record of records) apply(record)
      await this.journal.write(this.opsOf(records).ops)
      replayed = records.length
    }
    await fs.unlink(legacyPath)
    await fs.syncDir(this.options.dir)
    return replayed
  }
}
