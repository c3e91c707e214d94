// Broker-level flush settings, as Kafka's log.flush.interval.ms and
// log.flush.interval.messages: they are the broker defaults of the topic configs
// flush.ms and flush.messages, which PartitionLog applies (a timer fsyncs a
// partition at most flush.ms after its first unflushed write; flush.messages
// forces an fsync after that many records). Topic overrides still win.
import type { TopicConfigs } from './config.js'

export interface FlushSettings {
  /** log.flush.interval.ms: fsync dirty partitions this often. Unset: never by time. */
  flushIntervalMs?: number
  /** log.flush.interval.messages: fsync after this many records. Unset: never by count. */
  flushIntervalMessages?: number
}

/** The broker's topic defaults with the flush settings folded in (explicit defaults win). */
export function withFlushDefaults (defaults: TopicConfigs, flush: FlushSettings): TopicConfigs {
  const out = { ...defaults }
  if (flush.flushIntervalMs !== undefined && Number.isFinite(flush.flushIntervalMs) && out['flush.ms'] === undefined) {
    out['flush.ms'] = String(Math.max(0, Math.floor(flush.flushIntervalMs)))
  }
  if (flush.flushIntervalMessages !== undefined && Number.isFinite(flush.flushIntervalMessages) && out['flush.messages'] === undefined) {
    out['flush.messages'] = String(Math.max(1, Math.floor(flush.flushIntervalMessages)))
  }
  return out
}
