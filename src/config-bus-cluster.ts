// The settings of a bus worker (`tributary bus --kafka`, src/bus/cluster): the
// cluster it runs on, how it names its topics and groups, how it partitions
// events, how it authenticates. They are ordinary config keys (file, TRIBUTARY_*
// environment, flags), checked here so a bad value stops the start with a
// message naming the key. `host` and `httpPort` (where the bus API listens) and
// `logLevel` are the keys every process shares.
import { parsePartitionKey } from './bus/partition-key.js'
import { parseBrokerList } from './client/client.js'
import { SASL_MECHANISMS, type SaslMechanism } from './config-security.js'

/** SASL credentials the worker authenticates to the cluster with. */
export interface BusKafkaSasl {
  mechanism: SaslMechanism
  username: string
  password: string
}

/** TLS to the cluster; present (even `{}`) means every connection is TLS. */
export interface BusKafkaTls {
  /** PEM CA bundle the brokers' certificates are checked against (default: the system's CAs). */
  caFile?: string
  /** PEM client certificate and key, for a cluster that requires one (ssl.client.auth=required). */
  certFile?: string
  keyFile?: string
  /** Name the brokers' certificates must carry when it is not the host connected to. */
  servername?: string
}

export interface BusClusterConfig {
  /** Bootstrap servers of the cluster ("host:port,host:port"); empty: not a bus worker. */
  busKafka: string
  /** Prefix of every topic the workers use. */
  busTopicPrefix: string
  /** Prefix of every consumer group id the workers use; empty: the topic prefix. */
  busGroupPrefix: string
  /** Partitions of each bus topic the workers create: the most workers one bus's delivery spreads over. */
  busPartitions: number
  /** What bus events are partitioned by: source, detail-type, account or a JSONPath into the event. */
  busPartitionKey: string
  /** Consumer group session timeout: how soon a dead or stalled worker's partitions move. */
  busSessionTimeoutMs: number
  /** First retry delay of a failed delivery (doubling per retry). */
  busRetryBaseMs: number
  /** Longest retry delay. */
  busRetryMaxMs: number
  busKafkaSasl: BusKafkaSasl | null
  busKafkaTls: BusKafkaTls | null
}

export const busClusterDefaults: BusClusterConfig = {
  busKafka: '',
  busTopicPrefix: 'tributary.',
  busGroupPrefix: '',
  busPartitions: 6,
  busPartitionKey: 'source',
  busSessionTimeoutMs: 6000,
  busRetryBaseMs: 1000,
  busRetryMaxMs: 300_000,
  busKafkaSasl: null,
  busKafkaTls: null,
}

/** JSON-valued keys (from the environment as JSON text). */
export const BUS_CLUSTER_JSON_KEYS = ['busKafkaSasl', 'busKafkaTls'] as const

/** The first problem with the bus worker's keys, as a message naming the key; null when they are fine. */
export function busClusterConfigProblem (config: BusClusterConfig): string | null {
  if (typeof config.busKafka !== 'string') return 'busKafka must be bootstrap servers "host:port,host:port"'
  if (config.busKafka !== '') {
    try { parseBrokerList(config.busKafka) } catch (err) { return `busKafka: ${(err as Error).message}` }
  }
  if (typeof config.busTopicPrefix !== 'string' || !/^[A-Za-z0-9._-]*$/.test(config.busTopicPrefix)) return `busTopicPrefix must be letters, digits, ".", "_" or "-", got ${JSON.stringify(config.busTopicPrefix)}`
  if (typeof config.busGroupPrefix !== 'string') return 'busGroupPrefix must be a string'
  if (!Number.isInteger(config.busPartitions) || config.busPartitions < 1 || config.busPartitions > 1000) return `busPartitions must be a whole number from 1 to 1000, got ${String(config.busPartitions)}`
  if (typeof config.busPartitionKey !== 'string') return 'busPartitionKey must be a string'
  try { parsePartitionKey(config.busPartitionKey) } catch (err) { return `busPartitionKey: ${(err as Error).message}` }
  for (const key of ['busSessionTimeoutMs', 'busRetryBaseMs', 'busRetryMaxMs'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) return `${key} must be a whole number of milliseconds of at least 1, got ${String(config[key])}`
  }
  if (config.busRetryMaxMs < config.busRetryBaseMs) return `busRetryMaxMs (${config.busRetryMaxMs}) must not be below busRetryBaseMs (${config.busRetryBaseMs})`
  return saslProblem(config.busKafkaSasl) ?? tlsProblem(config.busKafkaTls)
}

function saslProblem (sasl: unknown): string | null {
  if (sasl === null) return null
  if (typeof sasl !== 'object' || Array.isArray(sasl)) return 'busKafkaSasl must be an object {"mechanism","username","password"}'
  const object = sasl as Record<string, unknown>
  const unknown = Object.keys(object).find(k => !['mechanism', 'username', 'password'].includes(k))
  if (unknown !== undefined) return `unknown option "${unknown}" in busKafkaSasl (known: mechanism, username, password)`
  if (!(SASL_MECHANISMS as readonly unknown[]).includes(object.mechanism)) return `busKafkaSasl.mechanism must be one of ${SASL_MECHANISMS.join(', ')}, got ${JSON.stringify(object.mechanism)}`
  for (const key of ['username', 'password']) {
    if (typeof object[key] !== 'string' || object[key] === '') return `busKafkaSasl.${key} must be a non-empty string`
  }
  return null
}

function tlsProblem (tls: unknown): string | null {
  if (tls === null) return null
  if (typeof tls !== 'object' || Array.isArray(tls)) return 'busKafkaTls must be an object ({} for TLS with the system CAs)'
  const object = tls as Record<string, unknown>
  const known = ['caFile', 'certFile', 'keyFile', 'servername']
  const unknown = Object.keys(object).find(k => !known.includes(k))
  if (unknown !== undefined) return `unknown option "${unknown}" in busKafkaTls (known: ${known.join(', ')})`
  for (const key of known) {
    if (object[key] !== undefined && (typeof object[key] !== 'string' || object[key] === '')) return `busKafkaTls.${key} must be a non-empty string`
  }
  if ((object.certFile === undefined) !== (object.keyFile === undefined)) return 'busKafkaTls.certFile and busKafkaTls.keyFile go together (a client certificate needs its key)'
  return null
}
