// The composition root: the one place that builds Tributary's components and
// hands each what it needs. One process, one data directory, three faces over
// one storage engine: the Kafka listener, the EventBridge bus and the HTTP face.
//
// Start order: the metrics registry (everything reports into it), the log
// (opens and recovers first), the group and transaction coordinators, the Kafka
// listener, the bus, then the HTTP face; /health answers 200 only once every
// face serves. stop() closes in the reverse order, so the log closes last: it
// flushes, fsyncs and writes the clean-shutdown marker. A start that fails
// half-way closes what it had opened.
import { join } from 'node:path'
import type { BrokerConfig } from './config.js'
import type { Logger } from './logger.js'
import { LogManager, realFs, type FileSystem } from './log/index.js'
import { GroupCoordinator } from './broker/groups/index.js'
import { TransactionCoordinator } from './broker/txn/index.js'
import { Broker } from './broker/broker.js'
import { systemClock, type Clock } from './broker/groups/clock.js'
import { allHandlers } from './broker/handlers/index.js'
import { tailCachePool } from './broker/read-pool.js'
import { AccessControl } from './broker/acl/index.js'
import { authorizeHandlers } from './broker/acl/enforce.js'
import { applyDynamicConfigs } from './broker/handlers/config-dynamic.js'
import { EventBus } from './bus/index.js'
import { HttpFace } from './http/server.js'
import { ConsoleHistory, TraceRing } from './http/console/index.js'
import { Metrics } from './metrics/index.js'
import { packageVersion } from './version.js'
import { TributaryError, TributaryErrorCode } from './errors.js'
import { CredentialStore } from './security/credential-store.js'

/** What an embedding may replace; every field is optional and defaults to the real thing. */
export interface TributaryOptions {
  /** The file system the log writes through (default: the real disk). */
  fs?: FileSystem
  /**
   * The clock of the log, the coordinators and retention (default the wall
   * clock); the embedded broker passes one a test can move forward.
   */
  clock?: Clock
  /** prom-client's process metrics on /metrics (default true). */
  processMetrics?: boolean
}

/** The running components, for embedding and tests. */
export interface Components {
  log: LogManager
  groups: GroupCoordinator
  txns: TransactionCoordinator
  access: AccessControl
  broker: Broker
  bus: EventBus
  http: HttpFace
}

export class Tributary {
  readonly metrics: Metrics
  private running: Components | null = null
  /** What start() opened, closed in reverse by stop(). */
  private readonly closers: Array<{ component: string, close: () => Promise<void> }> = []

  constructor (readonly config: BrokerConfig, readonly logger: Logger, private readonly options: TributaryOptions = {}) {
    this.metrics = new Metrics({ processMetrics: options.processMetrics })
  }

  get components (): Components {
    if (this.running === null) throw new TributaryError(TributaryErrorCode.NOT_STARTED, 'Tributary is not running')
    return this.running
  }

  async start (): Promise<void> {
    try {
      await this.open()
    } catch (err) {
      await this.closeOpened()
      throw err
    }
  }

  private async open (): Promise<void> {
    const { config, logger, metrics } = this
    const started = Date.now()
    // the start broken down (ms per step, on the ready line): where a slow start goes
    const phases: Record<string, number> = {}
    let last = performance.now()
    const phase = (name: string): void => { const t = performance.now(); phases[name] = Math.round(t - last); last = t }
    const clock = this.options.clock ?? systemClock()
    const now = clock.now
    const fs = metrics.timedFs(this.options.fs ?? realFs)
    await fs.mkdir(config.dataDir)
    config.clusterId = await loadClusterId(fs, config)

    const kafkaLogger = logger.child({ face: 'kafka' })
    const log = await LogManager.open(config.dataDir, {
      fs,
      now,
      defaults: config.topicDefaults,
      fsyncOnAcksAll: config.flushPolicy === 'acks',
      producerIdExpirationMs: config.producerIdExpirationMs,
      maxDecompressedBatchBytes: config.maxDecompressedBatchBytes,
      fetchTailCacheBytes: config.fetchTailCacheBytes,
      tailCachePool,
      recoveryCheckpointIntervalMs: config.recoveryCheckpointIntervalMs,
      flushIntervalMs: config.flushPolicy === 'interval' ? config.flushIntervalMs : undefined,
      logCleanerIntervalMs: config.logCleanerIntervalMs,
      onCleanerError: (err, topic, partition) => kafkaLogger.warn({ err, topic, partition }, 'log cleaner failed on a partition'),
      logger: kafkaLogger.child({ part: 'log' }),
    })
    this.closers.push({ component: 'log', close: () => log.close() })
    phase('log')
    kafkaLogger.info({ topics: log.topics().length, cleanShutdown: log.wasCleanShutdown, partitionsOpened: log.partitionsOpenedAtStart, ms: Date.now() - started }, 'log opened')
    // settings changed at runtime through AlterConfigs, kept in the data directory
    applyDynamicConfigs(config, log)

    const groups = new GroupCoordinator({
      dataDir: config.dataDir,
      nodeId: config.nodeId,
      now,
      advertised: () => ({ host: config.advertisedHost !== '' ? config.advertisedHost : config.host, port: config.kafkaPort }),
      initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
      offsetsRetentionMs: config.offsetsRetentionMs,
      offsetsRetentionCheckIntervalMs: config.offsetsRetentionCheckIntervalMs,
      minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
      topicPartitionExists: (topic, partition) => log.partition(topic, partition) !== undefined,
      onRebalance: metrics.onRebalance,
      clock,
      fs,
      logger: kafkaLogger.child({ part: 'groups' })
    })
    await groups.open()
    this.closers.push({ component: 'groups', close: () => groups.close() })
    phase('groups')

    const txns = new TransactionCoordinator({
      dir: join(config.dataDir, '__transactions'),
      log,
      groups: () => groups,
      clock,
      fs,
      maxTimeoutMs: config.transactionMaxTimeoutMs,
      transactionalIdExpirationMs: config.transactionalIdExpirationMs,
      checkIntervalMs: config.transactionAbortCheckIntervalMs,
      logger: kafkaLogger.child({ part: 'txns' })
    })
    await txns.open()
    this.closers.push({ component: 'txns', close: () => txns.close() })

    // SASL users: config users are hashed now; the clear passwords are dropped from the config
    const credentials = CredentialStore.inDataDir(config.dataDir, fs)
    await credentials.open()
    this.closers.push({ component: 'credentials', close: () => credentials.close() })
    await credentials.applyConfigUsers(config.users, config.scramIterations)
    config.users = config.users.map(u => ({ ...u, password: '' }))

    const access = await AccessControl.open(config, { fs, logger: kafkaLogger.child({ part: 'acl' }) })
    this.closers.push({ component: 'acl', close: () => access.close() })
    phase('txnsAndSecurity')

    // authorization inside the metrics wrapper, so refusals are counted as the errors they answer
    const handlers = metrics.requests.instrument(authorizeHandlers(allHandlers, access.authorizer), kafkaLogger)
    const broker = new Broker({ config, log, groups, txns, access, handlers, logger: kafkaLogger, clock, credentials })
    await broker.listen()
    this.closers.push({ component: 'broker', close: () => broker.close() })
    phase('kafkaListener')
    metrics.watch({ log, groups, now, connections: () => broker.activeConnections })
    // the console's 15-minute history and event traces (the trace ring passes every call on to the metrics)
    const history = new ConsoleHistory({ requests: metrics.requests, log, groups, connections: () => broker.activeConnections })
    const trace = new TraceRing(metrics.bus)

    const httpLogger = logger.child({ face: 'http' })
    const bus = new EventBus({
      dataDir: config.dataDir,
      log,
      accountId: config.accountId,
      region: config.region,
      maxEntryBytes: config.busMaxPutEventsBytes,
      maxPendingRetryBytes: config.busMaxPendingRetryBytes,
      observer: trace,
      clock,
      fs,
      logger: httpLogger.child({ part: 'bus' })
    })
    await bus.open()
    this.closers.push({ component: 'bus', close: () => bus.close() })
    phase('bus')

    const http = new HttpFace({
      config,
      logger: httpLogger,
      bus,
      metrics,
      log,
      // uptime from this start, not the process's: an embedded broker may start long after its host process
      status: () => ({ version: packageVersion, uptimeSeconds: Math.floor((Date.now() - started) / 1000), kafkaPort: broker.port, topics: log.topics().length }),
      access: { credentials, authorizer: access.authorizer },
      console: { history, trace, kafkaAddress: () => ({ host: config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host, port: broker.port }) }
    })
    phase('httpRoutes')
    const httpPort = await http.listen()
    this.closers.push({ component: 'http', close: () => http.close() })
    this.running = { log, groups, txns, access, broker, bus, http }
    http.ready = true
    logger.info({
      kafka: `${config.host}:${broker.port}`,
      http: `${config.http.tls !== undefined ? 'https' : 'http'}://${config.host}:${httpPort}`,
      dataDir: config.dataDir,
      ms: Date.now() - started,
      phases: { ...phases, httpListen: Math.round(performance.now() - last) },
      // since the process started: node's own start and module loading are the difference from ms
      processMs: Math.round(performance.now()),
    }, 'Tributary is ready')
  }

  async stop (): Promise<void> {
    if (this.running !== null) this.running.http.ready = false
    this.running = null
    await this.closeOpened()
  }

  /** Closes everything opened, newest first; one failure does not leave the rest open. */
  private async closeOpened (): Promise<void> {
    let failure: unknown = null
    for (let opened = this.closers.pop(); opened !== undefined; opened = this.closers.pop()) {
      try {
        await opened.close()
      } catch (err) {
        this.logger.error({ err, component: opened.component }, 'a component failed to close')
        failure ??= err
      }
    }
    if (failure !== null) throw failure
  }
}

/** The cluster id is chosen once per data directory, as Kafka's meta.properties keeps it. */
async function loadClusterId (fs: FileSystem, config: BrokerConfig): Promise<string> {
  const file = join(config.dataDir, 'meta.json')
  const saved = await fs.readFile(file)
  if (saved !== null) return (JSON.parse(saved.toString('utf8')) as { clusterId: string }).clusterId
  await fs.writeFileAtomic(file, JSON.stringify({ clusterId: config.clusterId, nodeId: config.nodeId }) + '\n')
  return config.clusterId
}
