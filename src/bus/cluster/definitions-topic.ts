// The bus catalog (buses, rules and targets, archives, replays, connections, API
// destinations) as a compacted topic: one record per definition, keyed like the
// embedded catalog journal (`["rule","<bus>\u0000<name>"]`), valued by its JSON,
// a tombstone for a deletion. Every bus process reads it from the start when it
// opens and then follows it, applying what the others write to its own catalog
// and running bus (Catalog.applyRemote): a change made through one process
// reaches every other within one long poll (500 ms).
// A record that is not a definition is skipped with a warning naming its offset.
import type { Logger } from 'pino'
import type { JournalOp } from '../../log/journal.js'
import type { Catalog, DefinitionStore } from '../catalog.js'
import { parseJournalKey } from '../catalog-store.js'
import type { BusRecord } from '../storage.js'
import type { CompactedTopic } from './compacted-topic.js'

export const DEFINITIONS_TOPIC = '__bus.definitions'

export class DefinitionsTopic implements DefinitionStore {
  private readonly abort = new AbortController()
  private following: Promise<void> | null = null
  /** Records skipped as malformed (a test and the logs read it). */
  skipped = 0

  constructor (private readonly topic: CompactedTopic, private readonly logger?: Logger) {}

  get path (): string { return `kafka topic ${this.topic.clusterName}` }

  async open (): Promise<{ entries: Map<string, Buffer>, bytes: number }> {
    await this.topic.ensure()
    const entries = new Map<string, Buffer>()
    let bytes = 0
    await this.topic.catchUp(record => {
      if (!this.wellFormed(record)) return
      const key = record.key!.toString('utf8')
      if (record.value === null) entries.delete(key)
      else entries.set(key, record.value)
      bytes += record.value?.length ?? 0
    })
    return { entries, bytes }
  }

  async write (ops: JournalOp[]): Promise<void> {
    await this.topic.write(ops.map(op => ({ key: op.key, value: op.value })))
  }

  /** Starts applying other processes' changes to `catalog` (and so to the running bus). */
  follow (catalog: Catalog): void {
    this.following ??= this.topic.follow(async record => {
      if (!this.wellFormed(record)) return
      try {
        if (!await catalog.applyRemote(record.key!.toString('utf8'), record.value)) this.warn(record, 'not a bus definition')
      } catch (err) {
        // A definition this process cannot apply (a pattern it refuses) must not stop the others.
        this.logger?.warn({ err, offset: record.offset }, `could not apply the definition at offset ${record.offset} of ${this.topic.clusterName}`)
      }
    }, this.abort.signal)
  }

  /**
   * Resolves once every definition written before this call (to the topic's end
   * offset as of now) has been applied by follow(): a new holder of a bus's
   * partition 0 waits for it before resuming a replay, so it resumes from the last
   * progress its previous holder recorded. Resolves at close too.
   */
  async caughtUp (): Promise<void> {
    const end = await this.topic.endOffset()
    await this.topic.reached(end, this.abort.signal)
  }

  async close (): Promise<void> {
    this.abort.abort()
    await this.following
  }

  private wellFormed (record: BusRecord): boolean {
    const key = record.key?.toString('utf8')
    if (key === undefined || parseJournalKey(key) === null) return this.warn(record, 'its key is not a definition key')
    if (record.value === null) return true
    try {
      const value = JSON.parse(record.value.toString('utf8')) as { name?: unknown } | null
      if (typeof value === 'object' && value !== null && typeof value.name === 'string') return true
    } catch { /* reported below */ }
    return this.warn(record, 'its value is not a definition (JSON with a name)')
  }

  private warn (record: BusRecord, why: string): false {
    this.skipped++
    this.logger?.warn({ offset: record.offset, topic: this.topic.clusterName }, `skipping the malformed record at offset ${record.offset} of ${this.topic.clusterName}: ${why}`)
    return false
  }
}
