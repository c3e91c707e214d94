// The bus's view of the log engine. Every bus is a one-partition topic (one
// delivery cursor, events in arrival order); target topics may have several
// partitions, chosen by key like Kafka's default partitioner so Kafka
// producers and the bus agree. Appends resolve once the records are fsynced.
import { encodeBatch, decodeBatch, peekBatchSize, readBatchHeader, AttributeBits } from '../protocol/records/index.js'
import type { DecodedBatch, RecordHeader } from '../protocol/records/index.js'
import { BusError } from './errors.js'
import { TributaryErrorCode } from '../errors.js'

/** The part of src/log's LogManager the bus uses (kept structural so either side can evolve). */
export interface LogEngine {
  topic (name: string): { name: string, partitions: number } | undefined
  createTopic (name: string, partitions: number, configs?: Record<string, string>): Promise<unknown>
  deleteTopic (name: string): Promise<unknown>
  partition (topic: string, index: number): PartitionLike | undefined
  alterConfigs?: (topic: string, configs: Record<string, string>, options: { incremental: boolean, validateOnly: boolean }) => Promise<unknown>
  /**
   * A remote log (a Kafka cluster) knows a partition's end only by asking; this
   * asks, so that highWatermark is current afterwards. A local log has no need.
   */
  endOffset?: (topic: string, index: number) => Promise<number>
}

export interface PartitionLike {
  /** 'written': resolves once the OS has the bytes (flushed() then waits for the fsync); a remote log may answer only once durable. */
  append (payload: Buffer, options: { durability: 'fsynced' | 'written' }): Promise<{ baseOffset: number, lastOffset: number }>
  flushed (offset: number): Promise<unknown>
  read (offset: number, maxBytes: number, options?: { isolation?: string }): Promise<{ chunks: Buffer[], highWatermark: number, logStartOffset: number }>
  waitForData (offset: number, signal?: AbortSignal): Promise<unknown>
  /** ListOffsets by time: the first record stamped at or after `timestamp` (null: none). */
  offsetForTimestamp?: (timestamp: number) => Promise<{ offset: number } | null>
  readonly highWatermark: number
  readonly logStartOffset: number
  readonly sizeInBytes: number
}

export interface BusRecordInput {
  key: string | Buffer | null
  /** null: a tombstone (compacted topics of the bus tier on a Kafka cluster). */
  value: string | Buffer | null
  headers?: Array<{ key: string, value: string | Buffer | null }>
  timestamp?: number
}

export interface BusRecord {
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}

/** A batch the log holds (its CRC was valid) whose records do not decode. */
export interface UnreadableBatch {
  baseOffset: number
  lastOffset: number
  reason: string
  /** The whole batch as stored, so nothing is lost when it is set aside. */
  bytes: Buffer
}

/**
 * 'fsynced': an append resolves once its records are durable. 'written': once the log has them in
 * order (readers may not see them before they are durable, see read()); the caller waits with flushed().
 */
export type AppendDurability = 'fsynced' | 'written'

/** Where an append landed. */
export interface AppendedTo { baseOffset: number, lastOffset: number, partition: number }

export interface ReadResult { records: BusRecord[], unreadable: UnreadableBatch[], nextOffset: number, highWatermark: number }

const MAX_TOPIC_NAME = 249

/** Topic holding a bus's events. Bus names are [.-_A-Za-z0-9], all legal in topic names. */
export function busTopic (busName: string): string {
  return boundedTopicName(`bus.${busName}`)
}

/** Where a bus's dispatcher sets aside what it cannot read in the bus topic. */
export function busDeadLetterTopic (busName: string): string {
  return boundedTopicName(`__bus.dead-letter.${busName}`)
}

/** Topic holding an archive's events. */
export function archiveTopic (archiveName: string): string {
  return boundedTopicName(`__bus.archive.${archiveName}`)
}

/**
 * Bus names may be 256 characters long and hold '/' (AWS allows both); Kafka
 * topic names stop at 249 characters of [a-zA-Z0-9._-]. A name that fits is
 * used as it is, so Kafka consumers read `bus.orders` by its plain name; any
 * other gets its illegal characters replaced and a hash of the real name
 * appended, so two names never share a topic.
 */
function boundedTopicName (name: string): string {
  const legal = name.replace(/[^a-zA-Z0-9._-]/g, '_')
  if (legal === name && name.length <= MAX_TOPIC_NAME) return name
  return `${legal.slice(0, MAX_TOPIC_NAME - 9)}.${murmur2(Buffer.from(name)).toString(16).padStart(8, '0')}`
}

export class BusStorage {
  constructor (private readonly log: LogEngine) {}

  hasTopic (topic: string): boolean {
    return this.log.topic(topic) !== undefined
  }

  async ensureTopic (topic: string, configs?: Record<string, string>, partitions = 1): Promise<void> {
    if (this.log.topic(topic)) return
    try {
      await this.log.createTopic(topic, partitions, configs)
    } catch (err) {
      // Another caller may have created it in between.
      if (!this.log.topic(topic)) throw err
    }
  }

  async setConfigs (topic: string, configs: Record<string, string>): Promise<void> {
    await this.log.alterConfigs?.(topic, configs, { incremental: true, validateOnly: false })
  }

  async deleteTopic (topic: string): Promise<void> {
    if (this.log.topic(topic)) await this.log.deleteTopic(topic)
  }

  private partitionOf (topic: string, index: number): PartitionLike {
    const p = this.log.partition(topic, index)
    if (!p) throw new BusError(TributaryErrorCode.BUS_TOPIC_MISSING, `topic ${topic} partition ${index} does not exist`)
    return p
  }

  /**
   * Appends to a multi-partition topic record by record: each record goes to the
   * partition of its partition key (default its record key), as a Kafka producer
   * would put it, one batch per
   * partition, all awaited. One-partition topics take the batch as it is.
   */
  async appendByKey (topic: string, records: BusRecordInput[], partitionKeys?: Array<string | null | undefined>, durability: AppendDurability = 'fsynced', onWrittenToOnlyPartition?: (at: AppendedTo) => void): Promise<AppendedTo[]> {
    const info = this.log.topic(topic)
    if (!info) throw new BusError('TRIB_ERR_BUS_TOPIC_MISSING', `topic ${topic} does not exist`)
    if (info.partitions <= 1) return [await this.appendTo(topic, 0, records, durability, onWrittenToOnlyPartition)]
    const groups = new Map<number, BusRecordInput[]>()
    for (const [i, record] of records.entries()) {
      const index = choosePartition(partitionKeys?.[i] ?? record.key, info.partitions)
      let list = groups.get(index)
      if (!list) groups.set(index, list = [])
      list.push(record)
    }
    return await Promise.all([...groups].map(async ([index, list]) => await this.appendTo(topic, index, list, durability)))
  }

  /** Appends to one partition (by key hash for keyed records) and waits for the fsync. */
  async append (topic: string, records: BusRecordInput[], partitionKey?: string | null): Promise<{ baseOffset: number, lastOffset: number, partition: number }> {
    const info = this.log.topic(topic)
    if (!info) throw new BusError(TributaryErrorCode.BUS_TOPIC_MISSING, `topic ${topic} does not exist`)
    const key = partitionKey ?? records[0]?.key ?? null
    const index = info.partitions <= 1 ? 0 : choosePartition(key, info.partitions)
    return await this.appendTo(topic, index, records)
  }

  /** `onWritten`: told where the records landed as soon as they are written, before the fsync an 'fsynced' append then waits for. */
  private async appendTo (topic: string, index: number, records: BusRecordInput[], durability: AppendDurability = 'fsynced', onWritten?: (at: AppendedTo) => void): Promise<AppendedTo> {
    const partition = this.partitionOf(topic, index)
    if (onWritten === undefined) return { ...await partition.append(encodeBatch(records), { durability }), partition: index }
    const at = { ...await partition.append(encodeBatch(records), { durability: 'written' }), partition: index }
    onWritten(at)
    if (durability === 'fsynced') await partition.flushed(at.lastOffset)
    return at
  }

  /**
   * After 'written' appends to many partitions: waits until each is durable up to its offset (each
   * partition's own group commit; one syncfs of the file system for all measured worse on a shared
   * disk: it also flushes everyone else's dirty pages). Answers, aligned, undefined or the error.
   */
  async flushedMany (targets: ReadonlyArray<{ topic: string, partition: number, offset: number }>): Promise<unknown[]> {
    return await Promise.all(targets.map(async t => {
      try {
        await this.flushed(t.topic, t.partition, t.offset)
        return undefined
      } catch (err) {
        return err ?? new Error('fsync failed')
      }
    }))
  }

  /** Resolves once every offset <= `offset` of the partition is fsynced (after a 'written' append). */
  async flushed (topic: string, partitionIndex: number, offset: number): Promise<void> {
    await this.partitionOf(topic, partitionIndex).flushed(offset)
  }

  /**
   * Records from `offset` on (at most about maxBytes); skips past records deleted by
   * retention. A batch whose records do not decode is answered in `unreadable` and
   * read past, so one bad batch cannot stop every reader at its offset.
   */
  async read (topic: string, offset: number, maxBytes = 1024 * 1024, partitionIndex = 0): Promise<ReadResult> {
    const partition = this.partitionOf(topic, partitionIndex)
    const from = Math.max(offset, partition.logStartOffset)
    if (from >= partition.highWatermark) return { records: [], unreadable: [], nextOffset: from, highWatermark: partition.highWatermark }
    const result = await partition.read(from, maxBytes, { isolation: 'read_committed' })
    const records: BusRecord[] = []
    const unreadable: UnreadableBatch[] = []
    let next = from
    for (const chunk of result.chunks) {
      let position = 0
      while (chunk.length - position >= 12) {
        const size = peekBatchSize(chunk, position)
        if (size <= 0 || position + size > chunk.length) break
        // The header was checked when the batch was appended; only its records can be bad.
        const header = readBatchHeader(chunk, position)
        const lastOffset = header.baseOffset + header.lastOffsetDelta
        let batch: DecodedBatch | undefined
        try {
          batch = decodeBatch(chunk, position)
        } catch (err) {
          if (lastOffset >= from) unreadable.push({ baseOffset: header.baseOffset, lastOffset, reason: (err as Error).message, bytes: Buffer.from(chunk.subarray(position, position + size)) })
        }
        position += size
        if (lastOffset + 1 > next) next = lastOffset + 1
        if (batch === undefined || (batch.header.attributes & AttributeBits.control) !== 0) continue
        for (const record of batch.records) {
          if (record.offset >= from) records.push(record)
        }
      }
    }
    // Deliver only what is durable: a cursor saved past the fsynced end could, after a
    // power cut, skip events appended later at the offsets that were lost.
    if (next > from) await partition.flushed(next - 1)
    return { records, unreadable, nextOffset: next, highWatermark: result.highWatermark }
  }

  /** The end offset now, asked of the log where it is remote (highWatermark may lag behind other writers). */
  async endOffset (topic: string, partitionIndex = 0): Promise<number> {
    if (this.log.endOffset !== undefined && this.log.partition(topic, partitionIndex) !== undefined) return await this.log.endOffset(topic, partitionIndex)
    return this.highWatermark(topic, partitionIndex)
  }

  /**
   * Where a read of the records stamped at or after `timestamp` starts: the
   * offset ListOffsets gives for it, the end when nothing is that recent, the
   * log start where the log cannot look a time up.
   */
  async offsetForTimestamp (topic: string, timestamp: number, partitionIndex = 0): Promise<number> {
    const partition = this.partitionOf(topic, partitionIndex)
    if (partition.offsetForTimestamp === undefined) return partition.logStartOffset
    const found = await partition.offsetForTimestamp(timestamp)
    return found?.offset ?? await this.endOffset(topic, partitionIndex)
  }

  highWatermark (topic: string, partitionIndex = 0): number {
    return this.log.partition(topic, partitionIndex)?.highWatermark ?? 0
  }

  /** Count and bytes of what a one-partition topic holds now. */
  stats (topic: string): { count: number, bytes: number } {
    const p = this.log.partition(topic, 0)
    if (!p) return { count: 0, bytes: 0 }
    return { count: p.highWatermark - p.logStartOffset, bytes: p.sizeInBytes }
  }

  async waitForData (topic: string, offset: number, signal: AbortSignal, partitionIndex = 0): Promise<void> {
    // A fresh signal per wait: listeners the log adds to it go away with it, instead of
    // piling up on the caller's long-lived signal.
    const wait = new AbortController()
    const onAbort = (): void => wait.abort()
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      await this.partitionOf(topic, partitionIndex).waitForData(offset, wait.signal)
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }
}

export function choosePartition (key: string | Buffer | null, partitions: number): number {
  if (key === null) return Math.floor(Math.random() * partitions)
  const bytes = typeof key === 'string' ? Buffer.from(key) : key
  return (murmur2(bytes) & 0x7fffffff) % partitions
}

/** Kafka's murmur2 (the default partitioner's hash), so keyed records land where Kafka clients put them. */
export function murmur2 (data: Buffer): number {
  const m = 0x5bd1e995
  const length = data.length
  let h = (0x9747b28c ^ length) | 0
  const whole = length & ~3
  for (let i = 0; i < whole; i += 4) {
    // Four bytes little-endian as a signed 32-bit int: data[i] | data[i+1] << 8 | data[i+2] << 16 | data[i+3] << 24.
    let k = data.readInt32LE(i)
    k = Math.imul(k, m)
    k ^= k >>> 24
    k = Math.imul(k, m)
    h = Math.imul(h, m) ^ k
  }
  const rest = length & 3
  if (rest === 3) h ^= data.readUInt8(whole + 2) << 16
  if (rest >= 2) h ^= data.readUInt8(whole + 1) << 8
  if (rest >= 1) {
    h ^= data.readUInt8(whole)
    h = Math.imul(h, m)
  }
  h ^= h >>> 13
  h = Math.imul(h, m)
  h ^= h >>> 15
  return h | 0
}
