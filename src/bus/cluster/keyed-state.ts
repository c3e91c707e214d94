// The read side shared by the bus tier's small compacted state topics (delivery
// states, scheduled firings): each record is `key -> JSON value`, a tombstone
// forgets the key, and a value that does not parse is skipped with a warning
// naming its offset (never a crash: another process, or an older version, may
// have written it).
import type { Logger } from 'pino'
import type { CompactedTopic } from './compacted-topic.js'

export interface KeyedReader<T> {
  /** The value a record carries, or undefined when it is not one (then the record is skipped with a warning). */
  parse: (text: string) => T | undefined
  /** Whether `next` replaces `current` (default: always; e.g. only a later firing time). */
  replaces?: (current: T, next: T) => boolean
}

/** Reads into `table` every record appended to `topic` since the last read. */
export async function catchUpKeyed<T> (topic: CompactedTopic, table: Map<string, T>, reader: KeyedReader<T>, logger?: Logger): Promise<void> {
  await topic.catchUp(record => {
    const key = record.key?.toString('utf8')
    if (key === undefined) return
    if (record.value === null) { table.delete(key); return }
    const value = parseOrUndefined(reader, record.value.toString('utf8'))
    if (value === undefined) {
      logger?.warn({ offset: record.offset, key, topic: topic.clusterName }, `skipping the malformed record at offset ${record.offset} of ${topic.clusterName}`)
      return
    }
    const current = table.get(key)
    if (current === undefined || reader.replaces === undefined || reader.replaces(current, value)) table.set(key, value)
  })
}

function parseOrUndefined<T> (reader: KeyedReader<T>, text: string): T | undefined {
  try {
    return reader.parse(text)
  } catch {
    return undefined
  }
}
