// What the config APIs (CreateTopics v5+, DescribeConfigs, AlterConfigs,
// IncrementalAlterConfigs) need to know about each config beyond its value:
// Kafka's data type (DescribeConfigs v3 ConfigType), a line of documentation,
// and the broker-level synonym that supplies the topic default (Kafka's
// LogConfig.TopicConfigSynonyms). Which topic configs exist and what values are
// valid is the log engine's business (src/log/config.ts); this table only
// describes them to clients.

/** DescribeConfigsResponse ConfigSource. */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6
} as const

/** DescribeConfigsResponse ConfigType (v3+). */
export const ConfigType = {
  UNKNOWN: 0,
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9
} as const

/** ConfigResource.Type as the config APIs carry it. */
export const ResourceType = {
  UNKNOWN: 0,
  TOPIC: 2,
  GROUP: 3,
  BROKER: 4,
  BROKER_LOGGER: 8
} as const

export interface ConfigInfo {
  type: number
  /** The broker config whose value is the topic default (the first synonym Kafka lists). */
  brokerSynonym?: string
  doc: string
}

const T = ConfigType

export const TOPIC_CONFIG_INFO: Readonly<Record<string, ConfigInfo>> = {
  'cleanup.policy': { type: T.LIST, brokerSynonym: 'log.cleanup.policy', doc: 'Retention policy for old log segments: "delete" discards them by time or size, "compact" keeps the latest value per key.' },
  'compression.type': { type: T.STRING, brokerSynonym: 'compression.type', doc: 'Final compression type for the topic; "producer" keeps the codec the producer used.' },
  'delete.retention.ms': { type: T.LONG, brokerSynonym: 'log.cleaner.delete.retention.ms', doc: 'How long delete tombstones are kept on compacted topics.' },
  'file.delete.delay.ms': { type: T.LONG, brokerSynonym: 'log.segment.delete.delay.ms', doc: 'Time to wait before deleting a file from the filesystem.' },
  'flush.messages': { type: T.LONG, brokerSynonym: 'log.flush.interval.messages', doc: 'Number of messages written to a partition before an fsync is forced.' },
  'flush.ms': { type: T.LONG, brokerSynonym: 'log.flush.interval.ms', doc: 'Time after which an fsync of the log is forced.' },
  'index.interval.bytes': { type: T.INT, brokerSynonym: 'log.index.interval.bytes', doc: 'How often (in bytes of log) an offset index entry is added.' },
  'max.compaction.lag.ms': { type: T.LONG, brokerSynonym: 'log.cleaner.max.compaction.lag.ms', doc: 'Maximum time a message remains ineligible for compaction.' },
  'max.message.bytes': { type: T.INT, brokerSynonym: 'message.max.bytes', doc: 'Largest record batch size allowed in the topic.' },
  'message.timestamp.type': { type: T.STRING, brokerSynonym: 'log.message.timestamp.type', doc: 'Whether record timestamps are CreateTime (set by the producer) or LogAppendTime (set by the broker).' },
  'message.timestamp.difference.max.ms': { type: T.LONG, brokerSynonym: 'log.message.timestamp.difference.max.ms', doc: 'Largest allowed difference between a CreateTime timestamp and the broker\'s clock.' },
  'message.timestamp.before.max.ms': { type: T.LONG, brokerSynonym: 'log.message.timestamp.before.max.ms', doc: 'How far in the past a CreateTime timestamp may be.' },
  'message.timestamp.after.max.ms': { type: T.LONG, brokerSynonym: 'log.message.timestamp.after.max.ms', doc: 'How far in the future a CreateTime timestamp may be.' },
  'min.cleanable.dirty.ratio': { type: T.DOUBLE, brokerSynonym: 'log.cleaner.min.cleanable.ratio', doc: 'Dirty-to-total log ratio that makes a compacted log eligible for cleaning.' },
  'min.compaction.lag.ms': { type: T.LONG, brokerSynonym: 'log.cleaner.min.compaction.lag.ms', doc: 'Minimum time a message remains uncompacted.' },
  'min.insync.replicas': { type: T.INT, brokerSynonym: 'min.insync.replicas', doc: 'Minimum number of in-sync replicas that must acknowledge an acks=all write.' },
  preallocate: { type: T.BOOLEAN, brokerSynonym: 'log.preallocate', doc: 'Whether segment files are preallocated on disk.' },
  'retention.bytes': { type: T.LONG, brokerSynonym: 'log.retention.bytes', doc: 'Largest size a partition may grow to before old segments are deleted; -1 for no limit.' },
  'retention.ms': { type: T.LONG, brokerSynonym: 'log.retention.ms', doc: 'Longest time a segment is kept before it is deleted; -1 for no limit.' },
  'segment.bytes': { type: T.INT, brokerSynonym: 'log.segment.bytes', doc: 'Segment file size; a new segment is rolled when it is reached.' },
  'segment.index.bytes': { type: T.INT, brokerSynonym: 'log.index.size.max.bytes', doc: 'Size of the index that maps offsets to file positions.' },
  'segment.jitter.ms': { type: T.LONG, brokerSynonym: 'log.roll.jitter.ms', doc: 'Maximum random jitter subtracted from segment.ms.' },
  'segment.ms': { type: T.LONG, brokerSynonym: 'log.roll.ms', doc: 'Time after which a segment is rolled even if it is not full.' },
  'unclean.leader.election.enable': { type: T.BOOLEAN, brokerSynonym: 'unclean.leader.election.enable', doc: 'Whether replicas not in the ISR may be elected leader.' },
  'message.downconversion.enable': { type: T.BOOLEAN, brokerSynonym: 'log.message.downconversion.enable', doc: 'Whether the broker down-converts records for old consumers.' },
  'local.retention.ms': { type: T.LONG, brokerSynonym: 'log.local.retention.ms', doc: 'Local retention time when tiered storage is enabled.' },
  'local.retention.bytes': { type: T.LONG, brokerSynonym: 'log.local.retention.bytes', doc: 'Local retention size when tiered storage is enabled.' },
  'leader.replication.throttled.replicas': { type: T.LIST, doc: 'Replicas whose log replication is throttled on the leader side.' },
  'follower.replication.throttled.replicas': { type: T.LIST, doc: 'Replicas whose log replication is throttled on the follower side.' },
  'remote.storage.enable': { type: T.BOOLEAN, doc: 'Whether tiered storage is enabled for the topic.' }
}

export function topicConfigInfo (name: string): ConfigInfo {
  return TOPIC_CONFIG_INFO[name] ?? { type: ConfigType.STRING, doc: '' }
}

/** Kafka's list configs (cleanup.policy, ...) are the ones APPEND and SUBTRACT apply to. */
export function isListConfig (name: string): boolean {
  return topicConfigInfo(name).type === ConfigType.LIST
}
