// The broker: the Kafka listener over components the composition root
// (src/tributary.ts) built and opened. It owns the listener and the retention
// timer; closing the log and the coordinators is the root's job, in the
// reverse of the order it opened them.
import type { BrokerConfig } from '../config.js'
import type { Logger } from '../logger.js'
import type { LogManager } from '../log/index.js'
import type { GroupCoordinator } from './groups/index.js'
import type { TransactionCoordinator } from './txn/index.js'
import { systemClock, type Clock, type TimerHandle } from './groups/clock.js'
import { KafkaServer } from './server.js'
import type { BrokerServices } from './services.js'
import type { Handler } from './handlers/types.js'
import type { CredentialStore } from '../security/credential-store.js'
import { resolveListeners } from './listeners.js'
import type { AccessControl } from './acl/index.js'

export interface BrokerParts {
  config: BrokerConfig
  log: LogManager
  groups: GroupCoordinator
  txns: TransactionCoordinator
  /** ACLs for the ACL admin APIs (the handlers' checks are wrapped around them by the root). */
  access?: AccessControl
  /** The handlers to serve, one per API key (the root may wrap them, e.g. for metrics). */
  handlers: readonly Handler[]
  logger: Logger
  /** The clock retention runs on (a test clock in embedded mode); default the wall clock. */
  clock?: Clock
  /** SASL users' credentials; without it SASL handshakes are refused. */
  credentials?: CredentialStore
}

export class Broker {
  readonly services: BrokerServices
  /** Bound port of the first listener (the only one without `listeners` in the config). */
  port = 0
  /** Bound port of each listener, by name. */
  readonly ports = new Map<string, number>()
  private readonly server: KafkaServer
  private retentionTimer: TimerHandle | null = null
  private readonly clock: Clock

  constructor (parts: BrokerParts) {
    this.clock = parts.clock ?? systemClock()
    this.services = {
      config: parts.config,
      log: parts.log,
      groups: parts.groups,
      txns: parts.txns,
      access: parts.access,
      handlers: new Map(parts.handlers.map(h => [h.api.apiKey, h])),
      logger: parts.logger,
      ...(parts.credentials !== undefined ? { credentials: parts.credentials } : {})
    }
    this.server = new KafkaServer(this.services, parts.logger)
  }

  get log (): LogManager { return this.services.log }
  get activeConnections (): number { return this.server.activeConnections }

  /**
   * Opens every listener and starts the retention timer; resolves with the
   * first listener's bound port. A listener that cannot open (port taken,
   * certificate that does not load) fails the whole call, closing the others.
   */
  async listen (): Promise<number> {
    const { config, log, logger } = this.services
    const listeners = resolveListeners(config)
    const advertised = new Map<string, { host: string, port: number }>()
    try {
      for (const listener of listeners) {
        const port = await this.server.listen(listener, this.services.credentials ?? null)
        this.ports.set(listener.name, port)
        // as config.kafkaPort below: the config shows the bound port (DescribeConfigs' listeners)
        const configured = config.listeners.find(l => l.name === listener.name)
        if (configured !== undefined) configured.port = port
        if (listener.advertisedHost !== undefined) advertised.set(listener.name, { host: listener.advertisedHost, port })
        logger.info({ listener: listener.name, protocol: listener.protocol, address: `${listener.host}:${port}` }, 'Kafka listener open')
        if (listener.protocol.startsWith('SASL_') && (this.services.credentials?.users().length ?? 0) === 0) {
          logger.warn({ listener: listener.name }, 'SASL listener with no users: nobody can authenticate (add `users` to the config file)')
        }
        if (listener.protocol === 'SASL_PLAINTEXT' && listener.host !== '127.0.0.1' && listener.host !== '::1' && listener.host !== 'localhost') {
          logger.warn({ listener: listener.name }, 'SASL_PLAINTEXT off loopback: PLAIN passwords and SCRAM exchanges cross the network unencrypted; prefer SASL_SSL')
        }
      }
    } catch (err) {
      await this.server.close()
      throw err
    }
    this.services.advertisedListeners = advertised
    this.port = this.ports.values().next().value ?? 0
    config.kafkaPort = this.port
    this.scheduleRetention(log, logger, config.retentionCheckIntervalMs)
    return this.port
  }

  /** One pass per interval on the broker's clock; the pass's promise lets a test clock await it. */
  private scheduleRetention (log: LogManager, logger: Logger, intervalMs: number): void {
    this.retentionTimer = this.clock.setTimer(intervalMs, () => {
      this.scheduleRetention(log, logger, intervalMs)
      return log.enforceRetention(this.clock.now()).catch((err: Error) => logger.error({ err }, 'retention failed'))
    })
    ;(this.retentionTimer as { unref?: () => void }).unref?.()
  }

  /** Drops every client connection (clients reconnect); for tests. */
  disconnectAll (): void { this.server.disconnectAll() }

  /** Stops the listener and the retention timer; the log and coordinators stay open. */
  async close (): Promise<void> {
    if (this.retentionTimer !== null) this.clock.clearTimer(this.retentionTimer)
    this.retentionTimer = null
    await this.server.close()
  }
}
