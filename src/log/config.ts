// Topic configs as Kafka names them: defaults, validation and the typed view the
// log uses. Values travel as strings (that is how CreateTopics, AlterConfigs and
// DescribeConfigs carry them); `resolveTopicConfigs` parses them once.
import { TributaryError, TributaryErrorCode } from '../errors.js'

export type TopicConfigs = Record<string, string>

/** Kafka's DescribeConfigs config types. */
export const ConfigType = { BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9 } as const

const LONG_MAX = '9223372036854775807'

interface ConfigDef {
  default: string
  type: number
  validate: (v: string) => boolean
}

const isLong = (min: number) => (v: string) => /^-?\d+$/.test(v) && Number(v) >= min
const isInt = (min: number) => (v: string) => isLong(min)(v) && Number(v) <= 2147483647
const oneOf = (...allowed: string[]) => (v: string) => allowed.includes(v)
const isBool = oneOf('true', 'false')
const isRatio = (v: string) => /^\d*\.?\d+$/.test(v) && Number(v) >= 0 && Number(v) <= 1
const anything = () => true
const isCleanupPolicy = (v: string) => {
  const parts = v.split(',').map(s => s.trim())
  return parts.length > 0 && parts.every(p => p === 'delete' || p === 'compact')
}

export const TOPIC_CONFIG_DEFS: Record<string, ConfigDef> = {
  'cleanup.policy': { default: 'delete', type: ConfigType.LIST, validate: isCleanupPolicy },
  'compression.type': { default: 'producer', type: ConfigType.STRING, validate: oneOf('producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd') },
  'delete.retention.ms': { default: '86400000', type: ConfigType.LONG, validate: isLong(0) },
  'file.delete.delay.ms': { default: '60000', type: ConfigType.LONG, validate: isLong(0) },
  'flush.messages': { default: LONG_MAX, type: ConfigType.LONG, validate: isLong(1) },
  'flush.ms': { default: LONG_MAX, type: ConfigType.LONG, validate: isLong(0) },
  'index.interval.bytes': { default: '4096', type: ConfigType.INT, validate: isInt(0) },
  'max.compaction.lag.ms': { default: LONG_MAX, type: ConfigType.LONG, validate: isLong(1) },
  'max.message.bytes': { default: '1048588', type: ConfigType.INT, validate: isInt(0) },
  'message.downconversion.enable': { default: 'true', type: ConfigType.BOOLEAN, validate: isBool },
  'message.timestamp.after.max.ms': { default: LONG_MAX, type: ConfigType.LONG, validate: isLong(0) },
  'message.timestamp.before.max.ms': { default: LONG_MAX, type: ConfigType.LONG, validate: isLong(0) },
  'message.timestamp.difference.max.ms': { default: LONG_MAX, type: ConfigType.LONG, validate: isLong(0) },
  'message.timestamp.type': { default: 'CreateTime', type: ConfigType.STRING, validate: oneOf('CreateTime', 'LogAppendTime') },
  'min.cleanable.dirty.ratio': { default: '0.5', type: ConfigType.DOUBLE, validate: isRatio },
  'min.compaction.lag.ms': { default: '0', type: ConfigType.LONG, validate: isLong(0) },
  'min.insync.replicas': { default: '1', type: ConfigType.INT, validate: isInt(1) },
  preallocate: { default: 'false', type: ConfigType.BOOLEAN, validate: isBool },
  'retention.bytes': { default: '-1', type: ConfigType.LONG, validate: isLong(-1) },
  'retention.ms': { default: '604800000', type: ConfigType.LONG, validate: isLong(-1) },
  'segment.bytes': { default: '1073741824', type: ConfigType.INT, validate: isInt(14) },
  'segment.index.bytes': { default: '10485760', type: ConfigType.INT, validate: isInt(4) },
  'segment.jitter.ms': { default: '0', type: ConfigType.LONG, validate: isLong(0) },
  'segment.ms': { default: '604800000', type: ConfigType.LONG, validate: isLong(1) },
  'unclean.leader.election.enable': { default: 'false', type: ConfigType.BOOLEAN, validate: isBool },
  'leader.replication.throttled.replicas': { default: '', type: ConfigType.LIST, validate: anything },
  'follower.replication.throttled.replicas': { default: '', type: ConfigType.LIST, validate: anything },
  'local.retention.bytes': { default: '-2', type: ConfigType.LONG, validate: isLong(-2) },
  'local.retention.ms': { default: '-2', type: ConfigType.LONG, validate: isLong(-2) },
  'remote.storage.enable': { default: 'false', type: ConfigType.BOOLEAN, validate: isBool },
}

export const TOPIC_CONFIG_DEFAULTS: TopicConfigs = Object.fromEntries(
  Object.entries(TOPIC_CONFIG_DEFS).map(([k, d]) => [k, d.default]))

/** Throws INVALID_CONFIG for an unknown name or a value that does not parse. */
export function validateTopicConfigs (configs: TopicConfigs): void {
  for (const [name, value] of Object.entries(configs)) {
    const def = TOPIC_CONFIG_DEFS[name]
    if (def === undefined) throw new TributaryError(TributaryErrorCode.INVALID_CONFIG, `Unknown topic config name: ${name}`)
    if (typeof value !== 'string' || !def.validate(value.trim())) {
      throw new TributaryError(TributaryErrorCode.INVALID_CONFIG, `Invalid value ${String(value)} for configuration ${name}`)
    }
  }
}

/** The parsed configs the log engine acts on. "Forever" is Infinity. */
export interface ResolvedTopicConfig {
  retentionMs: number
  retentionBytes: number
  segmentBytes: number
  segmentMs: number
  maxMessageBytes: number
  logAppendTime: boolean
  indexIntervalBytes: number
  flushMessages: number
  flushMs: number
  cleanupPolicy: string
  /** cleanup.policy includes compact. */
  compact: boolean
  deleteRetentionMs: number
  minCleanableDirtyRatio: number
  minCompactionLagMs: number
  maxCompactionLagMs: number
}

function num (v: string): number {
  return v === LONG_MAX ? Infinity : Number(v)
}

/** Merges defaults <- broker defaults <- topic overrides and parses the result. */
export function resolveTopicConfigs (brokerDefaults: TopicConfigs, overrides: TopicConfigs): ResolvedTopicConfig {
  const all = { ...TOPIC_CONFIG_DEFAULTS, ...brokerDefaults, ...overrides }
  const retentionMs = num(all['retention.ms']!)
  const retentionBytes = num(all['retention.bytes']!)
  return {
    retentionMs: retentionMs < 0 ? Infinity : retentionMs,
    retentionBytes: retentionBytes < 0 ? Infinity : retentionBytes,
    segmentBytes: num(all['segment.bytes']!),
    segmentMs: num(all['segment.ms']!),
    maxMessageBytes: num(all['max.message.bytes']!),
    logAppendTime: all['message.timestamp.type'] === 'LogAppendTime',
    indexIntervalBytes: num(all['index.interval.bytes']!),
    flushMessages: num(all['flush.messages']!),
    flushMs: num(all['flush.ms']!),
    cleanupPolicy: all['cleanup.policy']!,
    compact: all['cleanup.policy']!.split(',').some(p => p.trim() === 'compact'),
    deleteRetentionMs: num(all['delete.retention.ms']!),
    minCleanableDirtyRatio: Number(all['min.cleanable.dirty.ratio']!),
    minCompactionLagMs: num(all['min.compaction.lag.ms']!),
    maxCompactionLagMs: num(all['max.compaction.lag.ms']!),
  }
}
