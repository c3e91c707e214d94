// The embedded broker for test suites: `await startTributary()` runs the real
// broker, bus and HTTP face inside the calling process on free loopback ports,
// through the same composition root as `tributary start` (src/tributary.ts),
// and hands the test controls over it: faults, a clock, and views of what the
// broker holds. Memory storage (the default) keeps the log in a MemoryFs, so a
// suite of hundreds of brokers leaves nothing on disk: the log, the group and
// transaction journals and the bus's journals all write through that one seam.
import { resolve } from 'node:path'
import { pino } from 'pino'
import { defaultConfig, type BrokerConfig } from '../config.js'
import type { Logger } from '../logger.js'
import { MemoryFs } from '../log/fs-memory.js'
import { Tributary } from '../tributary.js'
import type { Broker } from '../broker/broker.js'
import type { Components } from '../tributary.js'
import type { TopicConfigs } from '../log/config.js'
import { ControllableClock, type ClockOptions } from './clock.js'
import { Faults } from './faults.js'
import { describeAllGroups, readRecords, type GroupView, type RecordsOptions, type StoredRecord } from './inspect.js'
import { loadBusDefinitions, type BusDefinitions } from './bus-definitions.js'
import { TributaryError, TributaryErrorCode } from './errors.js'

export interface TopicDefinition {
  name: string
  /** Default 1. */
  partitions?: number
  /** Kafka topic configs: { 'cleanup.policy': 'compact', 'retention.ms': '60000' }. */
  configs?: TopicConfigs
}

// `bus` here holds bus definitions to load; the broker's own `bus` option (signing credentials) keeps its default.
type BrokerSettings = Omit<BrokerConfig, 'dataDir' | 'kafkaPort' | 'httpPort' | 'bus'>

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
    readonly clock: ControllableClock
  ) {
    this.brokers = [`${app.config.advertisedHost}:${app.components.broker.port}`]
    this.busEndpoint = `http://${app.config.host}:${app.config.httpPort}`
    this.faults = new Faults(app.components.broker.services.handlers)
  }

  /** The running components (log, coordinators, broker, bus, HTTP face), for in-process SDK transports. */
  get components (): Components { return this.app.components }
  /** The running broker: its log engine, coordinators and config. */
  get broker (): Broker { return this.app.components.broker }
  get config (): Readonly<BrokerConfig> { return this.app.config }

  /** Drops every client connection now; clients see a network error and reconnect. */
  disconnectAll (): void { this.app.components.broker.disconnectAll() }

  /** The records `topic` holds, read from the log (no consumer, no committed offsets touched). */
  records (topic: string, options?: RecordsOptions): Promise<StoredRecord[]> {
    return readRecords(this.app.components.log, topic, options)
  }

  /** Every consumer group with its state, members and committed offsets. */
  groups (): GroupView[] {
    return describeAllGroups(this.app.components.groups)
  }

  /** Creates a topic as CreateTopics would (the log engine's createTopic). */
  async createTopic (topic: TopicDefinition): Promise<void> {
    await this.app.components.log.createTopic(topic.name, topic.partitions ?? 1, topic.configs ?? {})
  }

  /** Stops every face and frees the storage; safe to call twice. */
  close (): Promise<void> {
    this.closing ??= (async () => {
      this.faults.clear()
      await this.app.stop()
    })()
    return this.closing
  }

  async [Symbol.asyncDispose] (): Promise<void> { await this.close() }
}

function brokerConfig (options: StartTributaryOptions, dataDir: string): BrokerConfig {
  const { storage: _storage, topics: _topics, bus: _bus, clock: _clock, logger: _logger, ...settings } = options
  for (const key of Object.keys(settings)) {
    if (!(key in defaultConfig)) throw new TributaryError(TributaryErrorCode.EMBEDDED_OPTIONS, `unknown option "${key}"; broker options are those of src/config.ts: ${Object.keys(defaultConfig).join(', ')}`)
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
/** The data directory of memory mode: a path inside the broker's own MemoryFs, never on disk. */
export const MEMORY_DATA_DIR = '/tributary-memory'

export async function startTributary (options: StartTributaryOptions = {}): Promise<EmbeddedTributary> {
  const memory = options.storage === undefined || options.storage === 'memory'
  if (!memory && (typeof options.storage !== 'string' || options.storage === '')) {
    throw new TributaryError(TributaryErrorCode.EMBEDDED_OPTIONS, `storage must be 'memory' or a directory path, got ${JSON.stringify(options.storage)}`)
  }
  // memory mode: every durable store writes through the MemoryFs, under a path that exists only there
  const dataDir = memory ? MEMORY_DATA_DIR : resolve(options.storage as string)
  let app: Tributary | null = null
  try {
    const config = brokerConfig(options, dataDir)
    const logger = options.logger ?? pino({ level: config.logLevel })
    const clock = new ControllableClock(options.clock)
    // no process metrics: prom-client's default collectors install observers that outlive close()
    app = new Tributary(config, logger, { fs: memory ? new MemoryFs() : undefined, clock, processMetrics: false })
    await app.start()
    for (const topic of options.topics ?? []) {
      const log = app.components.log
      if (log.topic(topic.name) === undefined) await log.createTopic(topic.name, topic.partitions ?? 1, topic.configs ?? {})
    }
    if (options.bus !== undefined) await loadBusDefinitions(app.components.http.app, options.bus)
    return new EmbeddedTributary(app, dataDir, clock)
  } catch (err) {
    await app?.stop().catch(() => {})
    throw err
  }
}
