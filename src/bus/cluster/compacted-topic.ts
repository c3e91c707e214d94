// A one-partition compacted topic read as a table: the latest value of each key.
// The bus tier keeps its definitions and its delivery state in two of these, so
// any process can rebuild them by reading the topic from the start. Reading goes
// through BusStorage (the same decoding, and the same setting-aside of batches
// that do not decode, as every bus topic); writes are Produce with acks=all.
import type { Logger } from 'pino'
import type { BusRecord, BusStorage } from '../storage.js'
import type { KafkaLogEngine } from './kafka-log.js'

export type OnRecord = (record: BusRecord) => Promise<void> | void

export class CompactedTopic {
  /** The next offset to read: everything before it has been handed to a reader. */
  next = 0
  /** Callers of reached() waiting for the follower to hand on records up to an offset. */
  private waiters: Array<{ offset: number, resolve: () => void }> = []

  constructor (private readonly engine: KafkaLogEngine, private readonly storage: BusStorage, readonly topic: string, private readonly logger?: Logger) {}

  get clusterName (): string { return this.engine.clusterName(this.topic) }

  async ensure (): Promise<void> {
    await this.storage.ensureTopic(this.topic, { 'cleanup.policy': 'compact' }, 1)
  }

  /** Reads every record appended before this call (to the end offset as of now). */
  async catchUp (onRecord: OnRecord): Promise<void> {
    const end = await this.engine.endOffset(this.topic, 0)
    while (this.next < end) {
      if (!await this.readAvailable(onRecord)) break
    }
  }

  /** Hands on records as they arrive until `signal` aborts; trouble with the cluster is logged and retried. */
  async follow (onRecord: OnRecord, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.storage.waitForData(this.topic, this.next, signal)
        if (!signal.aborted) await this.readAvailable(onRecord)
      } catch (err) {
        if (signal.aborted) return
        this.logger?.warn({ err, topic: this.clusterName }, 'following a bus state topic failed; trying again')
        await pause(1000, signal)
      }
    }
  }

  /** The partition's end offset now. */
  async endOffset (): Promise<number> {
    return await this.engine.endOffset(this.topic, 0)
  }

  /**
   * Resolves once every record before `offset` has been handed to the reader
   * (by catchUp or follow), or when `signal` aborts.
   */
  async reached (offset: number, signal?: AbortSignal): Promise<void> {
    if (this.next >= offset || signal?.aborted === true) return
    await new Promise<void>(resolve => {
      const waiter = { offset, resolve }
      this.waiters.push(waiter)
      signal?.addEventListener('abort', () => { this.waiters = this.waiters.filter(w => w !== waiter); resolve() }, { once: true })
    })
  }

  async write (records: Array<{ key: string, value: Buffer | string | null }>): Promise<void> {
    if (records.length > 0) await this.storage.append(this.topic, records)
  }

  /** One read from `next`; false when it brought nothing new. */
  private async readAvailable (onRecord: OnRecord): Promise<boolean> {
    const { records, unreadable, nextOffset } = await this.storage.read(this.topic, this.next)
    for (const batch of unreadable) {
      this.logger?.warn({ topic: this.clusterName, offset: batch.baseOffset, lastOffset: batch.lastOffset, reason: batch.reason }, `skipping an unreadable batch of ${this.clusterName} at offset ${batch.baseOffset}`)
    }
    for (const record of records) await onRecord(record)
    if (nextOffset <= this.next) return false
    this.next = nextOffset
    const due = this.waiters.filter(w => w.offset <= nextOffset)
    this.waiters = this.waiters.filter(w => w.offset > nextOffset)
    for (const waiter of due) waiter.resolve()
    return true
  }
}

export function pause (ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const onAbort = (): void => { clearTimeout(timer); resolve() }
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve() }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
