// The embedded broker for test suites: `await startTributary()` runs the real
// broker, bus and HTTP face inside the calling process on free loopback ports,
// through the same composition root as `tributary start` (src/tributary.ts),
// and hands the test controls over it: faults, a clock, and views of what the
// broker holds. Memory storage (the default) keeps the log in a MemoryFs, so a
// suite of hundreds of brokers leaves nothing on disk.
//
// Until the group-offset, transaction and bus stores move onto the log's
// FileSystem seam, those three still write with node:fs: memory mode gives
// them a temporary directory that close() removes.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pino } from 'pino'
import { defaultConfig, type BrokerConfig } from '../config.js'
import type { Logger } from '../logger.js'
import { MemoryFs } from '../log/fs-memory.js'
import { Tributary } from '../tributary.js'
import type { Broker } from '../broker/broker.js'
import type { TopicConfigs } from '../log/config.js'
import { ControllableClock, type ClockOptions } from './clock.js'
import { Faults } from './faults.js'
import { describeAllGroups, readRecords, type GroupView, type RecordsOptions, type StoredRecord } from './inspect.js'
import { loadBusDefinitions, type BusDefinitions } from './bus-definitions.js'
import { TributaryError } from './errors.js'

export interface TopicDefinition {
  name: string
  /** Default 1. */
  partitions?: number
  /** Kafka topic configs: { 'cleanup.policy': 'compact', 'retention.ms': '60000' }. */
  configs?: TopicConfigs
}

type BrokerSettings = Omit<BrokerConfig, 'dataDir' | 'kafkaPort' | 'httpPort'>

export interface StartTributaryOptions extends Partial<BrokerSettings> {
  /** 'memory' (default): nothing is written to disk. Otherwise a data directory, kept after close(). */
  storage?: 'memory' | string
  /** Topics created before startTributary() resolves (existing ones in a reopened directory are kept). */
  topics?: TopicDefinition[]
  /** Buses, rules and targets, loaded through the bus API. */
  bus?: BusDefinitions
  /** Ports; default 0 (a free port each). */
  kafkaPort?: number
  httpPort?: number
  /** The test clock; `{ frozen: true }` makes time move only on advance(). */
  clock?: ClockOptions
  /** A pino logger; default silent (set logLevel to see the broker's logs on stdout). */
  logger?: Logger
}

/** Defaults that suit tests; every one can be overridden. */
const EMBEDDED_DEFAULTS: Partial<BrokerConfig> = {
  host: '127.0.0.1',
  // no wait for more members before the first rebalance: a test's consumer starts at once
  groupInitialRebalanceDelayMs: 0,
  logLevel: 'silent',
}

export class EmbeddedTributary implements AsyncDisposable {
  /** bootstrap servers for any Kafka client: ['127.0.0.1:port'] */
  readonly brokers: string[]
  /** EventBridge endpoint (AWS SDK `endpoint`, AWS CLI `--endpoint-url`). */
  readonly busEndpoint: string
  readonly faults: Faults
  private closing: Promise<void> | null = null

  constructor (
    private readonly app: Tributary,
    /** Where the data lives: the given directory, or in memory mode the path the in-memory log uses. */
    readonly dataDir: string,
    readonly clock: ControllableClock,
    private readonly scratchDir: string | null
  ) {
    this.brokers = [`${app.config.advertisedHost}:${app.broker.port}`]
    this.busEndpoint = `http://${app.config.host}:${app.config.httpPort}`
    this.faults = new Faults(app.broker.services.handlers)
  }

  /** The running broker: its log engine, coordinators and config, for in-process SDK transports. */
  get broker (): Broker { return this.app.broker }
  get config (): Readonly<BrokerConfig> { return this.app.config }

  /** Drops every client connection now; clients see a network error and reconnect. */
  disconnectAll (): void { this.app.broker.disconnectAll() }

  /** The records `topic` holds, read from the log (no consumer, no committed offsets touched). */
  records (topic: string, options?: RecordsOptions): Promise<StoredRecord[]> {
    return readRecords(this.app.broker.log, topic, options)
  }

  /** Every consumer group with its state, members and committed offsets. */
  groups (): GroupView[] {
    const groups = this.app.broker.services.groups
    return groups === null ? [] : describeAllGroups(groups)
  }

  /** Creates a topic as CreateTopics would (the log engine's createTopic). */
  async createTopic (topic: TopicDefinition): Promise<void> {
    await this.app.broker.log.createTopic(topic.name, topic.partitions ?? 1, topic.configs ?? {})
  }

  /** Stops every face and frees the storage; safe to call twice. */
  close (): Promise<void> {
    this.closing ??= (async () => {
      this.faults.clear()
      await this.app.stop()
      if (this.scratchDir !== null) await rm(this.scratchDir, { recursive: true, force: true })
    })()
    return this.closing
  }

  async [Symbol.asyncDispose] (): Promise<void> { await this.close() }
}

function brokerConfig (options: StartTributaryOptions, dataDir: string): BrokerConfig {
  const { storage: _storage, topics: _topics, bus: _bus, clock: _clock, logger: _logger, ...settings } = options
  for (const key of Object.keys(settings)) {
    if (!(key in defaultConfig)) throw new TributaryError('TRIB_ERR_EMBEDDED_OPTIONS', `unknown option "${key}"; broker options are those of src/config.ts: ${Object.keys(defaultConfig).join(', ')}`)
  }
  const config: BrokerConfig = {
    ...defaultConfig,
    ...EMBEDDED_DEFAULTS,
    ...settings,
    topicDefaults: { ...settings.topicDefaults },
    dataDir,
    kafkaPort: options.kafkaPort ?? 0,
    httpPort: options.httpPort ?? 0,
  } as BrokerConfig
  if (config.advertisedHost === '') config.advertisedHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  if (config.clusterId === '') config.clusterId = 'tributary-embedded'
  return config
}

/**
 * Starts a broker and an event bus in this process and resolves once both
 * serve. `await using t = await startTributary()` closes it at the end of the scope.
 */
export async function startTributary (options: StartTributaryOptions = {}): Promise<EmbeddedTributary> {
  const memory = options.storage === undefined || options.storage === 'memory'
  if (!memory && (typeof options.storage !== 'string' || options.storage === '')) {
    throw new TributaryError('TRIB_ERR_EMBEDDED_OPTIONS', `storage must be 'memory' or a directory path, got ${JSON.stringify(options.storage)}`)
  }
  // memory mode: the log lives in a MemoryFs; the stores not yet on the seam get a scratch directory
  const scratchDir = memory ? await mkdtemp(join(tmpdir(), 'tributary-embedded-')) : null
  const dataDir = scratchDir ?? resolve(options.storage as string)
  let app: Tributary | null = null
  try {
    const config = brokerConfig(options, dataDir)
    const logger = options.logger ?? pino({ level: config.logLevel })
    const clock = new ControllableClock(options.clock)
    app = new Tributary(config, logger, { fs: memory ? new MemoryFs() : undefined, clock })
    await app.start()
    for (const topic of options.topics ?? []) {
      if (app.broker.log.topic(topic.name) === undefined) await app.broker.log.createTopic(topic.name, topic.partitions ?? 1, topic.configs ?? {})
    }
    if (options.bus !== undefined) await loadBusDefinitions(app.http.app, options.bus)
    return new EmbeddedTributary(app, dataDir, clock, scratchDir)
  } catch (err) {
    await app?.stop().catch(() => {})
    if (scratchDir !== null) await rm(scratchDir, { recursive: true, force: true })
    throw err
  }
}
