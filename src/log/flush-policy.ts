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

/**
 * Applies flush.messages and flush.ms to one partition: after each write it
 * either asks for an fsync now (enough records since the last one) or makes sure
 * a timer will ask for one flush.ms after the first unflushed write. acks=all
 * waiters do not need this; it bounds what an acks=1 crash can lose.
 */
export class FlushScheduler {
  private timer: NodeJS.Timeout | null = null
  private messagesSinceFlush = 0

  constructor (
    private readonly settings: () => { flushMessages: number, flushMs: number },
    private readonly requestSync: () => void
  ) {}

  onWritten (records: number): void {
    this.messagesSinceFlush += records
    const cfg = this.settings()
    if (this.messagesSinceFlush >= cfg.flushMessages) {
      this.messagesSinceFlush = 0
      this.requestSync()
    } else if (Number.isFinite(cfg.flushMs) && this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null
        this.messagesSinceFlush = 0
        this.requestSync()
      }, cfg.flushMs)
      this.timer.unref()
    }
  }

  stop (): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }
}
