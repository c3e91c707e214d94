// Retries through retry topics with due times (issue 14). A delivery that fails
// is appended (acks=all) to the bus's retry topic `__bus.retry.<bus>`, in the
// partition of the bus partition it came from, as one record: the retry entry
// (rule, target, event, attempts done, ingestion time, the due time of the next
// attempt, the last error). The dispatcher commits its cursor past the event only
// after that append, so a failed delivery is never only in a process's memory.
//
// Partition p of the retry topic is read by whoever the bus's consumer group gave
// bus partition p: the same member, so retries follow the same handover as
// first attempts. The reader hands each entry to the dispatcher, which attempts
// it when due and, when it fails again, appends the next attempt (attempts + 1,
// a later due time) or writes the target's dead-letter topic once attempts or
// age run out. Entries come due out of order (backoffs differ per attempt), so
// the reader reads ahead (bounded) and commits as its position the lowest offset
// whose entry is not finished: a worker that dies or stalls leaves nothing
// behind, and the next owner attempts again at most what was in flight.
// The position is a record of the compacted delivery-state topic (key
// `<state key>\u0000retry`), read on takeover like the delivery cursor.
import type { Logger } from 'pino'
import { encodeBatch } from '../../protocol/records/index.js'
import type { BusStorage } from '../storage.js'
import type { BusDispatcher, RetryEntry } from '../targets/dispatcher.js'
import { deliveryStateKey } from '../targets/dispatcher.js'
import type { DeliveryStateStore } from '../targets/delivery-store.js'
import { CoalescingCommit } from '../targets/delivery-store.js'
import type { KafkaLogEngine } from './kafka-log.js'
import { pause } from './compacted-topic.js'

export function retryTopic (busName: string): string {
  return `__bus.retry.${busName}`
}

export function retryPositionKey (busName: string, partition: number): string {
  return `${deliveryStateKey(busName, partition)}\u0000retry`
}

/** Bytes of entries a reader holds (read, not yet finished) before it stops reading ahead. */
const READ_AHEAD_BYTES = 8 * 1024 * 1024

export class RetryTopics {
  private readonly readers = new Map<string, RetryReader>()

  /**
   * @param checkLease throws unless this worker still holds the partition of a
   * delivery-state key (GroupOffsetsState.checkLease): a stalled worker appends no retry entries.
   */
  constructor (private readonly engine: KafkaLogEngine, private readonly storage: BusStorage, private readonly state: DeliveryStateStore, private readonly partitions: number, private readonly logger?: Logger,
    private readonly checkLease?: (key: string) => Promise<void>) {}

  async ensure (busName: string): Promise<void> {
    await this.storage.ensureTopic(retryTopic(busName), undefined, this.partitions)
  }

  /** The dispatcher's retrySink for bus partition `partition`. */
  sink (busName: string, partition: number): { append: (entry: RetryEntry) => Promise<void> } {
    return {
      append: async entry => {
        const view = this.engine.partition(retryTopic(busName), partition)
        if (view === undefined) throw new Error(`retry topic ${this.engine.clusterName(retryTopic(busName))} has no partition ${partition}`)
        await this.checkLease?.(deliveryStateKey(busName, partition))
        const id = (JSON.parse(entry.eventText) as { id?: string }).id ?? null
        await view.append(encodeBatch([{ key: id, value: Buffer.from(JSON.stringify(entry)) }]), { durability: 'fsynced' })
      },
    }
  }

  /** Starts handing partition `partition`'s retries to its dispatcher. */
  startReading (busName: string, partition: number, dispatcher: BusDispatcher): void {
    const key = retryPositionKey(busName, partition)
    this.readers.get(key)?.stop().catch(() => {})
    this.readers.set(key, new RetryReader(this.storage, this.state, busName, partition, dispatcher, this.logger))
  }

  async stopReading (busName: string, partition: number): Promise<void> {
    const key = retryPositionKey(busName, partition)
    const reader = this.readers.get(key)
    this.readers.delete(key)
    await reader?.stop()
  }

  /** A deleted bus: its retry topic and positions go. */
  async forget (busName: string, partitions: number): Promise<void> {
    for (let p = 0; p < partitions; p++) await this.state.forget(retryPositionKey(busName, p))
    await this.storage.deleteTopic(retryTopic(busName))
  }
}

class RetryReader {
  private readonly abort = new AbortController()
  private readonly loop: Promise<void>
  /** Offsets read and handed over, not yet finished → their size. */
  private readonly outstanding = new Map<number, number>()
  private outstandingBytes = 0
  private next: number
  private committed: number
  private readonly writer: CoalescingCommit
  private room: (() => void) | null = null

  constructor (private readonly storage: BusStorage, state: DeliveryStateStore, readonly busName: string, readonly partition: number, private readonly dispatcher: BusDispatcher, private readonly logger?: Logger) {
    const key = retryPositionKey(busName, partition)
    this.next = state.saved(key)?.cursor ?? 0
    this.committed = this.next
    this.writer = new CoalescingCommit(async () => {
      const position = this.position
      if (position === this.committed) return
      await state.save(key, { cursor: position, retries: [] })
      this.committed = position
    })
    this.loop = this.run()
  }

  /** The lowest offset whose entry is not finished: where the next owner starts. */
  get position (): number {
    let lowest = this.next
    for (const offset of this.outstanding.keys()) if (offset < lowest) lowest = offset
    return lowest
  }

  async stop (): Promise<void> {
    this.abort.abort()
    this.room?.()
    await this.loop
    await this.writer.write().catch(err => this.logger?.warn({ err, bus: this.busName }, 'could not commit the retry position'))
  }

  private async run (): Promise<void> {
    const topic = retryTopic(this.busName)
    const signal = this.abort.signal
    while (!signal.aborted) {
      try {
        if (this.outstandingBytes > READ_AHEAD_BYTES) {
          await new Promise<void>(resolve => { this.room = resolve })
          this.room = null
          continue
        }
        const { records, unreadable, nextOffset } = await this.storage.read(topic, this.next, undefined, this.partition)
        for (const batch of unreadable) this.logger?.warn({ bus: this.busName, offset: batch.baseOffset }, `skipping an unreadable batch of the retry topic at offset ${batch.baseOffset}`)
        for (const record of records) {
          const entry = parseRetryEntry(record.value)
          if (entry === undefined) {
            this.logger?.warn({ bus: this.busName, partition: this.partition, offset: record.offset }, `skipping a retry record that is not a retry entry at offset ${record.offset}`)
            continue
          }
          const size = record.value?.length ?? 0
          this.outstanding.set(record.offset, size)
          this.outstandingBytes += size
          this.dispatcher.acceptRetry(entry, () => this.finished(record.offset))
        }
        if (nextOffset > this.next) {
          this.next = nextOffset
          this.commitSoon()
        } else {
          await this.storage.waitForData(topic, this.next, signal, this.partition)
        }
      } catch (err) {
        if (signal.aborted) return
        this.logger?.warn({ err, bus: this.busName, partition: this.partition }, 'reading the retry topic failed; trying again')
        await pause(1000, signal)
      }
    }
  }

  private finished (offset: number): void {
    const size = this.outstanding.get(offset)
    if (size === undefined) return
    this.outstanding.delete(offset)
    this.outstandingBytes -= size
    if (this.outstandingBytes <= READ_AHEAD_BYTES / 2) this.room?.()
    this.commitSoon()
  }

  private commitSoon (): void {
    this.writer.write().catch(err => this.logger?.warn({ err, bus: this.busName }, 'could not commit the retry position'))
  }
}

function parseRetryEntry (value: Buffer | null): RetryEntry | undefined {
  if (value === null) return undefined
  try {
    const entry = JSON.parse(value.toString('utf8')) as Partial<RetryEntry> | null
    if (typeof entry?.ruleName !== 'string' || typeof entry.targetId !== 'string' || typeof entry.eventText !== 'string' ||
      typeof entry.retriesDone !== 'number' || typeof entry.nextAttemptAt !== 'number' || typeof entry.ingestedAt !== 'number') return undefined
    return { lastErrorCode: '', lastErrorMessage: '', ...entry } as RetryEntry
  } catch {
    return undefined
  }
}
