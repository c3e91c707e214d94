// Broker configuration. Precedence, lowest to highest: built-in defaults, the
// --config JSON file, TRIBUTARY_* environment variables, command-line flags.
import { readFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { TributaryError, TributaryErrorCode } from './errors.js'
import { validateHttp, validateListeners, validateUsers, type HttpConfig, type ListenerConfig, type UserConfig } from './config-security.js'
import { securityConfigProblem } from './config-acl.js'
import { BUS_CLUSTER_JSON_KEYS, busClusterConfigProblem, busClusterDefaults, type BusClusterConfig } from './config-bus-cluster.js'

export type { HttpConfig, ListenerConfig, UserConfig, TlsFiles, ListenerProtocol, SaslMechanism } from './config-security.js'

/** The bus worker's keys (`tributary bus --kafka`) are in config-bus-cluster.ts. */
export interface BrokerConfig extends BusClusterConfig {
  dataDir: string
  host: string
  kafkaPort: number
  httpPort: number
  /** Host clients are told to connect to (Metadata, FindCoordinator). Defaults to host. */
  advertisedHost: string
  nodeId: number
  clusterId: string
  /** Kafka's auto.create.topics.enable. */
  autoCreateTopics: boolean
  /** Kafka's num.partitions: partitions of an auto-created topic. */
  defaultPartitions: number
  /** Largest request frame accepted (socket.request.max.bytes); larger frames close the connection. */
  maxRequestBytes: number
  /** A request frame that has started arriving must be complete within this (ms), else the connection is closed. */
  requestReadTimeoutMs: number
  /** fetch.max.bytes: most record bytes in one Fetch response (the request's maxBytes may lower it). */
  fetchMaxBytes: number
  /** Most bytes one produced compressed batch may inflate to while its records are validated. */
  maxDecompressedBatchBytes: number
  /** Most bytes of recently written batches kept in memory (all partitions together) to answer fetches at the tail; 0 turns the cache off. */
  fetchTailCacheBytes: number
  /** How often the recovery checkpoint is rewritten (when something changed): after a crash only partitions written since are recovered. */
  recoveryCheckpointIntervalMs: number
  /** max.connections: most open Kafka client connections; a new one over it is closed at once. */
  maxConnections: number
  /** max.connections.per.ip: most open Kafka client connections from one client address. */
  maxConnectionsPerIp: number
  /** Whether Kafka clients may produce into the bus's topics (bus.*, __bus*); off so only the bus writes them. */
  allowProduceToBusTopics: boolean
  /** group.initial.rebalance.delay.ms */
  groupInitialRebalanceDelayMs: number
  /** offsets.retention.minutes, in ms */
  offsetsRetentionMs: number
  /** producer.id.expiration.ms: idle idempotent producers' state is dropped after this. */
  producerIdExpirationMs: number
  /** transaction.max.timeout.ms */
  transactionMaxTimeoutMs: number
  /** transactional.id.expiration.ms */
  transactionalIdExpirationMs: number
  /** How often timed-out transactions are looked for and aborted. */
  transactionAbortCheckIntervalMs: number
  /** offsets.retention.check.interval.ms */
  offsetsRetentionCheckIntervalMs: number
  /** group.min.session.timeout.ms / group.max.session.timeout.ms */
  groupMinSessionTimeoutMs: number
  groupMaxSessionTimeoutMs: number
  /** How often retention is enforced (log.retention.check.interval.ms). */
  retentionCheckIntervalMs: number
  /** Flush policy: 'acks' fsyncs before answering acks=all (group commit); 'interval' relies on flushIntervalMs only. */
  flushPolicy: 'acks' | 'interval'
  flushIntervalMs: number
  /** Pause between log cleaner passes over compacted topics (log.cleaner.backoff.ms); 0 disables the timer. */
  logCleanerIntervalMs: number
  /** Default topic configs (Kafka names), applied to new topics. */
  topicDefaults: Record<string, string>
  /** Most bytes the entries of one PutEvents request may total, counted as EventBridge counts them (AWS: 256 KiB). */
  busMaxPutEventsBytes: number
  /** Bytes of events one bus dispatcher holds for retries (failing or slow targets) before it stops reading new events until half have drained. */
  busMaxPendingRetryBytes: number
  /** EventBridge identity. */
  accountId: string
  region: string
  logLevel: string
  /**
   * Kafka listeners (config file only). Empty: one PLAINTEXT listener named
   * PLAINTEXT on host:kafkaPort advertising advertisedHost, as before listeners existed.
   */
  listeners: ListenerConfig[]
  /** SASL users (config file only); their passwords are hashed at start and not kept. */
  users: UserConfig[]
  /** The HTTP face: `tls` makes httpPort serve HTTPS. */
  http: HttpConfig
  /** Largest request frame a client may send on a SASL listener before it has authenticated. */
  maxPreAuthRequestBytes: number
  /** A failed SASL authentication is answered after this long, then the connection is closed (Kafka's connection.failed.authentication.delay.ms). */
  saslFailureDelayMs: number
  /** PBKDF2 iterations of the credentials made from `users` at start (4096-16384; AlterUserScramCredentials carries its own). */
  scramIterations: number
  /**
   * Whether Kafka requests are checked against ACLs. null (the default) decides
   * from the listeners: on as soon as one is SASL, else off (docs/security.md).
   */
  authorization: boolean | null
  /** Principals ('User:admin') that may do everything when authorization is on. */
  superUsers: string[]
  /** ACL bindings applied at every start (src/broker/acl/acl-model.ts bindingFromConfig). */
  acls: unknown[]
  /** The bus API: with credentials, every request must be signed (AWS Signature Version 4) with one of them. */
  bus: BusConfig
}

/** IAM-style: the actions (`events:PutEvents`, `events:List*`, `events:*`) a key may call, on which resources (ARN patterns; default "*"). */
export interface BusPermission { actions: string[], resources?: string[] }
/** Without `allow`, the key may call every action. */
export interface BusCredential { accessKeyId: string, secretAccessKey: string, allow?: BusPermission[] }
export interface BusConfig {
  credentials: BusCredential[]
  /** Refuse a second use of a signed request within its 5-minute window (off: AWS accepts replays). */
  replayProtection?: boolean
  /** Most signatures remembered for replay protection; when full, new requests get ThrottlingException. */
  replayCacheEntries?: number
}

export const defaultConfig: BrokerConfig = {
  dataDir: './tributary-data',
  host: '127.0.0.1',
  kafkaPort: 9092,
  httpPort: 8080,
  advertisedHost: '',
  nodeId: 1,
  clusterId: '',
  autoCreateTopics: true,
  defaultPartitions: 1,
  maxRequestBytes: 100 * 1024 * 1024,
  requestReadTimeoutMs: 30_000,
  fetchMaxBytes: 55 * 1024 * 1024,
  maxDecompressedBatchBytes: 64 * 1024 * 1024,
  fetchTailCacheBytes: 64 * 1024 * 1024,
  recoveryCheckpointIntervalMs: 5_000,
  // Kafka's defaults are unbounded; these stay well under a default 64 Ki
  // descriptor limit while no real deployment of one broker comes near them.
  maxConnections: 10_000,
  maxConnectionsPerIp: 2_000,
  allowProduceToBusTopics: false,
  groupInitialRebalanceDelayMs: 300,
  offsetsRetentionMs: 7 * 24 * 3600 * 1000,
  offsetsRetentionCheckIntervalMs: 10 * 60 * 1000,
  producerIdExpirationMs: 24 * 3600 * 1000,
  transactionMaxTimeoutMs: 15 * 60 * 1000,
  transactionalIdExpirationMs: 7 * 24 * 3600 * 1000,
  transactionAbortCheckIntervalMs: 1000,
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 30 * 60 * 1000,
  retentionCheckIntervalMs: 5 * 60 * 1000,
  flushPolicy: 'acks',
  flushIntervalMs: 1000,
  logCleanerIntervalMs: 15_000,
  topicDefaults: {},
  busMaxPutEventsBytes: 256 * 1024,
  busMaxPendingRetryBytes: 16 * 1024 * 1024,
  accountId: '000000000000',
  region: 'us-east-1',
  logLevel: 'info',
  listeners: [],
  users: [],
  http: {},
  maxPreAuthRequestBytes: 8 * 1024,
  saslFailureDelayMs: 100,
  scramIterations: 4096,
  authorization: null,
  superUsers: [],
  acls: [],
  bus: { credentials: [] },
  ...busClusterDefaults
}

/** Flag / env names for each simple option: --kafka-port <-> TRIBUTARY_KAFKA_PORT <-> kafkaPort. */
/** Options whose values are JSON (an array or object): from the environment, given as JSON text. */
const JSON_OPTIONS = new Set<string>(['superUsers', 'acls', 'bus', ...BUS_CLUSTER_JSON_KEYS])

/**
 * Scalar options, and the JSON ones above, also come from flags and the environment; the other
 * nested options (listeners, users, http, topicDefaults) come from the config file only.
 */
export const optionNames = Object.keys(defaultConfig).filter(k => {
  const value = (defaultConfig as unknown as Record<string, unknown>)[k]
  return value === null || typeof value !== 'object' || JSON_OPTIONS.has(k)
})

export function envName (key: string): string {
  return 'TRIBUTARY_' + key.replace(/[A-Z]/g, c => '_' + c).toUpperCase()
}

function coerce (key: string, value: unknown): unknown {
  const example = (defaultConfig as unknown as Record<string, unknown>)[key]
  if (typeof value !== 'string') return value
  if (key === 'authorization') {
    if (!['true', 'false', '1', '0'].includes(value)) throw new ConfigError(`authorization must be true or false, got "${value}"`)
    return value === 'true' || value === '1'
  }
  if (JSON_OPTIONS.has(key)) {
    if (key === 'superUsers' && !value.trim().startsWith('[')) return value.split(',').map(v => v.trim()).filter(v => v !== '')
    try {
      return JSON.parse(value) as unknown
    } catch {
      throw new ConfigError(`${key} must be JSON, got "${value}"`)
    }
  }
  if (typeof example === 'number') {
    const n = Number(value)
    if (!Number.isFinite(n)) throw new ConfigError(`${key} must be a number, got "${value}"`)
    return n
  }
  if (typeof example === 'boolean') {
    if (!['true', 'false', '1', '0'].includes(value)) throw new ConfigError(`${key} must be true or false, got "${value}"`)
    return value === 'true' || value === '1'
  }
  return value
}

/** A bad config file, environment variable or flag: a TributaryError with code TRIB_ERR_CONFIG. */
export class ConfigError extends TributaryError {
  constructor (message: string) {
    super(TributaryErrorCode.CONFIG, message)
    this.name = 'ConfigError'
  }
}

export function loadConfig (flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): BrokerConfig {
  const config: Record<string, unknown> = { ...defaultConfig, topicDefaults: { ...defaultConfig.topicDefaults }, listeners: [], users: [], http: {} }
  const file = (flags.config as string | undefined) ?? env.TRIBUTARY_CONFIG
  if (file) {
    let parsed: Record<string, unknown>
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'))
    } catch (err) {
      throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`)
    }
    for (const [k, v] of Object.entries(parsed)) {
      if (!(k in defaultConfig)) throw new ConfigError(`unknown option "${k}" in ${file}`)
      config[k] = coerce(k, v)
    }
  }
  for (const key of optionNames) {
    const v = env[envName(key)]
    if (v !== undefined && v !== '') config[key] = coerce(key, v)
  }
  for (const key of optionNames) {
    if (flags[key] !== undefined) config[key] = coerce(key, flags[key])
  }
  const result = config as unknown as BrokerConfig
  if (!result.advertisedHost) result.advertisedHost = result.host === '0.0.0.0' || result.host === '::' ? '127.0.0.1' : result.host
  if (!result.clusterId) result.clusterId = 'tributary-' + randomUUID().slice(0, 8)
  for (const bound of ['maxConnections', 'maxConnectionsPerIp', 'busMaxPutEventsBytes', 'busMaxPendingRetryBytes'] as const) {
    if (!Number.isInteger(result[bound]) || result[bound] < 1) throw new ConfigError(`${bound} must be a whole number of at least 1, got ${String(result[bound])}`)
  }
  if (!Number.isInteger(result.fetchTailCacheBytes) || result.fetchTailCacheBytes < 0) throw new ConfigError(`fetchTailCacheBytes must be a whole number of bytes (0 turns the cache off), got ${String(result.fetchTailCacheBytes)}`)
  if (!Number.isInteger(result.recoveryCheckpointIntervalMs) || result.recoveryCheckpointIntervalMs < 100) throw new ConfigError(`recoveryCheckpointIntervalMs must be a whole number of milliseconds, at least 100, got ${String(result.recoveryCheckpointIntervalMs)}`)
  for (const port of ['kafkaPort', 'httpPort'] as const) {
    if (!Number.isInteger(result[port]) || result[port] < 0 || result[port] > 65535) throw new ConfigError(`${port} must be a port number`)
  }
  result.listeners = validateListeners(result.listeners)
  result.users = validateUsers(result.users)
  result.http = validateHttp(result.http)
  if (!Number.isInteger(result.scramIterations) || result.scramIterations < 4096 || result.scramIterations > 16384) throw new ConfigError('scramIterations must be an integer from 4096 (RFC 7677) to 16384')
  if (!Number.isInteger(result.maxPreAuthRequestBytes) || result.maxPreAuthRequestBytes < 512) throw new ConfigError('maxPreAuthRequestBytes must be an integer of at least 512')
  const busCluster = busClusterConfigProblem(result)
  if (busCluster !== null) throw new ConfigError(busCluster)
  const security = securityConfigProblem(result)
  if (security !== null) throw new ConfigError(security)
  return result
}
