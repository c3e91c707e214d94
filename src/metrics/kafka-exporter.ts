// kafka_exporter's metrics (danielqsj/kafka_exporter names and labels, so
// existing Grafana dashboards work unchanged), plus kafka_consumergroup_lag_seconds.
// Nothing is counted on the request path: every value is read from the log and
// the group coordinator when Prometheus scrapes, in one snapshot shared by all
// the gauges of that scrape.
import type { Metric, Registry } from 'prom-client'
import type { LogManager } from '../log/index.js'
import type { GroupCoordinator } from '../broker/groups/index.js'
import { recordTimestampAt } from './batches.js'

export interface KafkaSources {
  log: LogManager
  groups: GroupCoordinator
  now: () => number
}

interface PartitionRow { topic: string, partition: string, current: number, oldest: number }
interface GroupRow { labels: { consumergroup: string, topic: string, partition: string }, committed: number, lag: number, lagSeconds: number }
interface MetricValue<L extends string> { labels: Partial<Record<L, string>>, value: number }

interface Snapshot {
  brokers: number
  topics: Array<{ topic: string, partitions: number }>
  partitions: PartitionRow[]
  groups: Array<{ consumergroup: string, members: number }>
  groupRows: GroupRow[]
  lagSums: Array<{ consumergroup: string, topic: string, sum: number }>
}

const EMPTY: Snapshot = { brokers: 0, topics: [], partitions: [], groups: [], groupRows: [], lagSums: [] }
/** Remembered first-unconsumed timestamps; the record at an offset never changes, so entries stay valid. */
const TIMESTAMP_CACHE_LIMIT = 100_000
/**
 * Log reads per scrape for ages whose committed offset moved since they were
 * last read (each is one batch read and decoded). Beyond it a row keeps the
 * timestamp it last read, of an older record: an age that errs high, never low,
 * and is refreshed first at the next scrape. Rows seen for the first time are
 * always read. This bounds a scrape when every consumer committed since the last.
 */
const MOVED_AGE_READS_PER_SCRAPE = 200

export class KafkaExporterMetrics {
  private sources: KafkaSources | null = null
  private pending: Promise<Snapshot> | null = null
  private readonly timestamps = new Map<string, number>()
  /** group/topic/partition -> the last timestamp read for its age, and in which scrape. */
  private readonly rowAges = new Map<string, { ts: number, scrape: number }>()
  private scrapes = 0

  constructor (registry: Registry) {
    // Scrape-time gauges registered as plain metric objects: their values are built
    // straight from the snapshot at each scrape, skipping prom-client's per-series
    // label hashing and reset, which dominated the cost at thousands of series.
    const gauge = <L extends string>(name: string, help: string, _labelNames: readonly L[], values: (s: Snapshot) => Array<MetricValue<L>>): void => {
      const metric = {
        name,
        help,
        type: 'gauge',
        aggregator: 'sum',
        get: async () => ({ name, help, type: 'gauge', aggregator: 'sum', values: values(await this.snapshot()) }),
        reset: () => {}
      }
      registry.registerMetric(metric as unknown as Metric<L>)
    }
    gauge('kafka_brokers', 'Number of brokers in the cluster', [], s => [{ labels: {}, value: s.brokers }])
    gauge('kafka_topic_partitions', 'Number of partitions for this topic', ['topic'], s => s.topics.map(t => ({ labels: { topic: t.topic }, value: t.partitions })))
    gauge('kafka_topic_partition_current_offset', 'Current offset (high watermark) of a partition', ['topic', 'partition'], s => s.partitions.map(p => ({ labels: { topic: p.topic, partition: p.partition }, value: p.current })))
    gauge('kafka_topic_partition_oldest_offset', 'Oldest offset (log start) of a partition', ['topic', 'partition'], s => s.partitions.map(p => ({ labels: { topic: p.topic, partition: p.partition }, value: p.oldest })))
    gauge('kafka_consumergroup_current_offset', 'Committed offset of a consumer group at a partition (-1: nothing committed)', ['consumergroup', 'topic', 'partition'], s => s.groupRows.map(r => ({ labels: r.labels, value: r.committed })))
    gauge('kafka_consumergroup_lag', 'Messages a consumer group has not consumed at a partition (-1: nothing committed)', ['consumergroup', 'topic', 'partition'], s => s.groupRows.map(r => ({ labels: r.labels, value: r.lag })))
    gauge('kafka_consumergroup_lag_seconds', 'Age of the oldest message a consumer group has not consumed at a partition, from the log\'s timestamps (0: caught up, -1: nothing committed)', ['consumergroup', 'topic', 'partition'], s => s.groupRows.map(r => ({ labels: r.labels, value: r.lagSeconds })))
    gauge('kafka_consumergroup_lag_sum', 'Lag of a consumer group summed over a topic\'s partitions with a commit', ['consumergroup', 'topic'], s => s.lagSums.map(r => ({ labels: { consumergroup: r.consumergroup, topic: r.topic }, value: r.sum })))
    gauge('kafka_consumergroup_members', 'Members of a consumer group', ['consumergroup'], s => s.groups.map(r => ({ labels: { consumergroup: r.consumergroup }, value: r.members })))
  }

  watch (sources: KafkaSources): void {
    this.sources = sources
  }

  /** One snapshot per scrape: every gauge's collect starts in the same tick and shares it. */
  private snapshot (): Promise<Snapshot> {
    if (this.pending === null) {
      const taking = this.sources === null ? Promise.resolve(EMPTY) : this.take(this.sources)
      this.pending = taking
      const clear = (): void => { if (this.pending === taking) this.pending = null }
      taking.then(clear, clear)
    }
    return this.pending
  }

  private async take ({ log, groups, now }: KafkaSources): Promise<Snapshot> {
    const s: Snapshot = { brokers: 1, topics: [], partitions: [], groups: [], groupRows: [], lagSums: [] }
    for (const topic of log.topics()) {
      s.topics.push({ topic: topic.name, partitions: topic.partitions })
      for (let p = 0; p < topic.partitions; p++) {
        const partition = log.partition(topic.name, p)
        if (partition) s.partitions.push({ topic: topic.name, partition: String(p), current: partition.highWatermark, oldest: partition.logStartOffset })
      }
    }
    const reads: Array<Promise<void>> = []
    const moved: Array<{ row: GroupRow, rowKey: string, topic: string, partition: number, from: number }> = []
    const at = now()
    const scrape = ++this.scrapes
    const readAge = (row: GroupRow, rowKey: string, topic: string, partition: number, from: number): Promise<void> =>
      this.timestampAt(topic, partition, from).then(ts => {
        if (ts === null) return
        row.lagSeconds = Math.max(0, (at - ts) / 1000)
        this.rowAges.set(rowKey, { ts, scrape })
      })
    for (const group of groups.overview()) {
      s.groups.push({ consumergroup: group.groupId, members: group.members })
      const topics = new Set([...group.subscribedTopics, ...group.committed.keys()])
      for (const name of topics) {
        const topic = log.topic(name)
        if (!topic) continue
        const committedHere = group.committed.get(name)
        let sum = 0
        for (let p = 0; p < topic.partitions; p++) {
          const partition = log.partition(name, p)
          if (!partition) continue
          const committed = committedHere?.get(p) ?? -1
          const hwm = partition.highWatermark
          const row: GroupRow = { labels: { consumergroup: group.groupId, topic: name, partition: String(p) }, committed, lag: -1, lagSeconds: -1 }
          if (committed >= 0) {
            row.lag = Math.max(0, hwm - committed)
            sum += row.lag
            row.lagSeconds = 0
            if (row.lag > 0) {
              const from = Math.max(committed, partition.logStartOffset)
              const rowKey = `${group.groupId}\u0000${name}\u0000${p}`
              if (this.timestamps.has(timestampKey(name, p, from)) || !this.rowAges.has(rowKey)) reads.push(readAge(row, rowKey, name, p, from))
              else moved.push({ row, rowKey, topic: name, partition: p, from })
            }
          }
          s.groupRows.push(row)
        }
        if (committedHere !== undefined) s.lagSums.push({ consumergroup: group.groupId, topic: name, sum })
      }
    }
    // Moved ages: the longest-unrefreshed first, up to the budget; the rest keep their last timestamp.
    const lastRead = (rowKey: string): number => this.rowAges.get(rowKey)?.scrape ?? 0
    moved.sort((a, b) => lastRead(a.rowKey) - lastRead(b.rowKey))
    moved.forEach((m, i) => {
      if (i < MOVED_AGE_READS_PER_SCRAPE) reads.push(readAge(m.row, m.rowKey, m.topic, m.partition, m.from))
      else m.row.lagSeconds = Math.max(0, (at - (this.rowAges.get(m.rowKey)?.ts ?? at)) / 1000)
    })
    await Promise.all(reads)
    if (this.rowAges.size > TIMESTAMP_CACHE_LIMIT) this.rowAges.clear()
    return s
  }

  /** The timestamp of the record at `offset`, read once and remembered. */
  private async timestampAt (topic: string, partition: number, offset: number): Promise<number | null> {
    const key = timestampKey(topic, partition, offset)
    const known = this.timestamps.get(key)
    if (known !== undefined) return known
    const log = this.sources?.log.partition(topic, partition)
    if (!log) return null
    try {
      const read = await log.read(offset, 1, { minOneBatch: true })
      const first = read.chunks[0]
      const ts = first === undefined ? null : recordTimestampAt(first, offset)
      if (ts === null) return null
      if (this.timestamps.size >= TIMESTAMP_CACHE_LIMIT) this.timestamps.clear()
      this.timestamps.set(key, ts)
      return ts
    } catch {
      // The offset fell to retention between the snapshot and the read, or the batch does
      // not decode (the log's CRC checks report that to readers): no age this scrape.
      return null
    }
  }
}

function timestampKey (topic: string, partition: number, offset: number): string {
  return `${topic}\u0000${partition}\u0000${offset}`
}
