// The broker: the log engine, the coordinators and the Kafka listener, wired
// together once. Handlers reach the components through BrokerServices.
import { join } from 'node:path'
import type { BrokerConfig } from '../config.js'
import type { Logger } from '../logger.js'
import { LogManager, realFs } from '../log/index.js'
import type { FileSystem } from '../log/fs.js'
import { systemClock, type Clock } from './groups/clock.js'
import { KafkaServer } from './server.js'
import type { BrokerServices } from './services.js'
import { allHandlers } from './handlers/index.js'
import { createTxnCoordinator } from './txn/index.js'
import { createGroupCoordinator } from './groups/index.js'
import { applyDynamicConfigs } from './handlers/config-dynamic.js'

/** What the embedded broker (src/sdk) swaps in: an in-memory file system, a clock tests drive. */
export interface BrokerOptions {
  fs?: FileSystem
  clock?: Clock
}

export class Broker {
  log!: LogManager
  services!: BrokerServices
  port = 0
  private server: KafkaServer | null = null
  private retentionTimer: unknown = null
  readonly fs: FileSystem
  readonly clock: Clock

  constructor (readonly config: BrokerConfig, readonly logger: Logger, options: BrokerOptions = {}) {
    this.fs = options.fs ?? realFs
    this.clock = options.clock ?? systemClock()
  }

  async start (): Promise<void> {
    const config = this.config
    config.clusterId = await this.loadClusterId()
    const opened = Date.now()
    this.log = await LogManager.open(config.dataDir, {
      fs: this.fs,
      now: this.clock.now,
      defaults: config.topicDefaults,
      fsyncOnAcksAll: config.flushPolicy === 'acks',
      producerIdExpirationMs: config.producerIdExpirationMs,
      maxDecompressedBatchBytes: config.maxDecompressedBatchBytes,
      flushIntervalMs: config.flushPolicy === 'interval' ? config.flushIntervalMs : undefined,
      logCleanerIntervalMs: config.logCleanerIntervalMs,
      onCleanerError: (err, topic, partition) => this.logger.warn({ err, topic, partition }, 'log cleaner failed on a partition')
    })
    this.logger.info({ topics: this.log.topics().length, ms: Date.now() - opened }, 'log opened')
    // settings changed at runtime through AlterConfigs, kept in the data directory
    applyDynamicConfigs(config, this.log)
    const handlers = new Map(allHandlers.map(h => [h.api.apiKey, h]))
    this.services = {
      config,
      log: this.log,
      groups: null,
      handlers,
      fs: this.fs,
      clock: this.clock,
      logger: this.logger
    }
    this.services.groups = await createGroupCoordinator(this.services)
    this.services.txns = await createTxnCoordinator(this.services)
    this.server = new KafkaServer(this.services, this.logger)
    this.port = await this.server.listen(config.host, config.kafkaPort)
    config.kafkaPort = this.port
    this.scheduleRetention()
  }

  /** One pass per retentionCheckIntervalMs on the broker's clock; the pass's promise lets a test clock await it. */
  private scheduleRetention (): void {
    this.retentionTimer = this.clock.setTimer(this.config.retentionCheckIntervalMs, () => {
      this.scheduleRetention()
      return this.log.enforceRetention(this.clock.now()).catch((err: Error) => this.logger.error({ err }, 'retention failed'))
    })
    ;(this.retentionTimer as { unref?: () => void }).unref?.()
  }

  /** Drops every client connection (clients reconnect); for tests. */
  disconnectAll (): void { this.server?.disconnectAll() }

  async stop (): Promise<void> {
    if (this.retentionTimer !== null) this.clock.clearTimer(this.retentionTimer)
    await this.server?.close()
    await this.services?.txns?.close?.()
    await this.services?.groups?.close?.()
    await this.log?.close()
  }

  /** The cluster id is chosen once per data directory, as Kafka's meta.properties keeps it. */
  private async loadClusterId (): Promise<string> {
    const file = join(this.config.dataDir, 'meta.json')
    const raw = await this.fs.readFile(file)
    if (raw !== null) return (JSON.parse(raw.toString('utf8')) as { clusterId: string }).clusterId
    await this.fs.mkdir(this.config.dataDir)
    await this.fs.writeFileAtomic(file, JSON.stringify({ clusterId: this.config.clusterId, nodeId: this.config.nodeId }) + '\n')
    return this.config.clusterId
  }
}
