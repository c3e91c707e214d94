// The console's 15-minute memory: one sample a second (by default) of what the
// overview charts and the group lag charts draw. Read from the same sources as
// /metrics (the request counters and latency histogram, the log's partition
// sizes, the group coordinator's committed offsets), so the console and
// Prometheus never disagree. A fixed-size ring: memory does not grow with uptime.
import type { Counter, Histogram } from 'prom-client'
import type { LogManager } from '../../log/index.js'
import type { GroupCoordinator } from '../../broker/groups/index.js'

export interface Sample {
  /** Epoch ms at the end of the interval. */
  t: number
  recordsIn: number
  bytesIn: number
  recordsOut: number
  bytesOut: number
  /** Mean Produce / Fetch request time over the interval, ms; null when none ran. A long-polling Fetch counts its wait. */
  produceMs: number | null
  fetchMs: number | null
  connections: number
  diskBytes: number
  /** group -> "topic/partition" -> lag in messages (end offset - committed). */
  lag: Record<string, Record<string, number>>
}

export interface HistorySources {
  requests: { recordsIn: Counter<string>, bytesIn: Counter<string>, recordsOut: Counter<string>, bytesOut: Counter<string>, duration: Histogram<string> }
  log: LogManager
  groups: GroupCoordinator
  connections: () => number
}

export interface HistoryOptions {
  intervalMs?: number
  /** Samples kept; default 15 minutes' worth. */
  capacity?: number
}

export interface TopicRates { recordsIn: number, bytesIn: number, recordsOut: number, bytesOut: number }

interface Totals { recordsIn: number, bytesIn: number, recordsOut: number, bytesOut: number, byTopic: Map<string, TopicRates>, produce: { sum: number, count: number }, fetch: { sum: number, count: number } }

export class ConsoleHistory {
  readonly intervalMs: number
  private readonly capacity: number
  private readonly ring: Sample[] = []
  private previous: Totals | null = null
  private previousAt = 0
  private timer: NodeJS.Timeout | null = null
  private readonly listeners = new Set<(sample: Sample) => void>()
  private sampling: Promise<Sample> | null = null
  private rates = new Map<string, TopicRates>()

  constructor (private readonly sources: HistorySources, options: HistoryOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1000
    this.capacity = options.capacity ?? Math.ceil(15 * 60_000 / this.intervalMs)
  }

  start (): void {
    if (this.timer !== null) return
    this.timer = setInterval(() => { this.sample().catch(() => {}) }, this.intervalMs)
    this.timer.unref()
  }

  stop (): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    this.listeners.clear()
  }

  samples (): readonly Sample[] { return this.ring }

  /** Per-topic records and bytes per second over the last interval (zero for a topic with no traffic). */
  topicRates (topic: string): TopicRates {
    return this.rates.get(topic) ?? { recordsIn: 0, bytesIn: 0, recordsOut: 0, bytesOut: 0 }
  }

  /** Called with every new sample until the returned function is called. */
  subscribe (listener: (sample: Sample) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  /** Takes one sample now (the timer calls this; tests call it to move history on without waiting). */
  sample (): Promise<Sample> {
    this.sampling ??= this.take().finally(() => { this.sampling = null })
    return this.sampling
  }

  private async take (): Promise<Sample> {
    const now = Date.now()
    const totals = await this.totals()
    const prev = this.previous ?? totals
    const seconds = this.previous === null ? 1 : Math.max((now - this.previousAt) / 1000, 0.001)
    const rate = (a: number, b: number): number => Math.max(0, a - b) / seconds
    const mean = (a: { sum: number, count: number }, b: { sum: number, count: number }): number | null =>
      a.count > b.count ? Math.round((a.sum - b.sum) / (a.count - b.count) * 1e6) / 1e3 : null
    const sample: Sample = {
      t: now,
      recordsIn: rate(totals.recordsIn, prev.recordsIn),
      bytesIn: rate(totals.bytesIn, prev.bytesIn),
      recordsOut: rate(totals.recordsOut, prev.recordsOut),
      bytesOut: rate(totals.bytesOut, prev.bytesOut),
      produceMs: mean(totals.produce, prev.produce),
      fetchMs: mean(totals.fetch, prev.fetch),
      connections: this.sources.connections(),
      diskBytes: this.diskBytes(),
      lag: this.lag()
    }
    const rates = new Map<string, TopicRates>()
    for (const [topic, t] of totals.byTopic) {
      const p = prev.byTopic.get(topic) ?? { recordsIn: 0, bytesIn: 0, recordsOut: 0, bytesOut: 0 }
      rates.set(topic, { recordsIn: rate(t.recordsIn, p.recordsIn), bytesIn: rate(t.bytesIn, p.bytesIn), recordsOut: rate(t.recordsOut, p.recordsOut), bytesOut: rate(t.bytesOut, p.bytesOut) })
    }
    this.rates = rates
    this.previous = totals
    this.previousAt = now
    this.ring.push(sample)
    if (this.ring.length > this.capacity) this.ring.shift()
    for (const listener of this.listeners) listener(sample)
    return sample
  }

  private async totals (): Promise<Totals> {
    const { requests } = this.sources
    const byTopic = new Map<string, TopicRates>()
    const sum = async (counter: Counter<string>, field: keyof TopicRates): Promise<number> => {
      let total = 0
      for (const v of (await counter.get()).values) {
        total += v.value
        const topic = String(v.labels.topic ?? '')
        let t = byTopic.get(topic)
        if (t === undefined) byTopic.set(topic, t = { recordsIn: 0, bytesIn: 0, recordsOut: 0, bytesOut: 0 })
        t[field] += v.value
      }
      return total
    }
    const histogram = (await requests.duration.get()).values
    const of = (api: string): { sum: number, count: number } => ({
      sum: histogram.find(v => v.metricName?.endsWith('_sum') === true && v.labels.api === api)?.value ?? 0,
      count: histogram.find(v => v.metricName?.endsWith('_count') === true && v.labels.api === api)?.value ?? 0
    })
    return {
      recordsIn: await sum(requests.recordsIn, 'recordsIn'),
      bytesIn: await sum(requests.bytesIn, 'bytesIn'),
      recordsOut: await sum(requests.recordsOut, 'recordsOut'),
      bytesOut: await sum(requests.bytesOut, 'bytesOut'),
      byTopic,
      produce: of('Produce'),
      fetch: of('Fetch')
    }
  }

  private diskBytes (): number {
    const { log } = this.sources
    let bytes = 0
    for (const topic of log.topics()) {
      for (let p = 0; p < topic.partitions; p++) bytes += log.partition(topic.name, p)?.sizeInBytes ?? 0
    }
    return bytes
  }

  private lag (): Record<string, Record<string, number>> {
    const { log, groups } = this.sources
    const out: Record<string, Record<string, number>> = {}
    for (const group of groups.overview()) {
      const rows: Record<string, number> = {}
      for (const [topic, partitions] of group.committed) {
        for (const [partition, committed] of partitions) {
          const end = log.partition(topic, partition)?.highWatermark
          if (end !== undefined) rows[`${topic}/${partition}`] = Math.max(0, end - committed)
        }
      }
      out[group.groupId] = rows
    }
    return out
  }
}
