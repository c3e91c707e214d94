// A running subscription: one group member on its own client, a fetch loop,
// and handlers run through the KeyedRunner (order per key, `concurrency` at
// once). Offsets are committed as "lowest unfinished" (PartitionProgress), so
// the group moves past an event only once it was handled or parked in the
// dead-letter topic: at-least-once. A rebalance drains the handlers in flight
// and commits before rejoining, as Kafka's eager protocol expects; close()
// does the same, then leaves the group so the others take over at once.
import { EventEmitter } from 'node:events'
import { ClientError, ClientErrorCode, Fetcher, GroupAdmin, GroupMember, OffsetTime, Producer, TopicAdmin, type Assignment, type FetchedRecord, type KafkaClient, type PartitionFetch } from '../../client/index.js'
import { ErrorCode } from '../../protocol/errors.js'
import { deliver, type DeliveryContext } from './delivery.js'
import { KeyedRunner } from './keyed-runner.js'
import { PartitionProgress, type TopicPartition } from './partition-progress.js'
import { ensureTopic, type StreamTransport } from './transport.js'

/** How long a fetch waits on the broker for new records. */
const FETCH_WAIT_MS = 500
/** How long the loop rests when it has nothing to fetch (paused, nothing assigned, or after an error). */
const IDLE_MS = 250
/** GroupMember's rebalance timeout (30 s) plus room for the answer. */
const JOIN_REQUEST_TIMEOUT_MS = 60_000

export interface SubscriptionSettings {
  transport: StreamTransport
  clientId: string
  group: string
  topics: string[]
  /** Partitions for topics the subscription creates. */
  partitions: number
  concurrency: number
  from: 'earliest' | 'latest'
  sessionTimeoutMs: number
  delivery: Omit<DeliveryContext, 'abort' | 'events' | 'producer' | 'ensureTopic' | 'group'>
}

export class Subscription extends EventEmitter {
  private client: KafkaClient | null = null
  private member: GroupMember | null = null
  private fetcher: Fetcher | null = null
  private producer: Producer | null = null
  private readonly progress = new PartitionProgress()
  private readonly runner: KeyedRunner
  private readonly abort = new AbortController()
  private readonly inFlight = new Set<Promise<void>>()
  private readonly context: DeliveryContext
  private needJoin = true
  private paused = false
  private stopping = false
  private loopDone: Promise<void> = Promise.resolve()
  private closing: Promise<void> | null = null
  private wakeUp: (() => void) | null = null
  /** The partitions this member holds now. */
  assignment: Assignment = {}

  constructor (private readonly settings: SubscriptionSettings) {
    super()
    this.runner = new KeyedRunner(settings.concurrency)
    this.context = {
      ...settings.delivery,
      group: settings.group,
      abort: this.abort.signal,
      events: this,
      producer: async () => { this.producer ??= new Producer(this.connected()); return this.producer },
      ensureTopic: async topic => { await ensureTopic(this.connected(), topic, 1) }
    }
  }

  /** Connects, creates missing topics, joins the group and starts fetching; resolves once the first assignment is in. */
  async start (): Promise<void> {
    try {
      await this.connect()
      for (const topic of this.settings.topics) await ensureTopic(this.connected(), topic, this.settings.partitions)
      await this.rejoin()
    } catch (err) {
      this.client?.close()
      throw err
    }
    this.loopDone = this.loop()
  }

  /** Stops fetching; handlers in flight finish, the group membership stays. */
  pause (): void { this.paused = true }
  resume (): void { this.paused = false; this.wake() }
  get isPaused (): boolean { return this.paused }

  /** Finishes the handlers in flight, commits, leaves the group. Events waiting for a retry are left to come again. */
  close (): Promise<void> {
    this.closing ??= (async () => {
      this.stopping = true
      this.abort.abort()
      this.wake()
      await this.loopDone
      this.emit('draining')
      await this.drain()
      await this.commit().catch(err => this.report(err))
      await this.member?.leave().catch(err => this.report(err))
      this.client?.close()
      this.emit('closed')
    })()
    return this.closing
  }

  private connected (): KafkaClient {
    if (this.client === null) throw new ClientError(ClientErrorCode.connectionLost, 'the subscription is not connected')
    return this.client
  }

  private async connect (): Promise<void> {
    this.client?.close()
    // a JoinGroup may be held for the whole rebalance timeout (30 s): give requests longer than that
    this.client = await this.settings.transport.connect(this.settings.clientId, JOIN_REQUEST_TIMEOUT_MS)
    this.fetcher = new Fetcher(this.client)
    this.producer = null
    const session = this.settings.sessionTimeoutMs
    const previous = this.member
    this.member = new GroupMember(this.client, this.settings.group, this.settings.topics, {
      sessionTimeoutMs: session,
      heartbeatIntervalMs: Math.max(100, Math.min(3000, Math.floor(session / 10)))
    })
    // after a lost connection, rejoin as the same member: the coordinator then
    // rebalances at once instead of waiting out the old member's session
    if (previous !== null) this.member.memberId = previous.memberId
    this.needJoin = true
  }

  private async loop (): Promise<void> {
    while (!this.stopping) {
      try {
        if (this.needJoin || this.member?.rejoinNeeded === true) { await this.rejoin(); continue }
        await this.commit()
        const full = this.progress.inFlight >= Math.max(100, this.settings.concurrency * 10)
        if (this.paused || this.progress.size === 0 || full) {
          // 'idle': the loop rests without fetching (paused, nothing assigned, or enough in flight)
          this.emit('idle')
          await this.idle()
          continue
        }
        const fetched = await this.fetcher!.fetch(this.progress.positions(), { maxWaitMs: FETCH_WAIT_MS })
        let failed = false
        for (const partition of fetched) failed = !this.accept(partition) || failed
        if (failed) await this.idle()
      } catch (err) {
        await this.recover(err)
      }
    }
  }

  private async rejoin (): Promise<void> {
    await this.drain()
    await this.commit().catch(err => this.report(err))
    this.assignment = await this.member!.join()
    this.progress.reset(await this.startPositions(this.assignment))
    this.needJoin = false
    this.emit('assigned', this.assignment)
  }

  /** Committed offsets where the group has them; otherwise the earliest (default) or latest offset. */
  private async startPositions (assignment: Assignment): Promise<Array<TopicPartition & { offset: number }>> {
    const wanted = Object.entries(assignment).map(([topic, partitions]) => ({ topic, partitions }))
    if (wanted.length === 0) return []
    const committed = await new GroupAdmin(this.connected()).committed(this.settings.group, wanted)
    const known = new Map(committed.map(c => [`${c.topic}\0${c.partition}`, c.offset]))
    const out: Array<TopicPartition & { offset: number }> = []
    for (const { topic, partitions } of wanted) {
      const missing = partitions.filter(p => !known.has(`${topic}\0${p}`))
      const time = this.settings.from === 'latest' ? OffsetTime.latest : OffsetTime.earliest
      const reset = missing.length === 0 ? new Map() : await new TopicAdmin(this.connected()).offsets(topic, missing, time)
      for (const partition of partitions) {
        const offset = known.get(`${topic}\0${partition}`) ?? reset.get(partition)?.offset ?? 0
        out.push({ topic, partition, offset })
      }
    }
    return out
  }

  /** Hands a partition's records to the handlers; false when the broker answered with an error. */
  private accept (fetched: PartitionFetch): boolean {
    if (fetched.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      // trimmed by retention (or reset past the end): start again where the log is
      const position = this.progress.positions().find(p => p.topic === fetched.topic && p.partition === fetched.partition)?.offset ?? 0
      this.progress.seek(fetched.topic, fetched.partition, position < fetched.logStartOffset ? fetched.logStartOffset : fetched.highWatermark)
      return true
    }
    if (fetched.errorCode !== 0) return false
    // paused or closing while the fetch was out: leave the records for the next fetch
    if (this.paused || this.stopping) return true
    for (const record of fetched.records) this.dispatch(record)
    this.progress.advance(fetched.topic, fetched.partition, fetched.nextOffset)
    return true
  }

  private dispatch (record: FetchedRecord): void {
    this.progress.started(record.topic, record.partition, record.offset)
    const key = record.key === null ? null : record.key.toString('base64')
    const job = this.runner.run(key, async () => {
      let finished = false
      try {
        finished = await deliver(this.context, record)
      } catch (err) {
        this.report(err)
      }
      if (finished) this.progress.finished(record.topic, record.partition, record.offset)
      this.wake()
    })
    this.inFlight.add(job)
    job.then(() => this.inFlight.delete(job), () => {})
  }

  private async drain (): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight])
  }

  private async commit (): Promise<void> {
    if (this.member === null || this.member.generationId < 0) return
    const offsets = this.progress.committable()
    if (offsets.length === 0) return
    await this.member.commit(offsets)
    this.progress.markCommitted(offsets)
  }

  private async recover (err: unknown): Promise<void> {
    if (this.stopping) return
    this.report(err)
    const lost = err instanceof ClientError && (err.code === ClientErrorCode.connectionLost || err.code === ClientErrorCode.timeout || err.code === ClientErrorCode.noBroker)
    await this.idle()
    if (!lost) { this.needJoin = this.needJoin || this.member?.rejoinNeeded === true; return }
    // stops the old member's heartbeats; the leave itself fails on the dead connection, keeping the member id
    await this.member?.leave().catch(() => {})
    await this.drain()
    await this.connect().catch(connectError => this.report(connectError))
  }

  /** Errors the loop recovers from, for whoever listens ('error' is only emitted with a listener, so it never throws). */
  private report (err: unknown): void {
    if (this.listenerCount('error') > 0) this.emit('error', err)
  }

  private idle (): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(done, IDLE_MS)
      function done (): void { clearTimeout(timer); resolve() }
      this.wakeUp = done
    })
  }

  private wake (): void {
    const wakeUp = this.wakeUp
    this.wakeUp = null
    wakeUp?.()
  }
}
