// `tributary status`: one screen answering "is it up and is anything behind":
// version, uptime, listeners, topics, partitions, disk use, groups and their total
// lag, bus rules and failed deliveries. Everything comes from public interfaces: GET
// /health (and /metrics' process_start_time_seconds when the HTTP face serves
// it), Kafka Metadata, DescribeLogDirs, ListGroups and offsets, and the bus API. Failed deliveries
// are the events in the targets' dead-letter topics.
import type { Command } from 'commander'
import { GroupAdmin, OffsetTime, TopicAdmin, type KafkaClient, type BusClient } from '../../client/index.js'
import { formatBytes } from '../output/bytes.js'
import { deadLetterTopic } from '../../bus/targets/resolve.js'
import { withContext } from '../context.js'
import { groupLag } from '../group-lag.js'
import { packageVersion } from '../../version.js'

const cliVersion = packageVersion

export function registerStatus (program: Command): void {
  program.command('status')
    .description('version, uptime, listeners, topics, partitions, disk use, groups and lag, bus rules and failed deliveries')
    .action(async (_opts: unknown, cmd: Command) => withContext(cmd, async ctx => {
      const http = await httpFacts(ctx.bus())
      const client = await ctx.kafka()
      const metadata = await client.metadata(null)
      const userTopics = metadata.topics.filter(t => !t.isInternal && !t.name.startsWith('__'))
      const disk = await diskFacts(client)
      const groups = await groupFacts(client)
      const bus = await busFacts(ctx.bus(), client)
      const status = {
        version: http.version ?? cliVersion,
        cliVersion,
        uptimeSeconds: http.uptimeSeconds,
        listeners: { kafka: metadata.brokers.map(b => `${b.host}:${b.port}`), http: ctx.endpoint },
        clusterId: metadata.clusterId,
        topics: userTopics.length,
        partitions: userTopics.reduce((n, t) => n + t.partitions.length, 0),
        disk,
        groups: groups.length,
        totalLag: groups.reduce((n, g) => n + g.lag, 0),
        groupLag: groups,
        bus
      }
      if (ctx.json) { ctx.printJson(status); return }
      ctx.printFields([
        ['version', status.version],
        ['uptime', status.uptimeSeconds === null ? null : formatDuration(status.uptimeSeconds)],
        ['kafka', status.listeners.kafka.join(', ')],
        ['http', status.listeners.http],
        ['topics', status.topics],
        ['partitions', status.partitions],
        ['disk', describeDisk(disk)],
        ['groups', `${status.groups} (total lag ${status.totalLag})`],
        ['bus', `${bus.buses} bus${bus.buses === 1 ? '' : 'es'}, ${bus.rules} rule${bus.rules === 1 ? '' : 's'}, ${bus.failedDeliveries} failed deliver${bus.failedDeliveries === 1 ? 'y' : 'ies'}`]
      ])
    }))
}

async function httpFacts (bus: BusClient): Promise<{ version: string | null, uptimeSeconds: number | null }> {
  const health = await bus.get('/health')
  let body: Record<string, unknown> = {}
  try { body = JSON.parse(health.text) } catch { /* not JSON: no facts from it */ }
  let uptimeSeconds = typeof body.uptimeSeconds === 'number' ? body.uptimeSeconds : null
  if (uptimeSeconds === null) {
    // prom-client's default process metrics carry the start time, when /metrics exists.
    const metrics = await bus.get('/metrics').catch(() => null)
    const start = metrics?.status === 200 ? /^process_start_time_seconds(?:\{[^}]*\})? ([0-9.e+]+)$/m.exec(metrics.text) : null
    if (start !== null && start !== undefined) uptimeSeconds = Math.max(0, Math.round(Date.now() / 1000 - Number(start[1])))
  }
  return { version: typeof body.version === 'string' ? body.version : null, uptimeSeconds }
}

interface DiskFacts {
  /** Bytes of every partition's log, internal topics included (they are on the same disk). */
  partitionBytes: number
  /** The data directory's file system; null when the broker cannot tell. */
  totalBytes: number | null
  usableBytes: number | null
}

async function diskFacts (client: KafkaClient): Promise<DiskFacts> {
  const dirs = await new TopicAdmin(client).logDirs(null)
  const known = (values: Array<number | null>): number | null => values.length === 0 || values.includes(null) ? null : values.reduce<number>((n, v) => n + v!, 0)
  return {
    partitionBytes: dirs.reduce((n, d) => n + d.partitions.reduce((m, p) => m + p.sizeBytes, 0), 0),
    totalBytes: known(dirs.map(d => d.totalBytes)),
    usableBytes: known(dirs.map(d => d.usableBytes))
  }
}

function describeDisk (disk: DiskFacts): string {
  const used = `${formatBytes(disk.partitionBytes)} in partitions`
  if (disk.totalBytes === null || disk.usableBytes === null) return used
  return `${used}; ${formatBytes(disk.usableBytes)} free of ${formatBytes(disk.totalBytes)}`
}

async function groupFacts (client: KafkaClient): Promise<Array<{ groupId: string, state: string | null, lag: number }>> {
  const out = []
  for (const g of await new GroupAdmin(client).list()) {
    const lag = (await groupLag(client, g.groupId)).reduce((n, p) => n + (p.lag ?? 0), 0)
    out.push({ groupId: g.groupId, state: g.state, lag })
  }
  return out
}

async function busFacts (bus: BusClient, client: KafkaClient): Promise<{ buses: number, rules: number, failedDeliveries: number }> {
  const buses = await bus.listAll<{ Name: string }>('ListEventBuses', 'EventBuses')
  let rules = 0
  const deadLetterTopics = new Set<string>()
  for (const b of buses) {
    const busRules = await bus.listAll<{ Name: string }>('ListRules', 'Rules', { EventBusName: b.Name })
    rules += busRules.length
    for (const r of busRules) {
      for (const t of await bus.listAll<{ DeadLetterConfig?: { Arn?: string } }>('ListTargetsByRule', 'Targets', { Rule: r.Name, EventBusName: b.Name })) {
        const topic = t.DeadLetterConfig?.Arn === undefined ? null : deadLetterTopic(t.DeadLetterConfig.Arn)
        if (topic !== null) deadLetterTopics.add(topic)
      }
    }
  }
  let failedDeliveries = 0
  if (deadLetterTopics.size > 0) {
    const metadata = await client.metadata([...deadLetterTopics])
    const admin = new TopicAdmin(client)
    for (const t of metadata.topics.filter(t => t.errorCode === 0)) {
      const ids = t.partitions.map(p => p.partition)
      const ends = await admin.offsets(t.name, ids, OffsetTime.latest)
      const starts = await admin.offsets(t.name, ids, OffsetTime.earliest)
      for (const id of ids) failedDeliveries += (ends.get(id)?.offset ?? 0) - (starts.get(id)?.offset ?? 0)
    }
  }
  return { buses: buses.length, rules, failedDeliveries }
}

function formatDuration (seconds: number): string {
  const d = Math.floor(seconds / 86400)
  const h = Math.floor(seconds % 86400 / 3600)
  const m = Math.floor(seconds % 3600 / 60)
  const s = seconds % 60
  return [d > 0 ? `${d}d` : '', h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : '', `${s}s`].filter(x => x !== '').join(' ')
}
