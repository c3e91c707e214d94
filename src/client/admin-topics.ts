// Topic administration over the Kafka admin APIs: create, delete, add
// partitions, configs, offsets by time, and trimming (DeleteRecords). Every
// write goes through the broker's own request handlers, never the data directory.
import { createTopicsApi } from '../protocol/messages/create-topics.js'
import { deleteTopicsApi } from '../protocol/messages/delete-topics.js'
import { createPartitionsApi } from '../protocol/messages/create-partitions.js'
import { describeConfigsApi } from '../protocol/messages/describe-configs.js'
import { incrementalAlterConfigsApi } from '../protocol/messages/incremental-alter-configs.js'
import { deleteRecordsApi } from '../protocol/messages/delete-records.js'
import { listOffsetsApi } from '../protocol/messages/list-offsets.js'
import { describeLogDirsApi } from '../protocol/messages/describe-log-dirs.js'
import type { KafkaClient } from './client.js'
import { checkErrorCode, onlyEntry } from './errors.js'

const TOPIC_RESOURCE = 2
const ADMIN_TIMEOUT_MS = 30_000

/** Special timestamps ListOffsets understands. */
export const OffsetTime = { latest: -1, earliest: -2 } as const

export const IsolationLevel = { readUncommitted: 0, readCommitted: 1 } as const

export interface ConfigEntry {
  name: string
  value: string | null
  /** Kafka's ConfigSource: 1 dynamic topic config, 4 static broker config, 5 default. */
  source: number
  isDefault: boolean
  readOnly: boolean
  sensitive: boolean
}

/** ConfigSource values that mean "nobody set this for the topic". */
const DEFAULT_SOURCES = new Set([4, 5, 6])

export function isDefaultConfig (entry: ConfigEntry): boolean {
  return entry.isDefault || DEFAULT_SOURCES.has(entry.source)
}

/** One broker log directory (DescribeLogDirs): the size of each partition in it. */
export interface LogDirDescription {
  logDir: string
  /** The directory's file system size and free space; null when the broker cannot tell (before v4, or no disk). */
  totalBytes: number | null
  usableBytes: number | null
  partitions: Array<{ topic: string, partition: number, sizeBytes: number }>
}

export class TopicAdmin {
  constructor (private readonly client: KafkaClient) {}

  async create (name: string, partitions: number, configs: Record<string, string> = {}): Promise<void> {
    const { body } = await this.client.any.request(createTopicsApi, {
      topics: [{ name, numPartitions: partitions, replicationFactor: -1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
      timeoutMs: ADMIN_TIMEOUT_MS,
      validateOnly: false
    }, { minVersion: 4 }) // v4+ accepts replicationFactor -1 (the broker's default)
    const result = onlyEntry(body.topics, `create topic "${name}"`)
    checkErrorCode(result.errorCode, `create topic "${name}"`, result.errorMessage)
  }

  async delete (name: string): Promise<void> {
    const { body } = await this.client.any.request(deleteTopicsApi, { topics: [{ name }], topicNames: [name], timeoutMs: ADMIN_TIMEOUT_MS })
    const result = onlyEntry(body.responses, `delete topic "${name}"`)
    checkErrorCode(result.errorCode, `delete topic "${name}"`, result.errorMessage)
  }

  /** Grows the topic to `total` partitions. */
  async addPartitions (name: string, total: number): Promise<void> {
    const { body } = await this.client.any.request(createPartitionsApi, { topics: [{ name, count: total, assignments: null }], timeoutMs: ADMIN_TIMEOUT_MS, validateOnly: false })
    const result = onlyEntry(body.results, `add partitions to "${name}"`)
    checkErrorCode(result.errorCode, `add partitions to "${name}"`, result.errorMessage)
  }

  async describeConfigs (name: string): Promise<ConfigEntry[]> {
    const { body } = await this.client.any.request(describeConfigsApi, {
      resources: [{ resourceType: TOPIC_RESOURCE, resourceName: name, configurationKeys: null }],
      includeSynonyms: false,
      includeDocumentation: false
    })
    const result = onlyEntry(body.results, `describe configs of "${name}"`)
    checkErrorCode(result.errorCode, `describe configs of "${name}"`, result.errorMessage)
    return result.configs.map(c => ({ name: c.name, value: c.value, source: c.configSource, isDefault: c.isDefault, readOnly: c.readOnly, sensitive: c.isSensitive }))
  }

  /** Sets and removes (back to the default) topic configs in one request. */
  async alterConfigs (name: string, set: Record<string, string>, remove: string[] = []): Promise<void> {
    const configs = [
      ...Object.entries(set).map(([n, value]) => ({ name: n, configOperation: 0, value })),
      ...remove.map(n => ({ name: n, configOperation: 1, value: null }))
    ]
    const { body } = await this.client.any.request(incrementalAlterConfigsApi, {
      resources: [{ resourceType: TOPIC_RESOURCE, resourceName: name, configs }],
      validateOnly: false
    })
    const result = onlyEntry(body.responses, `alter configs of "${name}"`)
    checkErrorCode(result.errorCode, `alter configs of "${name}"`, result.errorMessage)
  }

  /**
   * ListOffsets for every given partition at one timestamp (or OffsetTime). For a
   * timestamp, the answer is the first offset whose timestamp is >= it (-1: none).
   */
  async offsets (topic: string, partitions: number[], timestamp: number, isolation: number = IsolationLevel.readUncommitted): Promise<Map<number, { offset: number, timestamp: number }>> {
    const { body } = await this.client.any.request(listOffsetsApi, {
      replicaId: -1,
      isolationLevel: isolation,
      topics: [{ name: topic, partitions: partitions.map(partitionIndex => ({ partitionIndex, timestamp, maxNumOffsets: 1 })) }],
      timeoutMs: ADMIN_TIMEOUT_MS
    }, { minVersion: 1 })
    const out = new Map<number, { offset: number, timestamp: number }>()
    for (const p of body.topics[0]?.partitions ?? []) {
      checkErrorCode(p.errorCode, `list offsets of ${topic}/${p.partitionIndex}`)
      out.set(p.partitionIndex, { offset: Number(p.offset), timestamp: Number(p.timestamp) })
    }
    return out
  }

  /** Deletes records before `offset` in each partition; returns the new log start offsets. */
  async trim (topic: string, before: Map<number, number>): Promise<Map<number, number>> {
    const { body } = await this.client.any.request(deleteRecordsApi, {
      topics: [{ name: topic, partitions: [...before].map(([partitionIndex, offset]) => ({ partitionIndex, offset })) }],
      timeoutMs: ADMIN_TIMEOUT_MS
    })
    const out = new Map<number, number>()
    for (const p of body.topics[0]?.partitions ?? []) {
      checkErrorCode(p.errorCode, `trim ${topic}/${p.partitionIndex}`)
      out.set(p.partitionIndex, Number(p.lowWatermark))
    }
    return out
  }

  /** DescribeLogDirs for the given partitions (topic -> partition ids), or every partition when null. */
  async logDirs (partitions: Map<string, number[]> | null): Promise<LogDirDescription[]> {
    const topics = partitions === null ? null : [...partitions].map(([topic, ids]) => ({ topic, partitions: ids }))
    const { body } = await this.client.any.request(describeLogDirsApi, { topics })
    checkErrorCode(body.errorCode, 'describe log dirs')
    return body.results.map(dir => {
      checkErrorCode(dir.errorCode, `describe log dir ${dir.logDir}`)
      return {
        logDir: dir.logDir,
        totalBytes: dir.totalBytes < 0n ? null : Number(dir.totalBytes),
        usableBytes: dir.usableBytes < 0n ? null : Number(dir.usableBytes),
        partitions: dir.topics.flatMap(t => t.partitions.map(p => ({ topic: t.name, partition: p.partitionIndex, sizeBytes: Number(p.partitionSize) })))
      }
    })
  }
}
