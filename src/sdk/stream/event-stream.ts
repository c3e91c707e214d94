// createEventStream: publish, subscribe, replay and close over either
// transport, with event types declared by Standard Schemas so the data a
// publisher passes and a handler receives are typed from the same schema.
// Everything that can be refused is refused before a byte is written: an
// invalid topic, data the schema rejects, data JSON cannot carry, a closed stream.
import { randomUUID } from 'node:crypto'
import type { Clock } from '../../broker/groups/clock.js'
import { KafkaClient, Producer, ClientError, ClientErrorCode } from '../../client/index.js'
import { compilePattern } from '../../bus/pattern/index.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'
import type { EmbeddedTributary } from '../embedded.js'
import { envelopeHeaders, serialiseData, type StreamEvent } from './envelope.js'
import { validateEvent, type EventSchemas, type SchemaInput, type SchemaOutput } from './standard-schema.js'
import { topicFor, type TopicMapping } from './topics.js'
import { embeddedTransport, ensureTopic, remoteTransport, type StreamTransport } from './transport.js'
import { retryPolicy, type RetryOptions } from './retry.js'
import { Subscription } from './subscription.js'
import type { EventHandler } from './delivery.js'
import { replayEvents, type ReplayOptions } from './replay.js'
import { traceHeaders } from './trace.js'

export interface EventStreamOptions<S extends EventSchemas = EventSchemas> {
  /** Bootstrap servers of any Kafka-protocol cluster: ['host:9092']. */
  brokers?: string[]
  /** Or an embedded broker from startTributary(); retry backoff then follows its clock. */
  tributary?: EmbeddedTributary
  /** Event type → Standard Schema (zod, valibot, arktype...) of its data. */
  schemas?: S
  /** The CloudEvents `source` of what this stream publishes; default 'tributary-sdk'. */
  source?: string
  /** Topic per event type: a map or a function; default the type with illegal characters replaced by '_'. */
  topics?: TopicMapping
  /** Partitions of the topics the stream creates; default 3. */
  partitions?: number
  clientId?: string
  /** The clock retry backoff waits on; default the embedded broker's clock, or the system clock. */
  clock?: Clock
  /** Signals on which the stream drains and closes, then lets the signal take its course; default none. */
  closeOnSignals?: NodeJS.Signals[]
}

export interface PublishOptions {
  /** Events with one key land in one partition and are handled in order. */
  key?: string
  /** Application headers (strings); ce_* and content-type belong to the envelope. */
  headers?: Record<string, string>
}

export interface PublishedEvent { id: string, type: string, time: string, topic: string, partition: number, offset: number }

/** An EventBridge pattern, matched against the CloudEvents envelope (id, source, type, time, data, ...). */
export type EventPattern = Record<string, unknown>

export interface SubscribeOptions {
  /** The consumer group: each group receives every event, its members share the partitions. */
  group: string
  /** Handlers running at once (across keys; one key is always handled in order); default 10. */
  concurrency?: number
  retry?: RetryOptions
  /** Dead-letter topic, or false to skip failed events; default '<topic>.dlq'. */
  deadLetter?: string | false
  /** Where a group with no committed offset starts; default 'earliest'. */
  from?: 'earliest' | 'latest'
  /** How long the group waits for a member that stopped answering; default 10 s. */
  sessionTimeoutMs?: number
  /** For a pattern: the event types whose topics to read; default the pattern's own `type` values. */
  types?: string[]
}

type DataIn<S extends EventSchemas, T> = T extends keyof S ? SchemaInput<S[T]> : unknown
type DataOut<S extends EventSchemas, T> = T extends keyof S ? SchemaOutput<S[T]> : unknown

function options (condition: boolean, message: string): void {
  if (!condition) throw new TributaryError(TributaryErrorCode.STREAM_OPTIONS, message)
}

export class EventStream<S extends EventSchemas = EventSchemas> {
  private client: Promise<KafkaClient> | null = null
  private producer: Producer | null = null
  private readonly knownTopics = new Set<string>()
  private readonly subscriptions = new Set<Subscription>()
  private closing: Promise<void> | null = null
  private readonly source: string
  private readonly partitions: number
  private readonly clientId: string

  constructor (private readonly transport: StreamTransport, private readonly settings: EventStreamOptions<S>) {
    this.source = settings.source ?? 'tributary-sdk'
    this.partitions = settings.partitions ?? 3
    this.clientId = settings.clientId ?? 'tributary-sdk'
    options(Number.isInteger(this.partitions) && this.partitions >= 1, `partitions must be an integer >= 1, got ${String(settings.partitions)}`)
    for (const signal of settings.closeOnSignals ?? []) {
      process.once(signal, () => { this.close().finally(() => process.kill(process.pid, signal)).catch(() => {}) })
    }
  }

  get closed (): boolean { return this.closing !== null }

  /** Validates, wraps in the envelope and writes one event; resolves once the broker has it. */
  async publish<T extends string> (type: T, data: DataIn<S, T>, publishOptions: PublishOptions = {}): Promise<PublishedEvent> {
    this.checkOpen('publish')
    const topic = topicFor(type, this.settings.topics)
    const value = serialiseData(type, await validateEvent(this.settings.schemas?.[type], type, data))
    const key = publishOptions.key
    options(key === undefined || typeof key === 'string', `publish: key must be a string, got ${typeof key}`)
    const id = randomUUID()
    const time = new Date()
    const headers = envelopeHeaders({ type, source: this.source, data, headers: { ...await traceHeaders(), ...publishOptions.headers } }, id, time)
    const record = { key: key ?? null, value, headers }
    const [written] = await this.withClient(async client => {
      if (!this.knownTopics.has(topic)) { await ensureTopic(client, topic, this.partitions); this.knownTopics.add(topic) }
      this.producer ??= new Producer(client)
      return await this.producer.send(topic, [record])
    })
    return { id, type, time: time.toISOString(), topic, partition: written!.partition, offset: written!.offset }
  }

  /** Runs `handler` for every event of `type` (or matching `pattern`) the group has not handled yet. */
  subscribe<T extends string> (type: T, subscribeOptions: SubscribeOptions, handler: EventHandler<DataOut<S, T>>): Promise<Subscription>
  subscribe (pattern: EventPattern, subscribeOptions: SubscribeOptions, handler: EventHandler): Promise<Subscription>
  async subscribe (what: string | EventPattern, subscribeOptions: SubscribeOptions, handler: EventHandler<never>): Promise<Subscription> {
    this.checkOpen('subscribe')
    options(typeof subscribeOptions?.group === 'string' && subscribeOptions.group !== '', 'subscribe: options.group must be a non-empty string')
    options(typeof handler === 'function', 'subscribe: the handler must be a function')
    const concurrency = subscribeOptions.concurrency ?? 10
    options(Number.isInteger(concurrency) && concurrency >= 1, `subscribe: concurrency must be an integer >= 1, got ${String(concurrency)}`)
    const pattern = typeof what === 'string' ? null : compilePattern(what)
    const types = typeof what === 'string' ? [what] : subscribeOptions.types ?? patternTypes(what)
    const typeOf = new Map(types.map(type => [topicFor(type, this.settings.topics), type]))
    const deadLetter = subscribeOptions.deadLetter
    options(deadLetter === undefined || deadLetter === false || typeof deadLetter === 'string', 'subscribe: deadLetter must be a topic name or false')
    const subscription = new Subscription({
      transport: this.transport,
      clientId: `${this.clientId}-${subscribeOptions.group}`,
      group: subscribeOptions.group,
      topics: [...typeOf.keys()],
      partitions: this.partitions,
      concurrency,
      from: subscribeOptions.from ?? 'earliest',
      sessionTimeoutMs: subscribeOptions.sessionTimeoutMs ?? 10_000,
      delivery: {
        handler: handler as EventHandler,
        policy: retryPolicy(subscribeOptions.retry),
        clock: this.transport.clock,
        deadLetterTopic: topic => deadLetter === false ? null : deadLetter ?? `${topic}.dlq`,
        schemaFor: type => this.settings.schemas?.[type],
        pattern,
        typeOfTopic: topic => typeOf.get(topic) ?? topic
      }
    })
    // tracked from the start, so a stream closed while this subscribe is joining closes it too
    this.subscriptions.add(subscription)
    subscription.once('closed', () => this.subscriptions.delete(subscription))
    try {
      await subscription.start()
    } catch (err) {
      this.subscriptions.delete(subscription)
      throw err
    }
    if (this.closing !== null) {
      await subscription.close()
      this.checkOpen('subscribe')
    }
    return subscription
  }

  /** The events of `type` from an offset or a time, to an offset, a time, or the end at the start of the replay. */
  async * replay<T extends string> (type: T, replayOptions: ReplayOptions): AsyncGenerator<StreamEvent<DataOut<S, T>>> {
    this.checkOpen('replay')
    const topic = topicFor(type, this.settings.topics)
    const client = await this.connected()
    yield * replayEvents(client, topic, type, this.settings.schemas?.[type], replayOptions) as AsyncGenerator<StreamEvent<DataOut<S, T>>>
  }

  /** Drains and closes every subscription (handlers finish, offsets committed, groups left), then the connection. */
  close (): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map(async s => await s.close()))
      const client = await this.client?.catch(() => null)
      client?.close()
    })()
    return this.closing
  }

  async [Symbol.asyncDispose] (): Promise<void> { await this.close() }

  private checkOpen (what: string): void {
    if (this.closing !== null) throw new TributaryError(TributaryErrorCode.STREAM_CLOSED, `${what}: the event stream is closed`)
  }

  private connected (): Promise<KafkaClient> {
    this.client ??= this.transport.connect(this.clientId)
    this.client.catch(() => { this.client = null })
    return this.client
  }

  /** Runs `fn` with the stream's client; a lost connection is opened again once. */
  private async withClient<R> (fn: (client: KafkaClient) => Promise<R>): Promise<R> {
    try {
      return await fn(await this.connected())
    } catch (err) {
      if (!(err instanceof ClientError && err.code === ClientErrorCode.connectionLost)) throw err
      const stale = await this.client?.catch(() => null)
      stale?.close()
      this.client = null
      this.producer = null
      return await fn(await this.connected())
    }
  }
}

/** The exact event types a pattern names in `type`: the topics to read. */
function patternTypes (pattern: EventPattern): string[] {
  const type = pattern.type
  const ok = Array.isArray(type) && type.length > 0 && type.every(t => typeof t === 'string')
  options(ok, 'subscribe: a pattern must list its event types in "type" (exact strings), or name them in options.types')
  return type as string[]
}

/** An event stream over a Kafka-protocol cluster (`brokers`) or an embedded broker (`tributary`). */
export function createEventStream<S extends EventSchemas = EventSchemas> (settings: EventStreamOptions<S>): EventStream<S> {
  options(typeof settings === 'object' && settings !== null, 'createEventStream needs { brokers } or { tributary }')
  options((settings.brokers === undefined) !== (settings.tributary === undefined), 'createEventStream needs exactly one of { brokers } or { tributary }')
  if (settings.brokers !== undefined) options(Array.isArray(settings.brokers) && settings.brokers.length > 0, 'createEventStream: brokers must be a non-empty list of "host:port"')
  const transport = settings.tributary !== undefined
    ? embeddedTransport(settings.tributary, settings.clock)
    : remoteTransport(settings.brokers!, settings.clock)
  return new EventStream<S>(transport, settings)
}
