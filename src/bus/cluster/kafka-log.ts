// The bus's LogEngine (../storage.ts) over a Kafka-protocol cluster: the same
// BusStorage, dispatchers, archives and replays as in embedded mode, with every
// topic a topic of the cluster (named `<prefix><name>`). Only Apache Kafka's
// public APIs are used (Metadata, CreateTopics, DeleteTopics,
// IncrementalAlterConfigs, Produce, Fetch) through Tributary's own client, each
// request sent to the partition's leader, so any Kafka-protocol cluster serves.
//
// - append: one Produce of the batch BusStorage encoded, acks=all; it resolves
//   when the cluster has the batch on every in-sync replica, so flushed() has
//   nothing left to wait for.
// - read / waitForData: Fetch from the leader on a connection of the partition's
//   own, so one partition's long poll never holds up another's, nor a Produce.
// - batches build under load: a fetch that brought a small batch (less than
//   FULL_FETCH_BYTES) is followed by the next only after batchWaitMs (default
//   5 ms), so under a steady trickle each Fetch, decode, dispatcher step and
//   cursor commit covers the events of a few ms, not of however long the last
//   step took. Without it a worker with less to do (one of N) fetched sooner,
//   brought fewer records per Fetch and paid more per event (bench/bus-scale-out.ts
//   counted 68 Fetch per 1,000 events at one worker, 96 at three). A full fetch is
//   followed at once, and after an empty one (idle) the long poll answers the
//   first new event at once: the wait costs up to batchWaitMs of delivery latency
//   under load only.
import type { Logger } from 'pino'
import { fetchApi } from '../../protocol/messages/fetch.js'
import { listOffsetsApi } from '../../protocol/messages/list-offsets.js'
import { readBatchHeader } from '../../protocol/records/index.js'
import { ErrorCode, kafkaErrorByCode } from '../../protocol/errors.js'
import { TopicAdmin } from '../../client/admin-topics.js'
import { KafkaResponseError, checkErrorCode } from '../../client/errors.js'
import type { KafkaClient } from '../../client/client.js'
import type { LogEngine, PartitionLike } from '../storage.js'
import { ClusterLink, type ClusterLinkOptions } from './link.js'
import { ProduceCoalescer } from './produce-coalescer.js'
import { systemClock, type Clock } from '../clock.js'

const FETCH_MAX_VERSION = 12
/** How long one Fetch waits for data at the broker: the longest a new event waits to be seen. */
const LONG_POLL_MS = 500
/** A fetch that brought at least this much is followed at once; a smaller one after batchWaitMs. */
export const FULL_FETCH_BYTES = 64 * 1024
/** How long a small batch leaves for the next to build before the next Fetch (default of batchWaitMs). */
export const DEFAULT_BATCH_WAIT_MS = 5
/** Tries of a read that meets a retriable answer (a topic still being created, a leader moving). */
const READ_ATTEMPTS = 30

interface TopicInfo { name: string, partitions: number, leaders: number[] }

export interface KafkaLogOptions extends ClusterLinkOptions {
  /** Prepended to every topic name (default "tributary."): several bus tiers can share a cluster. */
  topicPrefix?: string
  /** Connections Produce requests are spread over (default 8). */
  produceConnections?: number
  /** Produce requests to one leader waiting for acks=all before new appends wait and go together in the next (default: produceConnections; produce-coalescer.ts). */
  produceInFlight?: number
  /** Wait after a small fetch before the next (default 5 ms; 0: fetch again at once). */
  batchWaitMs?: number
  /** The clock that wait is timed on (the wall clock unless a test drives it). */
  clock?: Clock
  logger?: Logger
}

export class KafkaLogEngine implements LogEngine {
  readonly link: ClusterLink
  readonly prefix: string
  /**
   * Produce goes over several connections: a broker answers a connection's
   * requests in order, so one connection makes every PutEvents wait for the
   * acks=all of the one before it; over several they are acknowledged together.
   */
  private readonly produceLinks: ClusterLink[]
  private nextProduceLink = 0
  private readonly topics = new Map<string, TopicInfo>()
  private readonly views = new Map<string, KafkaPartition>()
  readonly batchWaitMs: number
  private readonly clock: Clock

  constructor (readonly options: KafkaLogOptions) {
    this.batchWaitMs = options.batchWaitMs ?? DEFAULT_BATCH_WAIT_MS
    this.clock = options.clock ?? systemClock()
    this.link = new ClusterLink(options)
    this.prefix = options.topicPrefix ?? 'tributary.'
    this.produceLinks = Array.from({ length: options.produceConnections ?? 8 }, (_, i) => new ClusterLink({ ...options, clientId: `${options.clientId ?? 'tributary-bus'}-produce-${i}` }))
    // One request in flight per connection: a request past that would be pipelined behind another on its connection.
    this.producer = new ProduceCoalescer(() => this.produceLink(), topic => {
      if (topic.startsWith(this.prefix)) this.refresh([topic.slice(this.prefix.length)]).catch(() => {})
    }, options.produceInFlight ?? this.produceLinks.length)
  }

  /** Appends made in one event-loop turn, or while a Produce is waiting for acks=all, share a request per leader (produce-coalescer.ts). */
  private readonly producer: ProduceCoalescer

  /** The connection the next Produce goes over (round-robin). */
  produceLink (): ClusterLink {
    const link = this.produceLinks[this.nextProduceLink++ % this.produceLinks.length]
    return link ?? this.link
  }

  /** One encoded batch to a partition's leader with acks=all; resolves with its base offset. A Produce is not retried (PutEvents answers the error). */
  async produce (topic: string, index: number, payload: Buffer): Promise<number> {
    return await this.producer.append(this.leaderOf(topic, index), this.clusterName(topic), index, payload)
  }

  /** Connects and learns the topics already there; fails naming the bootstrap servers when nothing answers. */
  async open (): Promise<void> {
    await this.link.connect()
    await this.refresh(null)
  }

  clusterName (topic: string): string { return `${this.prefix}${topic}` }

  topic (name: string): { name: string, partitions: number } | undefined {
    return this.topics.get(name)
  }

  async createTopic (name: string, partitions: number, configs: Record<string, string> = {}): Promise<void> {
    try {
      await this.link.use(async client => await new TopicAdmin(client).create(this.clusterName(name), partitions, configs))
    } catch (err) {
      // Another bus process created it first: that is the topic we wanted.
      if (!(err instanceof KafkaResponseError && err.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS)) throw err
    }
    await this.waitForLeaders(name)
  }

  async deleteTopic (name: string): Promise<void> {
    try {
      await this.link.use(async client => await new TopicAdmin(client).delete(this.clusterName(name)))
    } catch (err) {
      if (!(err instanceof KafkaResponseError && err.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)) throw err
    }
    this.topics.delete(name)
    for (const [key, view] of this.views) if (view.topic === name) { view.close(); this.views.delete(key) }
  }

  async alterConfigs (name: string, configs: Record<string, string>): Promise<void> {
    await this.link.use(async client => await new TopicAdmin(client).alterConfigs(this.clusterName(name), configs))
  }

  partition (topic: string, index: number): PartitionLike | undefined {
    const info = this.topics.get(topic)
    if (info === undefined || index < 0 || index >= info.partitions) return undefined
    const key = `${topic}\u0000${index}`
    let view = this.views.get(key)
    if (view === undefined) this.views.set(key, view = new KafkaPartition(this, topic, index))
    return view
  }

  /** The partition's end offset now (ListOffsets at its leader); BusStorage reads up to it after this. */
  async endOffset (topic: string, index: number): Promise<number> {
    const view = this.partition(topic, index) as KafkaPartition | undefined
    if (view === undefined) throw new KafkaResponseError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${this.clusterName(topic)} partition ${index}`)
    return await view.endOffset()
  }

  /** The leader of a partition, from the metadata last read (refreshed after a NOT_LEADER answer). */
  leaderOf (topic: string, index: number): number {
    return this.topics.get(topic)?.leaders[index] ?? -1
  }

  /** Reads the metadata of `names` (null: every topic under the prefix) into the topic table. */
  async refresh (names: string[] | null): Promise<void> {
    const metadata = await this.link.use(async client => await client.metadata(names === null ? null : names.map(n => this.clusterName(n))))
    for (const t of metadata.topics) {
      if (t.errorCode !== 0 || !t.name.startsWith(this.prefix)) continue
      const name = t.name.slice(this.prefix.length)
      this.topics.set(name, { name, partitions: t.partitions.length, leaders: t.partitions.map(p => p.leaderId) })
    }
  }

  /** Topics known (names without the prefix), with their partition counts. */
  knownTopics (): Array<{ name: string, partitions: number }> { return [...this.topics.values()] }

  /** A partition's size on the cluster, as DescribeLogDirs gave it. */
  recordSize (topic: string, index: number, bytes: number): void {
    const view = this.partition(topic, index) as KafkaPartition | undefined
    if (view !== undefined) view.sizeInBytes = bytes
  }

  close (): void {
    for (const view of this.views.values()) view.close()
    this.views.clear()
    for (const link of this.produceLinks) link.close()
    this.link.close()
  }

  /** Waits `ms` on the engine's clock, or less if `signal` aborts. */
  async pause (ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return
    await new Promise<void>(resolve => {
      const onAbort = (): void => { this.clock.clearTimer(timer); resolve() }
      const timer = this.clock.setTimer(ms, () => { signal?.removeEventListener('abort', onAbort); resolve() })
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** A topic just created may answer metadata before its partitions have leaders. */
  private async waitForLeaders (name: string): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      await this.refresh([name])
      const info = this.topics.get(name)
      if (info !== undefined && info.partitions > 0 && info.leaders.every(l => l >= 0)) return
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    throw new KafkaResponseError(ErrorCode.LEADER_NOT_AVAILABLE, `topic ${this.clusterName(name)} has no leader`)
  }
}

/** One partition of a cluster topic, as the bus's PartitionLike. */
class KafkaPartition implements PartitionLike {
  highWatermark = 0
  logStartOffset = 0
  /** From DescribeLogDirs, refreshed for archives only (archive-sizes.ts): the bus shows it as SizeBytes. */
  sizeInBytes = 0
  /** Bytes a long poll brought back, handed to the read() that follows it. */
  private prefetched: { offset: number, chunks: Buffer[] } | null = null
  /** Record bytes the last Fetch brought (0: none): a small batch makes the next long poll wait for more (KafkaLogEngine.batchWaitMs). */
  private lastFetchBytes = 0
  private readonly fetchLink: ClusterLink

  constructor (private readonly engine: KafkaLogEngine, readonly topic: string, readonly index: number) {
    this.fetchLink = new ClusterLink({ ...engine.options, clientId: `${engine.options.clientId ?? 'tributary-bus'}-fetch` })
  }

  async append (payload: Buffer): Promise<{ baseOffset: number, lastOffset: number }> {
    const count = readBatchHeader(payload, 0).lastOffsetDelta + 1
    const baseOffset = await this.engine.produce(this.topic, this.index, payload)
    if (baseOffset + count > this.highWatermark) this.highWatermark = baseOffset + count
    return { baseOffset, lastOffset: baseOffset + count - 1 }
  }

  /** acks=all already waited for the in-sync replicas. */
  async flushed (): Promise<void> {}

  async read (offset: number, maxBytes: number): Promise<{ chunks: Buffer[], highWatermark: number, logStartOffset: number }> {
    const cached = this.prefetched
    this.prefetched = null
    if (cached !== null && cached.offset === offset) return { chunks: cached.chunks, highWatermark: this.highWatermark, logStartOffset: this.logStartOffset }
    const chunks = await this.fetch(offset, maxBytes, 0)
    return { chunks, highWatermark: this.highWatermark, logStartOffset: this.logStartOffset }
  }

  async waitForData (offset: number, signal?: AbortSignal): Promise<void> {
    // Under load (the last fetch brought a small batch), let the next batch build first.
    if (this.lastFetchBytes > 0 && this.lastFetchBytes < FULL_FETCH_BYTES && this.engine.batchWaitMs > 0) await this.engine.pause(this.engine.batchWaitMs, signal)
    while (signal?.aborted !== true) {
      const chunks = await this.fetch(offset, 1024 * 1024, LONG_POLL_MS)
      if (chunks.length > 0 || this.highWatermark > offset) {
        this.prefetched = chunks.length > 0 ? { offset, chunks } : null
        return
      }
    }
  }

  close (): void { this.fetchLink.close() }

  async endOffset (): Promise<number> {
    const end = await this.listOffset(-1)
    if (end > this.highWatermark) this.highWatermark = end
    return end
  }

  /** ListOffsets by time: the first record stamped at or after `timestamp`; null when there is none. */
  async offsetForTimestamp (timestamp: number): Promise<{ offset: number } | null> {
    const offset = await this.listOffset(timestamp)
    return offset < 0 ? null : { offset }
  }

  /** ListOffsets at the leader: -1 the end, else the first offset stamped at or after the time (-1: none). */
  private async listOffset (timestamp: number): Promise<number> {
    const name = this.engine.clusterName(this.topic)
    return await this.onLeader(this.engine.link, async connection => {
      const { body } = await connection.request(listOffsetsApi, {
        replicaId: -1,
        isolationLevel: 1,
        timeoutMs: 30_000,
        topics: [{ name, partitions: [{ partitionIndex: this.index, timestamp, maxNumOffsets: 1 }] }],
      }, { minVersion: 1 })
      const answer = body.topics[0]?.partitions[0]
      if (answer === undefined) throw new KafkaResponseError(ErrorCode.UNKNOWN_SERVER_ERROR, `list offsets of ${name}/${this.index}: no answer`)
      checkErrorCode(answer.errorCode, `list offsets of ${name}/${this.index}`)
      return Number(answer.offset)
    })
  }

  private async fetch (offset: number, maxBytes: number, maxWaitMs: number): Promise<Buffer[]> {
    const name = this.engine.clusterName(this.topic)
    return await this.onLeader(this.fetchLink, async connection => {
      const { body } = await connection.request(fetchApi, {
        replicaId: -1,
        maxWaitMs,
        minBytes: 1,
        maxBytes,
        isolationLevel: 1,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic: name, partitions: [{ partition: this.index, fetchOffset: offset, partitionMaxBytes: maxBytes }] }],
        forgottenTopicsData: [],
        rackId: '',
      }, { maxVersion: FETCH_MAX_VERSION })
      const answer = body.responses[0]?.partitions[0]
      if (answer === undefined) return []
      if (answer.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
        // Retention removed what we asked for: BusStorage reads on from the log start.
        this.logStartOffset = Math.max(this.logStartOffset, offset + 1)
        return []
      }
      checkErrorCode(answer.errorCode, `fetch ${name}/${this.index}`)
      this.highWatermark = Number(answer.highWatermark)
      this.logStartOffset = Number(answer.logStartOffset)
      this.lastFetchBytes = answer.records?.length ?? 0
      return answer.records !== null && answer.records.length > 0 ? [answer.records] : []
    })
  }

  /**
   * Reads from the partition's leader; a NOT_LEADER answer refreshes the metadata.
   * Reads (idempotent) are tried again on a retriable answer, which a topic that
   * another worker is creating right now gives for a moment. (A Produce goes
   * through the engine's ProduceCoalescer and is not tried again, so a PutEvents
   * is answered an error instead of waiting.)
   */
  private async onLeader<T> (link: ClusterLink, call: (connection: Awaited<ReturnType<KafkaClient['broker']>>) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await link.use(async client => await call(await client.broker(this.engine.leaderOf(this.topic, this.index))))
      } catch (err) {
        if (!(err instanceof KafkaResponseError) || kafkaErrorByCode(err.errorCode)?.retriable !== true) throw err
        if (err.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || err.errorCode === ErrorCode.LEADER_NOT_AVAILABLE) await this.engine.refresh([this.topic]).catch(() => {})
        if (attempt >= READ_ATTEMPTS) throw err
        await new Promise(resolve => setTimeout(resolve, 100))
      }
    }
  }
}
