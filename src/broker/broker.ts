// The broker: the log engine, the coordinators and the Kafka listener, wired
// together once. Handlers reach the components through BrokerServices.
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import type { BrokerConfig } from '../config.js'
import type { Logger } from '../logger.js'
import { LogManager } from '../log/index.js'
import { KafkaServer } from './server.js'
import type { BrokerServices } from './services.js'
import { allHandlers } from './handlers/index.js'
import { createTxnCoordinator } from './txn/index.js'
import { createGroupCoordinator } from './groups/index.js'
import { applyDynamicConfigs } from './handlers/config-dynamic.js'

export class Broker {
  log!: LogManager
  services!: BrokerServices
  port = 0
  private server: KafkaServer | null = null
  private retentionTimer: NodeJS.Timeout | null = null

  constructor (readonly config: BrokerConfig, readonly logger: Logger) {}

  async start (): Promise<void> {
    const config = this.config
    config.clusterId = this.loadClusterId()
    const opened = Date.now()
    this.log = await LogManager.open(config.dataDir, {
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
      logger: this.logger
    }
    this.services.groups = await createGroupCoordinator(this.services)
    this.services.txns = await createTxnCoordinator(this.services)
    this.server = new KafkaServer(this.services, this.logger)
    this.port = await this.server.listen(config.host, config.kafkaPort)
    config.kafkaPort = this.port
    this.retentionTimer = setInterval(() => {
      this.log.enforceRetention(Date.now()).catch((err: Error) => this.logger.error({ err }, 'retention failed'))
    }, config.retentionCheckIntervalMs)
    this.retentionTimer.unref()
  }

  async stop (): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer)
    await this.server?.close()
    await this.services?.txns?.close?.()
    await this.services?.groups?.close?.()
    await this.log?.close()
  }

  /** The cluster id is chosen once per data directory, as Kafka's meta.properties keeps it. */
  private loadClusterId (): string {
    const file = join(this.config.dataDir, 'meta.json')
    if (existsSync(file)) {
      const meta = JSON.parse(readFileSync(file, 'utf8')) as { clusterId: string }
      return meta.clusterId
    }
    const tmp = file + '.tmp'
    writeFileSync(tmp, JSON.stringify({ clusterId: this.config.clusterId, nodeId: this.config.nodeId }) + '\n')
    renameSync(tmp, file)
    return this.config.clusterId
  }
}
