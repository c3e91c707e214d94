// How a config looks to DescribeConfigs and CreateTopics v5+: its effective
// value, where that value came from, and (when asked) the synonyms that could
// have supplied it, highest precedence first, as Kafka lists them:
//   topic override (TOPIC_CONFIG) -> dynamic, this broker (DYNAMIC_BROKER_CONFIG)
//   -> dynamic, cluster default (DYNAMIC_DEFAULT_BROKER_CONFIG) -> broker config
//   file (STATIC_BROKER_CONFIG) -> built-in default (DEFAULT_CONFIG).
// Broker settings Kafka lets you change at runtime (config-dynamic.ts) are not
// read-only; the others are.
import { TOPIC_CONFIG_DEFAULTS } from '../../log/index.js'
import { defaultConfig, type BrokerConfig } from '../../config.js'
import { ConfigSource, ConfigType, topicConfigInfo, TOPIC_CONFIG_INFO } from './config-catalog.js'
import { dynamicConfigType, type DynamicBrokerConfigs } from './config-dynamic.js'

const NO_DYNAMIC: DynamicBrokerConfigs = { broker: {}, default: {} }

export interface ConfigSynonym {
  name: string
  value: string | null
  source: number
}

export interface DescribedConfig {
  name: string
  value: string | null
  readOnly: boolean
  configSource: number
  isSensitive: boolean
  synonyms: ConfigSynonym[]
  configType: number
  documentation: string | null
}

const builtinTopicDefaults = TOPIC_CONFIG_DEFAULTS as Readonly<Record<string, string>>

/** Topic config names the log engine knows, in a stable (alphabetical) order. */
export const topicConfigNames: readonly string[] = Object.keys(builtinTopicDefaults).sort()

export function isKnownTopicConfig (name: string): boolean {
  return Object.hasOwn(builtinTopicDefaults, name)
}

/**
 * Every topic config with its effective value for a topic whose overrides are
 * `overrides` (the configs set on the topic itself).
 */
export function describeTopicConfigs (overrides: Readonly<Record<string, string>>, broker: BrokerConfig, dynamic: DynamicBrokerConfigs = NO_DYNAMIC): DescribedConfig[] {
  return topicConfigNames.map(name => describeTopicConfig(name, overrides, broker, dynamic))
}

function describeTopicConfig (name: string, overrides: Readonly<Record<string, string>>, broker: BrokerConfig, dynamic: DynamicBrokerConfigs): DescribedConfig {
  const info = topicConfigInfo(name)
  const synonyms: ConfigSynonym[] = []
  if (Object.hasOwn(overrides, name)) synonyms.push({ name, value: overrides[name]!, source: ConfigSource.TOPIC_CONFIG })
  const brokerName = info.brokerSynonym ?? name
  if (info.brokerSynonym !== undefined) synonyms.push(...dynamicSynonyms(brokerName, dynamic))
  if (Object.hasOwn(broker.topicDefaults, name)) {
    synonyms.push({ name: brokerName, value: broker.topicDefaults[name]!, source: ConfigSource.STATIC_BROKER_CONFIG })
  }
  synonyms.push({ name: brokerName, value: builtinTopicDefaults[name] ?? null, source: ConfigSource.DEFAULT_CONFIG })
  const winner = synonyms[0]!
  return {
    name,
    value: winner.value,
    readOnly: false,
    configSource: winner.source,
    isSensitive: false,
    synonyms,
    configType: info.type,
    documentation: info.doc
  }
}

/** A broker setting's dynamic values, highest precedence first. */
function dynamicSynonyms (name: string, dynamic: DynamicBrokerConfigs): ConfigSynonym[] {
  const out: ConfigSynonym[] = []
  if (Object.hasOwn(dynamic.broker, name)) out.push({ name, value: dynamic.broker[name]!, source: ConfigSource.DYNAMIC_BROKER_CONFIG })
  if (Object.hasOwn(dynamic.default, name)) out.push({ name, value: dynamic.default[name]!, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG })
  return out
}

function isSensitive (name: string): boolean {
  return dynamicConfigType(name) === ConfigType.PASSWORD
}

/** A dynamic setting with no static counterpart here (log.cleaner.threads, sasl.*, custom names). */
function describeDynamicOnly (name: string, synonyms: ConfigSynonym[]): DescribedConfig {
  return {
    name,
    value: synonyms[0]!.value,
    readOnly: false,
    configSource: synonyms[0]!.source,
    isSensitive: isSensitive(name),
    synonyms,
    configType: dynamicConfigType(name) ?? ConfigType.STRING,
    documentation: null
  }
}

/** The cluster-wide dynamic defaults (the BROKER resource named ""), as Kafka lists them: only what is set. */
export function describeDynamicDefaults (dynamic: DynamicBrokerConfigs): DescribedConfig[] {
  return Object.keys(dynamic.default).sort().map(name =>
    describeDynamicOnly(name, [{ name, value: dynamic.default[name]!, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG }]))
}

/** The broker's effective settings, as Kafka's broker resource (type 4) describes them. */
export function describeBrokerConfigs (broker: BrokerConfig, dynamic: DynamicBrokerConfigs = NO_DYNAMIC): DescribedConfig[] {
  const out: DescribedConfig[] = []
  const described = new Set<string>()
  const own = (name: string, value: string, changed: boolean, type: number, doc: string): void => {
    const source = changed ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG
    const synonyms = [...dynamicSynonyms(name, dynamic), { name, value, source }]
    const winner = synonyms[0]!
    described.add(name)
    out.push({ name, value: winner.value, readOnly: dynamicConfigType(name) === undefined, configSource: winner.source, isSensitive: false, synonyms, configType: type, documentation: doc })
  }
  const changed = (key: keyof BrokerConfig): boolean => broker[key] !== defaultConfig[key]
  const T = ConfigType
  own('node.id', String(broker.nodeId), changed('nodeId'), T.INT, 'The node id of this broker.')
  own('broker.id', String(broker.nodeId), changed('nodeId'), T.INT, 'The broker id of this broker (same as node.id).')
  own('num.partitions', String(broker.defaultPartitions), changed('defaultPartitions'), T.INT, 'Default number of partitions of a new topic.')
  own('auto.create.topics.enable', String(broker.autoCreateTopics), changed('autoCreateTopics'), T.BOOLEAN, 'Whether Metadata requests for unknown topics create them.')
  own('default.replication.factor', '1', false, T.INT, 'Replication factor of new topics (single node: 1).')
  own('offsets.topic.replication.factor', '1', false, T.SHORT, 'Replication factor of the offsets store (single node: 1).')
  own('transaction.state.log.replication.factor', '1', false, T.SHORT, 'Replication factor of the transaction state (single node: 1).')
  own('transaction.state.log.min.isr', '1', false, T.INT, 'Minimum in-sync replicas of the transaction state.')
  own('delete.topic.enable', 'true', false, T.BOOLEAN, 'Whether topics may be deleted.')
  own('socket.request.max.bytes', String(broker.maxRequestBytes), changed('maxRequestBytes'), T.INT, 'Largest request frame accepted.')
  own('log.dirs', broker.dataDir, changed('dataDir'), T.STRING, 'Directory holding the log data.')
  // configured listeners (config `listeners`) as Kafka writes them: NAME://host:port, comma-separated
  const configured = broker.listeners.length > 0
  own('listeners', configured ? broker.listeners.map(l => `${l.name}://${l.host}:${l.port}`).join(',') : `PLAINTEXT://${broker.host}:${broker.kafkaPort}`, configured || changed('host') || changed('kafkaPort'), T.LIST, 'Listeners the broker binds.')
  own('advertised.listeners', configured ? broker.listeners.map(l => `${l.name}://${l.advertisedHost ?? l.host}:${l.port}`).join(',') : `PLAINTEXT://${broker.advertisedHost}:${broker.kafkaPort}`, configured || changed('advertisedHost') || changed('kafkaPort'), T.LIST, 'Listeners clients are told to connect to.')
  if (configured) own('listener.security.protocol.map', broker.listeners.map(l => `${l.name}:${l.protocol}`).join(','), true, T.LIST, 'Security protocol of each listener.')
  own('group.initial.rebalance.delay.ms', String(broker.groupInitialRebalanceDelayMs), changed('groupInitialRebalanceDelayMs'), T.INT, 'How long the first rebalance of a new group waits for more members.')
  own('offsets.retention.minutes', String(Math.floor(broker.offsetsRetentionMs / 60000)), changed('offsetsRetentionMs'), T.INT, 'How long committed offsets of an empty group are kept.')
  own('log.retention.check.interval.ms', String(broker.retentionCheckIntervalMs), changed('retentionCheckIntervalMs'), T.LONG, 'How often retention is enforced.')
  // The topic defaults, under their broker names (log.retention.ms, message.max.bytes, ...).
  for (const topicName of topicConfigNames) {
    const info = TOPIC_CONFIG_INFO[topicName]
    if (info?.brokerSynonym === undefined) continue
    const fromFile = Object.hasOwn(broker.topicDefaults, topicName)
    const value = fromFile ? broker.topicDefaults[topicName]! : builtinTopicDefaults[topicName]!
    own(info.brokerSynonym, value, fromFile, info.type, info.doc)
  }
  const dynamicOnly = new Set([...Object.keys(dynamic.broker), ...Object.keys(dynamic.default)].filter(name => !described.has(name)))
  for (const name of [...dynamicOnly].sort()) out.push(describeDynamicOnly(name, dynamicSynonyms(name, dynamic)))
  return out
}
