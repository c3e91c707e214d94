// Kafka's dynamic broker configs (KIP-226): the broker settings AlterConfigs and
// IncrementalAlterConfigs may change at runtime on a BROKER resource, either for
// this broker (resource name = its node id; source DYNAMIC_BROKER_CONFIG) or as
// the cluster-wide default (resource name ""; DYNAMIC_DEFAULT_BROKER_CONFIG).
// Precedence, highest first: per broker, cluster default, the config file
// (STATIC_BROKER_CONFIG), built in (DEFAULT_CONFIG).
//
// Which names are dynamic follows Kafka's DynamicBrokerConfig.AllDynamicConfigs:
// the broker names of topic defaults (message.max.bytes, log.retention.ms, ...),
// the log cleaner's, thread pools', listener/SSL/SASL and connection-quota
// settings, metric.reporters. Kafka's refusals keep Kafka's messages:
//   - a known static setting: "Cannot update these configs dynamically: Set(...)";
//   - an SSL keystore/truststore setting without a listener prefix: "These
//     security configs can be dynamically updated only per-listener using the
//     listener prefix: Set(...)";
//   - a per-broker setting (listeners, SSL, SASL, listener.name.*) on the
//     default resource: "Cannot update these configs at default cluster level,
//     broker id must be specified: Set(...)";
//   - a value of the wrong type: "Invalid value x for configuration y: ...".
// Names Kafka does not know are stored as given, as Kafka stores custom
// (plugin) configs.
//
// What Tributary acts on: the topic defaults. A dynamic message.max.bytes
// becomes every topic's max.message.bytes unless the topic overrides it, and
// likewise for each topic config's broker synonym (log.retention.ms, ...).
// The rest (threads, cleaner buffers, SASL) is stored and described only: the
// components they tune do not exist here, or have no knob.
//
// Stored in <dataDir>/dynamic-broker-configs.json, written atomically and
// fsynced before the request is answered; loaded and applied at broker start.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { realFs } from '../../log/fs.js'
import type { LogManager } from '../../log/index.js'
import type { BrokerConfig } from '../../config.js'
import { ConfigType, TOPIC_CONFIG_INFO } from './config-catalog.js'

export type DynamicLevel = 'broker' | 'default'
export interface DynamicBrokerConfigs { broker: Record<string, string>, default: Record<string, string> }

const FILE = 'dynamic-broker-configs.json'
const T = ConfigType

/** Broker name -> topic config it supplies the default of (Kafka's LogConfig.TopicConfigSynonyms). */
export const TOPIC_DEFAULT_OF: ReadonlyMap<string, string> = new Map(
  Object.entries(TOPIC_CONFIG_INFO).flatMap(([topicName, info]) => info.brokerSynonym === undefined ? [] : [[info.brokerSynonym, topicName] as [string, string]]))

const SSL_STORE_CONFIGS = ['ssl.keystore.type', 'ssl.keystore.location', 'ssl.keystore.password', 'ssl.key.password', 'ssl.truststore.type',
  'ssl.truststore.location', 'ssl.truststore.password', 'ssl.keystore.key', 'ssl.keystore.certificate.chain', 'ssl.truststore.certificates']

/** Per-broker only (Kafka's PerBrokerConfigs): listener, SSL and SASL settings, with their types. */
const LISTENER_CONFIGS: Record<string, number> = {
  'advertised.listeners': T.STRING,
  listeners: T.STRING,
  'listener.security.protocol.map': T.STRING,
  'principal.builder.class': T.CLASS,
  'ssl.protocol': T.STRING,
  'ssl.provider': T.STRING,
  'ssl.cipher.suites': T.LIST,
  'ssl.enabled.protocols': T.LIST,
  'ssl.keymanager.algorithm': T.STRING,
  'ssl.trustmanager.algorithm': T.STRING,
  'ssl.endpoint.identification.algorithm': T.STRING,
  'ssl.secure.random.implementation': T.STRING,
  'ssl.client.auth': T.STRING,
  'sasl.mechanism.inter.broker.protocol': T.STRING,
  'sasl.jaas.config': T.PASSWORD,
  'sasl.enabled.mechanisms': T.LIST,
  'sasl.kerberos.service.name': T.STRING,
  'sasl.kerberos.kinit.cmd': T.STRING,
  'sasl.kerberos.ticket.renew.window.factor': T.DOUBLE,
  'sasl.kerberos.ticket.renew.jitter': T.DOUBLE,
  'sasl.kerberos.min.time.before.relogin': T.LONG,
  'sasl.kerberos.principal.to.local.rules': T.LIST,
  'sasl.login.refresh.window.factor': T.DOUBLE,
  'sasl.login.refresh.window.jitter': T.DOUBLE,
  'sasl.login.refresh.min.period.seconds': T.SHORT,
  'sasl.login.refresh.buffer.seconds': T.SHORT,
  ...Object.fromEntries(SSL_STORE_CONFIGS.map(name => [name, /password/.test(name) ? T.PASSWORD : T.STRING]))
}

/** Dynamic at either level, with their types. */
const CLUSTER_WIDE_CONFIGS: Record<string, number> = {
  'log.cleaner.threads': T.INT,
  'log.cleaner.io.max.bytes.per.second': T.DOUBLE,
  'log.cleaner.dedupe.buffer.size': T.LONG,
  'log.cleaner.io.buffer.size': T.INT,
  'log.cleaner.io.buffer.load.factor': T.DOUBLE,
  'log.cleaner.backoff.ms': T.LONG,
  'num.io.threads': T.INT,
  'num.network.threads': T.INT,
  'num.replica.fetchers': T.INT,
  'num.recovery.threads.per.data.dir': T.INT,
  'background.threads': T.INT,
  'metric.reporters': T.LIST,
  'max.connections': T.INT,
  'max.connection.creation.rate': T.INT,
  'max.connections.per.ip': T.INT,
  'max.connections.per.ip.overrides': T.STRING,
  ...Object.fromEntries([...TOPIC_DEFAULT_OF].map(([brokerName, topicName]) => [brokerName, TOPIC_CONFIG_INFO[topicName]!.type]))
}

/** Kafka settings that exist but only take effect at start (a sample of KafkaConfig's static ones, and all Tributary describes). */
const STATIC_CONFIGS = new Set([
  'broker.id', 'node.id', 'log.dirs', 'log.dir', 'num.partitions', 'auto.create.topics.enable', 'default.replication.factor',
  'offsets.topic.replication.factor', 'offsets.topic.num.partitions', 'transaction.state.log.replication.factor',
  'transaction.state.log.min.isr', 'transaction.state.log.num.partitions', 'delete.topic.enable', 'socket.request.max.bytes',
  'group.initial.rebalance.delay.ms', 'offsets.retention.minutes', 'log.retention.check.interval.ms', 'zookeeper.connect',
  'process.roles', 'controller.quorum.voters', 'controller.listener.names', 'inter.broker.listener.name',
  'security.inter.broker.protocol', 'broker.rack', 'group.min.session.timeout.ms', 'group.max.session.timeout.ms',
  'transaction.max.timeout.ms', 'transactional.id.expiration.ms', 'auto.leader.rebalance.enable', 'log.message.format.version',
  'socket.send.buffer.bytes', 'socket.receive.buffer.bytes', 'queued.max.requests', 'replica.lag.time.max.ms'
])

const LISTENER_PREFIX = /^listener\.name\.[^.]*\.(.*)$/

/** The config type of a dynamic setting (for a listener-prefixed one, of its base name); undefined if not dynamic. */
export function dynamicConfigType (name: string): number | undefined {
  const base = LISTENER_PREFIX.exec(name)?.[1] ?? name
  return CLUSTER_WIDE_CONFIGS[base] ?? LISTENER_CONFIGS[base]
}

function scalaSet (names: string[]): string {
  return `Set(${names.join(', ')})`
}

/** Kafka's refusal of a whole resource's new dynamic settings, or null if they may be stored. */
export function dynamicConfigsProblem (configs: Record<string, string>, level: DynamicLevel): string | null {
  const names = Object.keys(configs)
  const nonDynamic = names.filter(n => STATIC_CONFIGS.has(n))
  if (nonDynamic.length > 0) return `Cannot update these configs dynamically: ${scalaSet(nonDynamic)}`
  const unprefixed = names.filter(n => SSL_STORE_CONFIGS.includes(n))
  if (unprefixed.length > 0) return `These security configs can be dynamically updated only per-listener using the listener prefix: ${scalaSet(unprefixed)}`
  for (const name of names) {
    const problem = typeProblem(name, configs[name]!)
    if (problem !== null) return problem
  }
  if (level === 'default') {
    const perBroker = names.filter(n => LISTENER_PREFIX.test(n) || Object.hasOwn(LISTENER_CONFIGS, n))
    if (perBroker.length > 0) return `Cannot update these configs at default cluster level, broker id must be specified: ${scalaSet(perBroker)}`
  }
  return null
}

function typeProblem (name: string, value: string): string | null {
  const type = dynamicConfigType(name)
  const v = value.trim()
  const bad = (what: string): string => `Invalid value ${value} for configuration ${name}: ${what}`
  switch (type) {
    case T.INT: case T.SHORT: case T.LONG:
      if (!/^-?\d+$/.test(v)) return bad(`Not a number of type ${type === T.LONG ? 'LONG' : type === T.SHORT ? 'SHORT' : 'INT'}`)
      if (type !== T.LONG && Math.abs(Number(v)) > 2147483647) return bad('Not a number of type INT')
      break
    case T.DOUBLE:
      if (v === '' || !Number.isFinite(Number(v))) return bad('Not a number of type DOUBLE')
      break
    case T.BOOLEAN:
      if (v !== 'true' && v !== 'false') return bad('Expected value to be either true or false')
      break
  }
  if (name.startsWith('num.') || name === 'background.threads' || name === 'log.cleaner.threads') {
    if (Number(v) < 1) return bad('Value must be at least 1')
  }
  return null
}

const loaded = new WeakMap<BrokerConfig, DynamicBrokerConfigs>()

/** This broker's dynamic settings (read from its data directory the first time). */
export function dynamicConfigs (config: BrokerConfig): DynamicBrokerConfigs {
  let configs = loaded.get(config)
  if (configs === undefined) {
    configs = { broker: {}, default: {} }
    try {
      const saved = JSON.parse(readFileSync(join(config.dataDir, FILE), 'utf8')) as Partial<DynamicBrokerConfigs>
      configs = { broker: { ...saved.broker }, default: { ...saved.default } }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    loaded.set(config, configs)
  }
  return configs
}

/** The topic defaults the dynamic settings supply, under topic config names (per broker over cluster default). */
export function dynamicTopicDefaults (configs: DynamicBrokerConfigs): Record<string, string> {
  const out: Record<string, string> = {}
  for (const level of [configs.default, configs.broker]) {
    for (const [name, value] of Object.entries(level)) {
      const topicName = TOPIC_DEFAULT_OF.get(name)
      if (topicName !== undefined) out[topicName] = value
    }
  }
  return out
}

/**
 * Replaces one level's dynamic settings: checks what the log makes of them,
 * stores them durably, then applies them. Throws (a TributaryError for a topic
 * default the log refuses) and changes nothing on failure.
 */
export async function storeDynamicConfigs (config: BrokerConfig, log: LogManager, level: DynamicLevel, next: Record<string, string>): Promise<void> {
  const current = dynamicConfigs(config)
  const updated: DynamicBrokerConfigs = { ...current, [level]: { ...next } }
  const topicDefaults = dynamicTopicDefaults(updated)
  log.setDynamicDefaults(topicDefaults)
  try {
    await realFs.writeFileAtomic(join(config.dataDir, FILE), JSON.stringify(updated))
  } catch (err) {
    log.setDynamicDefaults(dynamicTopicDefaults(current))
    throw err
  }
  loaded.set(config, updated)
}

/** At broker start: applies the stored settings to the log. */
export function applyDynamicConfigs (config: BrokerConfig, log: LogManager): void {
  log.setDynamicDefaults(dynamicTopicDefaults(dynamicConfigs(config)))
}
