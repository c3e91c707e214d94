// The broker: the Kafka listener over components the composition root
// (src/tributary.ts) built and opened. It owns the listener and the retention
// timer; closing the log and the coordinators is the root's job, in the
// reverse of the order it opened them.
import type { BrokerConfig } from '../config.js'
import type { Logger } from '../logger.js'
import type { LogManager } from '../log/index.js'
import type { GroupCoordinator } from './groups/index.js'
import type { TransactionCoordinator } from './txn/index.js'
import { KafkaServer } from './server.js'
import type { BrokerServices } from './services.js'
import type { Handler } from './handlers/types.js'

export interface BrokerParts {
  config: BrokerConfig
  log: LogManager
  groups: GroupCoordinator
  txns: TransactionCoordinator
  /** The handlers to serve, one per API key (the root may wrap them, e.g. for metrics). */
  handlers: readonly Handler[]
  logger: Logger
}

export class Broker {
  readonly services: BrokerServices
  port = 0
  private readonly server: KafkaServer
  private retentionTimer: NodeJS.Timeout | null = null

  constructor (parts: BrokerParts) {
    this.services = {
      config: parts.config,
      log: parts.log,
      groups: parts.groups,
      txns: parts.txns,
      handlers: new Map(parts.handlers.map(h => [h.api.apiKey, h])),
      logger: parts.logger
    }
    this.server = new KafkaServer(this.services, parts.logger)
  }

  get log (): LogManager { return this.services.log }
  get activeConnections (): number { return this.server.activeConnections }

  /** Starts serving Kafka clients and the retention timer; resolves with the bound port. */
  async listen (): Promise<number> {
    const { config, log, logger } = this.services
    this.port = await this.server.listen(config.host, config.kafkaPort)
    config.kafkaPort = this.port
    this.retentionTimer = setInterval(() => {
      log.enforceRetention(Date.now()).catch((err: Error) => logger.error({ err }, 'retention failed'))
    }, config.retentionCheckIntervalMs)
    this.retentionTimer.unref()
    return this.port
  }

  /** Stops the listener and the retention timer; the log and coordinators stay open. */
  async close (): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer)
    this.retentionTimer = null
    await this.server.close()
  }
}
