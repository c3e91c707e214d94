// The EventBridge-compatible event bus: definitions in a catalog file, events
// in the log engine (topic bus.<name> per bus), delivery by one dispatcher per
// bus, schedules, archives and replays. The HTTP API lives in ./api.
import { join } from 'node:path'
import type { Logger } from 'pino'
import { RuleMatcher, parsePattern } from './pattern/index.js'
import { ArnFactory } from './arn.js'
import { Catalog, ruleKey, type CatalogRuntime } from './catalog.js'
import { ParsedEvents } from './parsed-events.js'
import type { ArchiveDefinition, BusDefinition, ConnectionDefinition, EventEnvelope, ReplayDefinition, RuleDefinition } from './model.js'
import { archiveTopic, BusStorage, busTopic, type LogEngine } from './storage.js'
import { BusDispatcher, deliveryStateKey, type BusRouting, type DispatcherOptions, type RetryEntry } from './targets/dispatcher.js'
import { TargetDeliverer } from './targets/deliverer.js'
import { RuleScheduler } from './scheduler.js'
import { ReplayRunner } from './replay.js'
import { parsePartitionKey, type PartitionKeyOf } from './partition-key.js'
import { DeliveryStore, type DeliveryStateStore } from './targets/delivery-store.js'
import type { DefinitionStore } from './catalog.js'
import type { FileSystem } from '../log/fs.js'
import type { BusObserver } from './observer.js'
import { systemClock, type Clock } from './clock.js'

export { registerBusRoutes } from './api/routes.js'
export { BusApiError } from './errors.js'
export { busTopic, archiveTopic } from './storage.js'
export type { BusObserver, InvocationOutcomeName } from './observer.js'
export { InvocationOutcome } from './observer.js'

/**
 * Which partitions of a bus topic this process delivers. Embedded: partition 0,
 * always. On a Kafka cluster (src/bus/cluster): those a consumer group assigns
 * this process, handed over on every rebalance.
 */
export interface DeliveryPlacement {
  follow (busName: string, topic: string, partitions: {
    start: (partition: number) => Promise<void>
    stop: (partition: number) => Promise<void>
    /** The partition's delivery cursor, for the group's committed offset (what lag dashboards read). */
    cursor: (partition: number) => number | undefined
  }): Promise<void>
  unfollow (busName: string): Promise<void>
  close (): Promise<void>
}

/** What the bus keeps somewhere other than the local data directory (bus workers on a Kafka cluster). */
export interface SharedBusState {
  definitions: DefinitionStore
  deliveryState: DeliveryStateStore
  placement: DeliveryPlacement
  /** Partitions of each bus topic (the most processes that can share a bus's delivery). */
  busPartitions: number
  /** Retry topics (src/bus/cluster/retry-topic.ts): failed deliveries wait there instead of in the delivery state. */
  retryTopics?: {
    ensure: (busName: string) => Promise<void>
    sink: (busName: string, partition: number) => { append: (entry: RetryEntry) => Promise<void> }
    startReading: (busName: string, partition: number, dispatcher: BusDispatcher) => void
    stopReading: (busName: string, partition: number) => Promise<void>
    forget: (busName: string, partitions: number) => Promise<void>
  }
  /** When each scheduled rule last fired (src/bus/cluster/scheduled-firings.ts): firing is exact across a rebalance of partition 0. */
  schedules?: {
    open: () => Promise<void>
    refresh: () => Promise<void>
    last: (ruleKey: string) => number | undefined
    claim: (ruleKey: string, at: number) => boolean
    record: (ruleKey: string, at: number) => Promise<void>
  }
  /**
   * Throws TRIB_ERR_BUS_DELIVERY_FENCED unless this process still holds the
   * partition of a delivery-state key (GroupOffsetsState.checkLease): asked before
   * appending what only the holder may append (dead letters, archive copies, replay chunks).
   */
  checkLease?: (deliveryStateKey: string) => Promise<void>
  /** Resolves once every definition written before the call has been applied here (a new holder of partition 0 waits for it). */
  definitionsCaughtUp?: () => Promise<void>
  /** Called once the catalog is loaded and the bus runs: start following other processes' changes. */
  followDefinitions: (bus: EventBus) => Promise<void>
  close: () => Promise<void>
}

export interface EventBusOptions {
  dataDir: string
  /** The log engine (src/log LogManager). */
  log: LogEngine
  accountId?: string
  region?: string
  logger?: Logger
  /** PutEvents entry size limit (AWS: 256 KiB, announced 1 MiB). */
  maxEntryBytes?: number
  /** Lambda function name -> local URL. Defaults from TRIBUTARY_BUS_FUNCTION_URLS ("name=url,..."). */
  functionUrls?: Record<string, string>
  /** URL for other functions, `{name}` replaced. Default from TRIBUTARY_BUS_FUNCTION_URL_TEMPLATE. */
  functionUrlTemplate?: string
  /** First retry delay (doubling per retry); default from TRIBUTARY_BUS_RETRY_BASE_MS, else 1 s. */
  retryBaseDelayMs?: number
  /** Longest retry delay; default from TRIBUTARY_BUS_RETRY_MAX_MS, else 5 min. */
  retryMaxDelayMs?: number
  httpTimeoutMs?: number
  deliveryConcurrency?: number
  /** Bytes of events a bus partition's dispatcher holds for retries before it stops reading new ones (default 16 MiB). */
  maxPendingRetryBytes?: number
  /** Partitions of topics created on demand for targets and dead letters. */
  defaultPartitions?: number
  /** The file system under the catalog and delivery journals (default: the real one; tests inject faults). */
  fs?: FileSystem
  /** Told about matches and deliveries (the metrics face). */
  observer?: BusObserver
  /**
   * Time for scheduled rules, retry backoff, event age and event stamps
   * (default the wall clock); the embedded broker passes its test clock.
   */
  clock?: Clock
  /** Keep definitions, cursors and retries on a Kafka cluster instead of in dataDir. */
  shared?: SharedBusState
  /** What PutEvents partitions a bus's events by (./partition-key.ts): default the event's source. */
  partitionKey?: string
}

export const DEFAULT_ACCOUNT_ID = '000000000000'
export const DEFAULT_REGION = 'us-east-1'

interface ArchiveRouting { matcher: RuleMatcher<string>, unfiltered: Set<string> }

export class EventBus implements CatalogRuntime {
  readonly accountId: string
  readonly region: string
  readonly arns: ArnFactory
  readonly catalog: Catalog
  readonly storage: BusStorage
  readonly deliverer: TargetDeliverer
  readonly scheduler: RuleScheduler
  readonly replays: ReplayRunner
  readonly maxEntryBytes: number
  readonly partitionKeyOf: PartitionKeyOf
  readonly clock: Clock
  readonly logger?: Logger
  readonly stats = { putEvents: 0, delivered: 0, failedAttempts: 0, deadLettered: 0, dropped: 0, droppedNoBus: 0 }
  private readonly stateDir: string
  private readonly deliveryState: DeliveryStateStore
  private readonly dispatchers = new Map<string, BusDispatcher>()
  /** Cluster mode: the dispatchers of the partitions this process holds, by `<bus>\u0000<partition>`. */
  private readonly partitionDispatchers = new Map<string, BusDispatcher>()
  private readonly ruleMatchers = new Map<string, RuleMatcher<string>>()
  /** Events parsed on their way in, for their dispatcher (./parsed-events.ts). */
  private readonly parsedEvents = new ParsedEvents()
  private readonly archiveRouting = new Map<string, ArchiveRouting>()
  private opened = false

  constructor (private readonly options: EventBusOptions) {
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID
    this.region = options.region ?? DEFAULT_REGION
    this.logger = options.logger
    this.clock = options.clock ?? systemClock()
    this.arns = new ArnFactory(this.region, this.accountId)
    this.stateDir = join(options.dataDir, '__bus')
    this.catalog = new Catalog(this.stateDir, { fs: options.fs, logger: options.logger, store: options.shared?.definitions })
    this.deliveryState = options.shared?.deliveryState ?? new DeliveryStore(this.stateDir, { fs: options.fs, logger: options.logger })
    this.storage = new BusStorage(options.log)
    this.maxEntryBytes = options.maxEntryBytes ?? 256 * 1024
    this.partitionKeyOf = parsePartitionKey(options.partitionKey ?? 'source')
    this.deliverer = new TargetDeliverer({
      catalog: this.catalog,
      storage: this.storage,
      forwardToBus: async (busName, events) => await this.appendEvents(busName, events.map(e => ({ key: e.event.id, value: e.text, event: e.event }))),
      functionUrls: options.functionUrls ?? parseFunctionUrls(process.env.TRIBUTARY_BUS_FUNCTION_URLS),
      functionUrlTemplate: options.functionUrlTemplate ?? process.env.TRIBUTARY_BUS_FUNCTION_URL_TEMPLATE,
      httpTimeoutMs: options.httpTimeoutMs ?? 5000,
      defaultPartitions: options.defaultPartitions ?? 1,
    })
    this.scheduler = new RuleScheduler(this.accountId, this.region, async (busName, event, text, headers, firing) => {
      // On a cluster every process arms every schedule; the one delivering partition 0
      // fires it, once per firing time, and records it for the next holder.
      const schedules = options.shared?.schedules
      const key = ruleKey(busName, firing.rule.name)
      if (options.shared !== undefined && !this.partitionDispatchers.has(`${busName}\u00000`)) return
      if (schedules !== undefined && !schedules.claim(key, firing.at)) return
      await this.appendEvents(busName, [{ key: event.id, value: text, headers, event }])
      await schedules?.record(key, firing.at)
    }, options.logger, this.clock)
    this.replays = new ReplayRunner(this.catalog, this.storage, options.logger,
      options.shared?.checkLease === undefined ? undefined : async busName => await options.shared!.checkLease!(deliveryStateKey(busName, 0)),
      envNumber('TRIBUTARY_BUS_REPLAY_CHUNK_BYTES'))
  }

  async open (): Promise<void> {
    await this.catalog.load()
    await this.options.shared?.schedules?.open()
    await this.deliveryState.open()
    if (!this.catalog.buses.has('default')) {
      const now = Date.now()
      this.catalog.buses.set('default', { name: 'default', arn: this.arns.bus('default'), createdAt: now, modifiedAt: now, tags: [] })
      await this.catalog.persist()
    }
    // One definition that no longer works (a pattern this version refuses, a topic
    // that cannot be created) must not keep the rest of the bus from starting:
    // it is logged by name and skipped, and stays in the catalog to be fixed or deleted.
    for (const archive of this.catalog.archives.values()) {
      await this.startDefinition('archive', archive.name, async () => await this.archiveChanged(archive, undefined))
    }
    for (const rule of this.catalog.rules.values()) {
      await this.startDefinition('rule', `${rule.busName}/${rule.name}`, () => this.ruleChanged(rule))
    }
    for (const bus of this.catalog.buses.values()) {
      await this.startDefinition('event bus', bus.name, async () => await this.startBus(bus))
    }
    this.catalog.attach(this, this.logger)
    this.opened = true
    // On a cluster the replays start with their bus's partition 0 (startBus).
    if (this.options.shared === undefined) this.replays.resumeAll()
    await this.options.shared?.followDefinitions(this)
  }

  private async startDefinition (kind: string, name: string, start: () => Promise<void> | void): Promise<void> {
    try {
      await start()
    } catch (err) {
      this.logger?.error({ err, kind, name }, `bus ${kind} ${name} could not be started; skipped`)
    }
  }

  async close (): Promise<void> {
    if (!this.opened) return
    this.opened = false
    this.scheduler.close()
    await this.replays.close()
    await this.options.shared?.placement.close()
    await Promise.all([...this.dispatchers.values(), ...this.partitionDispatchers.values()].map(d => d.close()))
    this.dispatchers.clear()
    this.partitionDispatchers.clear()
    await this.catalog.persist()
    await this.catalog.close()
    await this.deliveryState.close()
    await this.options.shared?.close()
  }

  /** A new holder of a bus's partition 0 (cluster): fires what came due since each rule's last recorded firing. */
  private async catchUpSchedules (busName: string): Promise<void> {
    const schedules = this.options.shared?.schedules
    if (schedules === undefined) return
    await schedules.refresh()
    for (const rule of [...this.catalog.rules.values()]) {
      if (rule.busName !== busName) continue
      const key = ruleKey(busName, rule.name)
      const missed = this.scheduler.missedFirings(key, schedules.last(key))
      if (missed === null) continue
      if (missed.dropped > 0) this.logger?.warn({ bus: busName, rule: rule.name, dropped: missed.dropped }, `rule ${rule.name}: ${missed.dropped} firings missed while nobody held partition 0 are not caught up (only the newest ${missed.times.length})`)
      for (const at of missed.times) await this.scheduler.fire(missed.rule, at)
    }
  }

  /**
   * A new holder of a bus's partition 0 (cluster) resumes its replays only once it
   * has applied every definition written before it took the partition: the last
   * progress its previous holder recorded, so a replay resumes at the chunk that
   * holder had not finished rather than at an older position. Skipped if the
   * partition has moved on meanwhile (`dispatcher` is no longer its dispatcher).
   */
  private resumeReplaysWhenCaughtUp (busName: string, dispatcher: BusDispatcher): void {
    const caughtUp = this.options.shared?.definitionsCaughtUp?.() ?? Promise.resolve()
    caughtUp.then(() => {
      if (this.partitionDispatchers.get(`${busName}\u00000`) === dispatcher) this.replays.resumeAll(busName)
    }, err => this.logger?.error({ err, bus: busName }, 'could not read the definitions before resuming the replays'))
  }

  /** Creates the bus's topic and starts its delivery. */
  async startBus (bus: BusDefinition): Promise<void> {
    const shared = this.options.shared
    if (shared !== undefined) {
      const topic = busTopic(bus.name)
      await this.storage.ensureTopic(topic, undefined, shared.busPartitions)
      await shared.retryTopics?.ensure(bus.name)
      await shared.placement.follow(bus.name, topic, {
        start: async partition => {
          const dispatcher = this.newDispatcher(bus.name, partition, shared.retryTopics?.sink(bus.name, partition))
          this.partitionDispatchers.set(`${bus.name}\u0000${partition}`, dispatcher)
          await dispatcher.start()
          shared.retryTopics?.startReading(bus.name, partition, dispatcher)
          // The holder of partition 0 runs the bus's replays and fires its scheduled rules,
          // first those that came due since the last firing recorded.
          if (partition === 0) {
            this.resumeReplaysWhenCaughtUp(bus.name, dispatcher)
            this.catchUpSchedules(bus.name).catch(err => this.logger?.error({ err, bus: bus.name }, 'could not catch up the scheduled rules'))
          }
        },
        cursor: partition => this.partitionDispatchers.get(`${bus.name}\u0000${partition}`)?.committedOffset,
        stop: async partition => {
          // Out of the map first: a replay resume still waiting for the definitions sees the partition gone.
          const key = `${bus.name}\u0000${partition}`
          const dispatcher = this.partitionDispatchers.get(key)
          this.partitionDispatchers.delete(key)
          // Before the partition moves, so the next holder resumes from the progress written here.
          if (partition === 0) await this.replays.stopAll(bus.name)
          try {
            await dispatcher?.close()
          } finally {
            await shared.retryTopics?.stopReading(bus.name, partition)
          }
        },
      })
      return
    }
    await this.storage.ensureTopic(busTopic(bus.name))
    if (this.dispatchers.has(bus.name)) return
    const dispatcher = this.newDispatcher(bus.name, 0)
    this.dispatchers.set(bus.name, dispatcher)
    try {
      await dispatcher.start()
    } catch (err) {
      // start() fails before its loop runs, so there is nothing to close.
      this.dispatchers.delete(bus.name)
      throw err
    }
  }

  /** The dispatchers delivering partitions of `busName` in this process (cluster mode). */
  partitionsHeld (busName: string): BusDispatcher[] {
    return [...this.partitionDispatchers.values()].filter(d => d.topic === busTopic(busName))
  }

  private newDispatcher (busName: string, partition: number, retrySink?: DispatcherOptions['retrySink']): BusDispatcher {
    return new BusDispatcher({
      busName,
      partition,
      retrySink,
      parsedEvents: this.parsedEvents,
      checkLease: this.options.shared?.checkLease === undefined ? undefined : async () => await this.options.shared!.checkLease!(deliveryStateKey(busName, partition)),
      state: this.deliveryState,
      storage: this.storage,
      deliverer: this.deliverer,
      routing: this.routing(busName),
      backoff: {
        baseDelayMs: this.options.retryBaseDelayMs ?? envNumber('TRIBUTARY_BUS_RETRY_BASE_MS') ?? 1000,
        maxDelayMs: this.options.retryMaxDelayMs ?? envNumber('TRIBUTARY_BUS_RETRY_MAX_MS') ?? 300_000,
      },
      concurrency: this.options.deliveryConcurrency ?? 64,
      maxPendingRetryBytes: this.options.maxPendingRetryBytes,
      defaultPartitions: this.options.defaultPartitions ?? 1,
      logger: this.logger,
      observer: this.options.observer,
      clock: this.clock,
      onDelivered: outcome => {
        if (outcome === 'delivered') this.stats.delivered++
        else if (outcome === 'failed') this.stats.failedAttempts++
        else if (outcome === 'dead-lettered') this.stats.deadLettered++
        else this.stats.dropped++
      },
    })
  }

  /** Stops delivery and removes the bus's topic and delivery state. */
  async stopBus (busName: string): Promise<void> {
    const shared = this.options.shared
    if (shared !== undefined) {
      await shared.placement.unfollow(busName)
      // Forget every partition's cursor, so a bus created again under this name starts at 0.
      const partitions = this.options.log.topic(busTopic(busName))?.partitions ?? shared.busPartitions
      for (let p = 0; p < partitions; p++) await this.deliveryState.forget(deliveryStateKey(busName, p))
      await shared.retryTopics?.forget(busName, partitions)
    }
    const dispatcher = this.dispatchers.get(busName)
    this.dispatchers.delete(busName)
    if (dispatcher) {
      await dispatcher.close()
      await this.deliveryState.forget(busName)
    }
    this.ruleMatchers.delete(busName)
    this.parsedEvents.forget(busTopic(busName))
    await this.storage.deleteTopic(busTopic(busName))
  }

  dispatcher (busName: string): BusDispatcher | undefined {
    return this.dispatchers.get(busName)
  }

  /** Appends records to a bus topic; resolves once they are fsynced. */
  async appendEvents (busName: string, records: Array<{ key: string, value: string, headers?: Array<{ key: string, value: string }>, partitionKey?: string, event?: EventEnvelope }>): Promise<void> {
    if (records.length === 0) return
    // The record timestamp is the ingestion time that event age is measured from: clock time.
    const now = this.clock.now()
    const partitionKeys = records.map(r => r.partitionKey)
    // On a multi-partition bus topic (cluster mode) each record goes by its partition
    // key (PutEvents: partitionKeyOf, by default the event's source, so one source's events stay in order) or
    // else its record key (the event id), spreading the work over the workers.
    const topic = busTopic(busName)
    // Its dispatcher takes the parsed events instead of parsing them again (a one-partition bus topic).
    const remember = (at: { baseOffset: number }): void => {
      this.parsedEvents.remember(topic, at.baseOffset, records.map(r => r.event === undefined ? undefined : { event: r.event, text: r.value }))
    }
    await this.storage.appendByKey(topic, records.map(r => ({ key: r.key, value: r.value, headers: r.headers, timestamp: now })), partitionKeys, 'fsynced', remember)
    this.options.observer?.eventsAppended?.(busName, records.map(r => r.key), now)
  }

  // CatalogRuntime: how the running bus follows the catalog's changes.

  async busCreated (bus: BusDefinition): Promise<void> {
    await this.startBus(bus)
  }

  async busDeleted (name: string): Promise<void> {
    await this.stopBus(name)
  }

  /** Keeps the bus's matcher and the scheduler in step with a rule's definition. */
  ruleChanged (rule: RuleDefinition): void {
    // Compile first: a pattern that does not compile leaves the matcher as it was.
    const pattern = rule.eventPattern !== undefined ? parsePattern(rule.eventPattern) : undefined
    const matcher = this.matcherOf(rule.busName)
    matcher.remove(rule.name)
    if (pattern !== undefined) matcher.add(rule.name, pattern)
    this.scheduler.update(ruleKey(rule.busName, rule.name), rule)
  }

  ruleDeleted (rule: RuleDefinition): void {
    this.ruleMatchers.get(rule.busName)?.remove(rule.name)
    this.scheduler.remove(ruleKey(rule.busName, rule.name))
  }

  async archiveChanged (archive: ArchiveDefinition, previous: ArchiveDefinition | undefined): Promise<void> {
    const pattern = archive.eventPattern !== undefined ? parsePattern(archive.eventPattern) : undefined
    const topic = archiveTopic(archive.name)
    if (!this.storage.hasTopic(topic)) await this.storage.ensureTopic(topic, archiveTopicConfigs(archive))
    else if (previous !== undefined && previous.retentionDays !== archive.retentionDays) await this.storage.setConfigs(topic, archiveTopicConfigs(archive))
    this.archiveDeleted(archive)
    let routing = this.archiveRouting.get(archive.sourceBusName)
    if (!routing) this.archiveRouting.set(archive.sourceBusName, routing = { matcher: new RuleMatcher<string>(), unfiltered: new Set() })
    if (archive.state !== 'ENABLED') return
    if (pattern === undefined) routing.unfiltered.add(archive.name)
    else routing.matcher.add(archive.name, pattern)
  }

  archiveDeleted (archive: ArchiveDefinition): void {
    const routing = this.archiveRouting.get(archive.sourceBusName)
    routing?.matcher.remove(archive.name)
    routing?.unfiltered.delete(archive.name)
  }

  async archiveTopicDeleted (archive: ArchiveDefinition): Promise<void> {
    await this.storage.deleteTopic(archiveTopic(archive.name))
  }

  /** A token fetched for the connection stays usable only while it is authorized. */
  connectionChanged (connection: ConnectionDefinition): void {
    if (connection.state !== 'AUTHORIZED') this.deliverer.auth.forget(connection.arn)
  }

  replayCreated (replay: ReplayDefinition): void {
    // On a cluster only the worker delivering partition 0 of the replay's bus runs it;
    // the others learn of it from the definitions topic and leave it to that one.
    const busName = this.replays.busOf(replay)
    if (this.options.shared !== undefined && !this.partitionDispatchers.has(`${busName ?? ''}\u00000`)) return
    this.replays.start(replay)
  }

  private matcherOf (busName: string): RuleMatcher<string> {
    let matcher = this.ruleMatchers.get(busName)
    if (!matcher) this.ruleMatchers.set(busName, matcher = new RuleMatcher<string>())
    return matcher
  }

  private routing (busName: string): BusRouting {
    return {
      matchRules: event => this.ruleMatchers.get(busName)?.match(event) ?? [],
      rule: name => this.catalog.rule(busName, name),
      matchArchives: event => {
        const routing = this.archiveRouting.get(busName)
        if (!routing) return []
        const matched = routing.matcher.size > 0 ? routing.matcher.match(event) : []
        return routing.unfiltered.size > 0 ? [...routing.unfiltered, ...matched] : matched
      },
      replayFilterArns: name => this.catalog.replays.get(name)?.destination.FilterArns,
    }
  }
}

/** Archive retention becomes the archive topic's retention.ms (0 days = keep forever). */
function archiveTopicConfigs (archive: ArchiveDefinition): Record<string, string> {
  return { 'retention.ms': archive.retentionDays > 0 ? String(archive.retentionDays * 86_400_000) : '-1' }
}

function envNumber (name: string): number | undefined {
  const value = Number(process.env[name])
  return process.env[name] !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined
}

function parseFunctionUrls (text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  if (text === undefined || text.trim() === '') return out
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=')
    if (eq > 0) out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim()
  }
  return out
}

export type { EventEnvelope }
