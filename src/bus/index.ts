// The EventBridge-compatible event bus: definitions in a catalog file, events
// in the log engine (topic bus.<name> per bus), delivery by one dispatcher per
// bus, schedules, archives and replays. The HTTP API lives in ./api.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { RuleMatcher, parsePattern } from './pattern/index.js'
import { ArnFactory } from './arn.js'
import { Catalog, ruleKey } from './catalog.js'
import type { ArchiveDefinition, BusDefinition, EventEnvelope, RuleDefinition } from './model.js'
import { archiveTopic, BusStorage, busTopic, type LogEngine } from './storage.js'
import { BusDispatcher, type BusRouting } from './targets/dispatcher.js'
import { TargetDeliverer } from './targets/deliverer.js'
import { RuleScheduler } from './scheduler.js'
import { ReplayRunner } from './replay.js'
import { removeFile } from './json-file.js'
import type { BusObserver } from './observer.js'

export { registerBusRoutes } from './api/routes.js'
export { BusApiError } from './errors.js'
export { busTopic, archiveTopic } from './storage.js'
export type { BusObserver, InvocationOutcomeName } from './observer.js'
export { InvocationOutcome } from './observer.js'

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
  /** Partitions of topics created on demand for targets and dead letters. */
  defaultPartitions?: number
  /** Told about matches and deliveries (the metrics face). */
  observer?: BusObserver
}

export const DEFAULT_ACCOUNT_ID = '000000000000'
export const DEFAULT_REGION = 'us-east-1'

interface ArchiveRouting { matcher: RuleMatcher<string>, unfiltered: Set<string> }

export class EventBus {
  readonly accountId: string
  readonly region: string
  readonly arns: ArnFactory
  readonly catalog: Catalog
  readonly storage: BusStorage
  readonly deliverer: TargetDeliverer
  readonly scheduler: RuleScheduler
  readonly replays: ReplayRunner
  readonly maxEntryBytes: number
  readonly logger?: Logger
  readonly stats = { putEvents: 0, delivered: 0, failedAttempts: 0, deadLettered: 0, dropped: 0 }
  private readonly stateDir: string
  private readonly dispatchers = new Map<string, BusDispatcher>()
  private readonly ruleMatchers = new Map<string, RuleMatcher<string>>()
  private readonly archiveRouting = new Map<string, ArchiveRouting>()
  private opened = false

  constructor (private readonly options: EventBusOptions) {
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID
    this.region = options.region ?? DEFAULT_REGION
    this.logger = options.logger
    this.arns = new ArnFactory(this.region, this.accountId)
    this.stateDir = join(options.dataDir, '__bus')
    this.catalog = new Catalog(this.stateDir)
    this.storage = new BusStorage(options.log)
    this.maxEntryBytes = options.maxEntryBytes ?? 256 * 1024
    this.deliverer = new TargetDeliverer({
      catalog: this.catalog,
      storage: this.storage,
      forwardToBus: async (busName, events) => await this.appendEvents(busName, events.map(e => ({ key: e.event.id, value: e.text }))),
      functionUrls: options.functionUrls ?? parseFunctionUrls(process.env.TRIBUTARY_BUS_FUNCTION_URLS),
      functionUrlTemplate: options.functionUrlTemplate ?? process.env.TRIBUTARY_BUS_FUNCTION_URL_TEMPLATE,
      httpTimeoutMs: options.httpTimeoutMs ?? 5000,
      defaultPartitions: options.defaultPartitions ?? 1,
    })
    this.scheduler = new RuleScheduler(this.accountId, this.region, async (busName, event, text, headers) => {
      await this.appendEvents(busName, [{ key: event.id, value: text, headers }])
    }, options.logger)
    this.replays = new ReplayRunner(this.catalog, this.storage, options.logger)
  }

  async open (): Promise<void> {
    await mkdir(join(this.stateDir, 'delivery'), { recursive: true })
    await this.catalog.load()
    if (!this.catalog.buses.has('default')) {
      const now = Date.now()
      this.catalog.buses.set('default', { name: 'default', arn: this.arns.bus('default'), createdAt: now, modifiedAt: now, tags: [] })
      await this.catalog.persist()
    }
    for (const archive of this.catalog.archives.values()) {
      await this.storage.ensureTopic(archiveTopic(archive.name), archiveTopicConfigs(archive))
      this.archiveChanged(archive)
    }
    for (const rule of this.catalog.rules.values()) this.ruleChanged(rule)
    for (const bus of this.catalog.buses.values()) await this.startBus(bus)
    this.opened = true
    this.replays.resumeAll()
  }

  async close (): Promise<void> {
    if (!this.opened) return
    this.opened = false
    this.scheduler.close()
    await this.replays.close()
    await Promise.all([...this.dispatchers.values()].map(d => d.close()))
    this.dispatchers.clear()
    await this.catalog.persist()
  }

  /** Creates the bus's topic and starts its delivery. */
  async startBus (bus: BusDefinition): Promise<void> {
    await this.storage.ensureTopic(busTopic(bus.name))
    if (this.dispatchers.has(bus.name)) return
    const dispatcher = new BusDispatcher({
      busName: bus.name,
      stateDir: join(this.stateDir, 'delivery'),
      storage: this.storage,
      deliverer: this.deliverer,
      routing: this.routing(bus.name),
      backoff: {
        baseDelayMs: this.options.retryBaseDelayMs ?? envNumber('TRIBUTARY_BUS_RETRY_BASE_MS') ?? 1000,
        maxDelayMs: this.options.retryMaxDelayMs ?? envNumber('TRIBUTARY_BUS_RETRY_MAX_MS') ?? 300_000,
      },
      concurrency: this.options.deliveryConcurrency ?? 64,
      defaultPartitions: this.options.defaultPartitions ?? 1,
      logger: this.logger,
      observer: this.options.observer,
      onDelivered: outcome => {
        if (outcome === 'delivered') this.stats.delivered++
        else if (outcome === 'failed') this.stats.failedAttempts++
        else if (outcome === 'dead-lettered') this.stats.deadLettered++
        else this.stats.dropped++
      },
    })
    this.dispatchers.set(bus.name, dispatcher)
    await dispatcher.start()
  }

  /** Stops delivery and removes the bus's topic and delivery state. */
  async stopBus (busName: string): Promise<void> {
    const dispatcher = this.dispatchers.get(busName)
    this.dispatchers.delete(busName)
    if (dispatcher) {
      await dispatcher.close()
      await removeFile(dispatcher.statePath)
    }
    this.ruleMatchers.delete(busName)
    await this.storage.deleteTopic(busTopic(busName))
  }

  dispatcher (busName: string): BusDispatcher | undefined {
    return this.dispatchers.get(busName)
  }

  /** Appends records to a bus topic; resolves once they are fsynced. */
  async appendEvents (busName: string, records: Array<{ key: string, value: string, headers?: Array<{ key: string, value: string }> }>): Promise<void> {
    if (records.length === 0) return
    await this.storage.append(busTopic(busName), records)
  }

  /** Keeps the bus's matcher and the scheduler in step with a rule's definition. */
  ruleChanged (rule: RuleDefinition): void {
    const matcher = this.matcherOf(rule.busName)
    matcher.remove(rule.name)
    if (rule.eventPattern !== undefined) matcher.add(rule.name, parsePattern(rule.eventPattern))
    this.scheduler.update(ruleKey(rule.busName, rule.name), rule)
  }

  ruleDeleted (rule: RuleDefinition): void {
    this.ruleMatchers.get(rule.busName)?.remove(rule.name)
    this.scheduler.remove(ruleKey(rule.busName, rule.name))
  }

  archiveChanged (archive: ArchiveDefinition): void {
    this.archiveDeleted(archive)
    let routing = this.archiveRouting.get(archive.sourceBusName)
    if (!routing) this.archiveRouting.set(archive.sourceBusName, routing = { matcher: new RuleMatcher<string>(), unfiltered: new Set() })
    if (archive.state !== 'ENABLED') return
    if (archive.eventPattern === undefined) routing.unfiltered.add(archive.name)
    else routing.matcher.add(archive.name, parsePattern(archive.eventPattern))
  }

  archiveDeleted (archive: ArchiveDefinition): void {
    const routing = this.archiveRouting.get(archive.sourceBusName)
    routing?.matcher.remove(archive.name)
    routing?.unfiltered.delete(archive.name)
  }

  archiveTopicConfigs (archive: ArchiveDefinition): Record<string, string> {
    return archiveTopicConfigs(archive)
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
