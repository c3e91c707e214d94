// A bus worker: the EventBridge API and delivery, with all state on a Kafka
// cluster, so any number of these run side by side and any one can die. It is
// the composition root of `tributary bus --kafka`: the cluster-backed log
// engine, the two compacted state topics, the consumer-group placement, the one
// EventBus the embedded broker also runs, and an HTTP face with the bus API and /health.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { EventBus, registerBusRoutes, type SharedBusState } from '../index.js'
import { BusStorage } from '../storage.js'
import { registerHealthRoute } from '../../http/health.js'
import { KafkaLogEngine } from './kafka-log.js'
import { CompactedTopic } from './compacted-topic.js'
import { DEFINITIONS_TOPIC, DefinitionsTopic } from './definitions-topic.js'
import { DELIVERY_STATE_TOPIC, DeliveryStateTopic } from './delivery-state-topic.js'
import { GroupPlacement } from './group-placement.js'
import { RetryTopics } from './retry-topic.js'
import { GroupOffsetsState } from './group-offsets-state.js'
import { ArchiveSizes } from './archive-sizes.js'
import { SCHEDULES_TOPIC, ScheduledFirings } from './scheduled-firings.js'
import type { ClientSecurity } from '../../client/security.js'
import type { Clock } from '../clock.js'
import type { BrokerConfig, BusConfig } from '../../config.js'
import { busVerifier, busPermissions } from '../api/access.js'

export interface BusWorkerOptions {
  /** Bootstrap servers, "host:port,host:port". */
  bootstrap: string
  /** Prefix of every topic and group id the worker uses (default "tributary."). */
  topicPrefix?: string
  /** Partitions of bus topics it creates (default 6): the most workers that share one bus's delivery. */
  busPartitions?: number
  host?: string
  httpPort?: number
  logger?: Logger
  /** Consumer group session timeout: how soon a dead worker's partitions move (default 6 s). */
  sessionTimeoutMs?: number
  retryBaseDelayMs?: number
  retryMaxDelayMs?: number
  /** What the bus topics are partitioned by: source (default), detail-type, account or a JSONPath ($.detail.customerId). */
  partitionKey?: string
  /** Prefix of the consumer group ids (default: the topic prefix). */
  groupPrefix?: string
  /** SASL and TLS to the cluster. */
  security?: ClientSecurity
  /** How often archive sizes (SizeBytes) are read from the cluster (default 10 s). */
  archiveSizeRefreshMs?: number
  /** Access keys (SigV4), their permissions and replay protection, as `bus` in the config file; open without credentials. */
  busAccess?: BusConfig
  /** The bus's time (scheduled rules, retry backoff): the wall clock unless a test drives it. */
  clock?: Clock
}

/** A worker's options from the config keys (docs/configuration.md, "The bus worker"). */
export function busWorkerOptions (config: BrokerConfig, logger?: Logger): BusWorkerOptions {
  return {
    bootstrap: config.busKafka,
    topicPrefix: config.busTopicPrefix,
    groupPrefix: config.busGroupPrefix === '' ? undefined : config.busGroupPrefix,
    busPartitions: config.busPartitions,
    partitionKey: config.busPartitionKey,
    host: config.host,
    httpPort: config.httpPort,
    sessionTimeoutMs: config.busSessionTimeoutMs,
    retryBaseDelayMs: config.busRetryBaseMs,
    retryMaxDelayMs: config.busRetryMaxMs,
    security: { sasl: config.busKafkaSasl ?? undefined, tls: config.busKafkaTls ?? undefined },
    busAccess: config.bus,
    logger,
  }
}

export class BusWorker {
  readonly engine: KafkaLogEngine
  readonly bus: EventBus
  readonly placement: GroupPlacement
  readonly definitions: DefinitionsTopic
  private readonly app: FastifyInstance
  private readonly archiveSizes: ArchiveSizes
  private ready = false
  /** EventBus wants a data directory; on a cluster nothing is written to it. */
  private readonly scratchDir = mkdtempSync(join(tmpdir(), 'tributary-bus-worker-'))

  constructor (private readonly options: BusWorkerOptions) {
    const logger = options.logger
    this.engine = new KafkaLogEngine({ bootstrap: options.bootstrap, topicPrefix: options.topicPrefix, security: options.security, logger })
    const storage = new BusStorage(this.engine)
    this.definitions = new DefinitionsTopic(new CompactedTopic(this.engine, storage, DEFINITIONS_TOPIC, logger), logger)
    const legacyState = new DeliveryStateTopic(new CompactedTopic(this.engine, storage, DELIVERY_STATE_TOPIC, logger), logger)
    const deliveryState = new GroupOffsetsState(this.engine.link, legacyState, async (topic, partition) => await this.engine.endOffset(topic.slice(this.engine.prefix.length), partition), logger)
    this.placement = new GroupPlacement({
      bootstrap: options.bootstrap,
      security: options.security,
      groupPrefix: options.groupPrefix ?? this.engine.prefix,
      clusterTopic: topic => this.engine.clusterName(topic),
      state: deliveryState,
      sessionTimeoutMs: options.sessionTimeoutMs,
      logger,
    })
    const shared: SharedBusState = {
      definitions: this.definitions,
      deliveryState,
      placement: this.placement,
      busPartitions: options.busPartitions ?? 6,
      retryTopics: new RetryTopics(this.engine, storage, deliveryState, options.busPartitions ?? 6, logger, async key => await deliveryState.checkLease(key)),
      schedules: new ScheduledFirings(new CompactedTopic(this.engine, storage, SCHEDULES_TOPIC, logger), logger),
      checkLease: async key => await deliveryState.checkLease(key),
      definitionsCaughtUp: async () => await this.definitions.caughtUp(),
      followDefinitions: async bus => { this.definitions.follow(bus.catalog) },
      close: async () => { await this.definitions.close(); this.engine.close() },
    }
    this.bus = new EventBus({
      dataDir: this.scratchDir,
      log: this.engine,
      logger,
      shared,
      retryBaseDelayMs: options.retryBaseDelayMs,
      retryMaxDelayMs: options.retryMaxDelayMs,
      partitionKey: options.partitionKey,
      clock: options.clock,
    })
    this.archiveSizes = new ArchiveSizes(this.engine, options.archiveSizeRefreshMs, logger)
    this.app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 })
    registerHealthRoute(this.app, () => this.ready, () => ({ mode: 'bus-worker', kafka: options.bootstrap }))
    registerBusRoutes(this.app, this.bus, busVerifier(options.busAccess, logger), busPermissions(options.busAccess, this.bus, logger))
  }

  /** Connects (failing with the bootstrap servers named), loads the definitions, starts delivery, then serves HTTP. */
  async start (): Promise<number> {
    await this.engine.open()
    await this.bus.open()
    this.archiveSizes.start()
    await this.app.listen({ host: this.options.host ?? '127.0.0.1', port: this.options.httpPort ?? 8080 })
    this.ready = true
    const address = this.app.server.address()
    return typeof address === 'object' && address !== null ? address.port : this.options.httpPort ?? 8080
  }

  async close (): Promise<void> {
    this.ready = false
    await this.app.close()
    await this.archiveSizes.stop()
    await this.bus.close()
    rmSync(this.scratchDir, { recursive: true, force: true })
  }
}
