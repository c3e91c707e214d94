// One Prometheus registry for the whole process, served as GET /metrics by the
// HTTP face. The composition root (src/tributary.ts) creates it first, then
// hands each part its hook: the log a timed FileSystem, the broker wrapped
// handlers, the group coordinator a rebalance callback, the bus an observer;
// the kafka_exporter gauges read the log and groups only when scraped.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { FileSystem } from '../log/index.js'
import { BusMetrics } from './bus.js'
import { KafkaExporterMetrics, type KafkaSources } from './kafka-exporter.js'
import { RequestMetrics } from './requests.js'
import { timedFs } from './timed-fs.js'

export interface MetricsOptions {
  /** prom-client's process metrics (CPU, memory, event-loop lag, GC); default true. */
  processMetrics?: boolean
}

export interface ScrapeSources extends KafkaSources {
  /** Open Kafka client connections. */
  connections: () => number
}

export class Metrics {
  readonly registry = new Registry()
  readonly requests: RequestMetrics
  readonly bus: BusMetrics
  private readonly kafka: KafkaExporterMetrics
  private readonly fsyncSeconds: Histogram<'kind'>
  private readonly rebalances: Counter<'consumergroup'>
  private connections: (() => number) | null = null

  constructor (options: MetricsOptions = {}) {
    const registers = [this.registry]
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry })
    this.kafka = new KafkaExporterMetrics(this.registry)
    this.requests = new RequestMetrics(this.registry)
    this.bus = new BusMetrics(this.registry)
    this.fsyncSeconds = new Histogram({
      name: 'tributary_log_fsync_duration_seconds',
      help: 'Duration of fsyncs of log files and directories',
      labelNames: ['kind'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers
    })
    this.rebalances = new Counter({ name: 'tributary_consumergroup_rebalances_total', help: 'Completed rebalances (generations) of a consumer group', labelNames: ['consumergroup'], registers })
    const connections = new Gauge({
      name: 'tributary_kafka_connections',
      help: 'Open Kafka client connections',
      registers,
      collect: () => { connections.set(this.connections?.() ?? 0) }
    })
  }

  /** The file system the log should use: `fs`, with every fsync timed. */
  timedFs (fs: FileSystem): FileSystem { return timedFs(fs, this.fsyncSeconds) }

  /** For the group coordinator's onRebalance option. */
  readonly onRebalance = (groupId: string): void => { this.rebalances.inc({ consumergroup: groupId }) }

  /** Where scrape-time values come from; before this call those gauges are empty. */
  watch (sources: ScrapeSources): void {
    this.kafka.watch(sources)
    this.connections = sources.connections
  }

  get contentType (): string { return this.registry.contentType }

  /** The Prometheus text exposition of every metric. */
  text (): Promise<string> { return this.registry.metrics() }
}
