// Bus tier scale-out: 1, 2 and 3 `tributary bus --kafka` workers over one
// Tributary broker (the "cluster"), each run under its own topic prefix. For a
// fixed time, 16 concurrent clients send PutEvents (10 entries) round-robin to
// the workers (12 sources: the bus topic is partitioned by source); one rule
// routes every event to a local HTTP target. Reports the
// PutEvents rate (events acknowledged with acks=all per second), the delivery
// rate (events delivered per second, first PutEvents to last delivery), and how
// the bus partitions were spread over the workers.
// Also the CPU each process used (from /proc): CPU ms per 1,000 events for the
// broker and for the workers together, and each worker's CPU when idle.
// Also each PutEvents call's time (p50, p99) as the clients saw it.
// Also the Kafka requests the broker handled per 1,000 events (its /metrics), the
// target's POSTs and new connections, and each worker's main thread apart from
// its background threads (GC helpers, the optimizing compiler).
// Run: npm run build && node --import tsx bench/bus-scale-out.ts
//   BENCH_SECONDS (default 6), BENCH_WORKERS (default "1,2,3"),
//   BENCH_WARMUP_EVENTS (default 6000 per worker), BENCH_WORKER_NODE_ARGS (BENCH_BASE_NODE_ARGS for the base build's),
//   SCALE_OUT_BASE=<another worktree with a dist/>: its workers run side by side
//   with this build's (interleaved per worker count, same broker) for ratios,
//   BENCH_CPU_PROF=<dir>: worker 0 of each run writes a --cpu-prof there.
import { createServer } from 'node:http'
import { once } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadavg } from 'node:os'
import { BrokerEntry, BrokerProcess, projectRoot } from '../test/helpers/broker-process.js'
import { BusWorkerProcess, busCall } from '../test/helpers/bus-worker-process.js'
import { waitFor } from '../test/helpers/wait.js'

const seconds = Number(process.env.BENCH_SECONDS ?? '6')
const counts = (process.env.BENCH_WORKERS ?? '1,2,3').split(',').map(Number)
const CLIENTS = 16
const builds: Array<{ name: string, main: string }> = [{ name: 'this', main: join(projectRoot, 'dist', 'cli', 'main.js') }]
if (process.env.SCALE_OUT_BASE !== undefined) builds.push({ name: 'base', main: join(process.env.SCALE_OUT_BASE, 'dist', 'cli', 'main.js') })
for (const b of builds) if (!existsSync(b.main)) throw new Error(`${b.main} is missing: npm run build first`)
const profileDir = process.env.BENCH_CPU_PROF
/**
 * Extra node flags for every worker (BENCH_WORKER_NODE_ARGS, space-separated), e.g. GC settings to compare;
 * BENCH_BASE_NODE_ARGS, when set, for the SCALE_OUT_BASE build's workers instead (SCALE_OUT_BASE=. compares flags on one build).
 */
const nodeArgsOf = (text: string | undefined): string[] => (text ?? '').split(' ').filter(a => a !== '')
const workerNodeArgs = { this: nodeArgsOf(process.env.BENCH_WORKER_NODE_ARGS), base: nodeArgsOf(process.env.BENCH_BASE_NODE_ARGS ?? process.env.BENCH_WORKER_NODE_ARGS) }
/**
 * Warm-up: events per worker before measuring. A fresh process spends its first
 * few thousand events compiling (V8's optimizing compiler runs on background
 * threads the /proc figures count): a fixed cost per process that a warm-up by
 * time (2 s, earlier) left inside the measured window N times over for N workers,
 * each of which had handled only 1/N of the warm-up's events.
 */
const warmupEventsPerWorker = Number(process.env.BENCH_WARMUP_EVENTS ?? '6000')
/** The warm-up stops after this long whatever it reached (a very slow machine). */
const warmupMaxSeconds = Number(process.env.BENCH_WARMUP_MAX_SECONDS ?? '30')

/** PutEvents from CLIENTS concurrent clients, round-robin over the workers, for `forSeconds`; the event ids accepted and each call's time (ms). */
async function sendFor (workers: BusWorkerProcess[], forSeconds: number): Promise<string[] & { callMs: number[] }> {
  const accepted: string[] & { callMs: number[] } = Object.assign([], { callMs: [] as number[] })
  const stopAt = Date.now() + forSeconds * 1000
  let turn = 0
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (Date.now() < stopAt) {
      const w = workers[turn++ % workers.length]!
      const sentAt = performance.now()
      const answer = await busCall(w.url, 'PutEvents', { Entries: Array.from({ length: 10 }, (_, i) => ({ Source: `bench.${(turn + i) % 12}`, DetailType: 'Bench', Detail: '{"n":1}' })) })
      accepted.callMs.push(performance.now() - sentAt)
      for (const e of answer.Entries as Array<{ EventId?: string }>) if (e.EventId !== undefined) accepted.push(e.EventId)
    }
  }))
  return accepted
}

/** The p-th percentile (0-100) of `values`, in ms with one decimal. */
function percentile (values: number[], p: number): string {
  const sorted = [...values].sort((a, b) => a - b)
  return (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p / 100))] ?? 0).toFixed(1)
}

async function waitForDelivery (ids: string[]): Promise<void> {
  await waitFor(() => ids.every(id => delivered.has(id)), 'every event delivered')
}

/** User + system CPU seconds a process has used, from /proc/<pid>/stat. */
function cpuSeconds (pid: number | undefined): number {
  if (pid === undefined) return 0
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** The broker's Kafka request counters (its /metrics): requests per API, and records sent by Fetch for topics under `prefix`. */
async function brokerCounters (prefix: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${broker.httpUrl}/metrics`)).text()
  const counters = new Map<string, number>()
  for (const m of text.matchAll(/^tributary_kafka_requests_total\{api="([^"]+)"\} ([0-9.e+]+)$/gm)) counters.set(m[1]!, Number(m[2]))
  let fetched = 0
  for (const m of text.matchAll(/^tributary_kafka_topic_records_out_total\{topic="([^"]+)"\} ([0-9.e+]+)$/gm)) if (m[1]!.startsWith(prefix)) fetched += Number(m[2])
  counters.set('records fetched', fetched)
  return counters
}

/** Requests per API per 1,000 events between two scrapes (the APIs the bus tier uses under load). */
function requestsPerThousand (from: Map<string, number>, to: Map<string, number>, events: number): string {
  const per = (name: string): number => ((to.get(name) ?? 0) - (from.get(name) ?? 0)) * 1000 / events
  const fetches = (to.get('Fetch') ?? 0) - (from.get('Fetch') ?? 0)
  const shown = ['Produce', 'Fetch', 'OffsetCommit', 'Heartbeat', 'ListOffsets', 'Metadata', 'OffsetFetch']
  return shown.map(n => `${n} ${per(n).toFixed(1)}`).join(', ') + `; records per Fetch ${(((to.get('records fetched') ?? 0) - (from.get('records fetched') ?? 0)) / Math.max(1, fetches)).toFixed(1)}`
}

/** System (kernel) CPU seconds of a process: syscalls and wake-ups, which grow with the wake-ups per event. */
function systemCpuSeconds (pid: number | undefined): number {
  if (pid === undefined) return 0
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return Number(fields[12]) / 100
}

/** Context switches of a process's main thread: voluntary (it waited: a wake-up each) and involuntary (preempted). */
function contextSwitches (pid: number | undefined): { voluntary: number, involuntary: number } {
  if (pid === undefined) return { voluntary: 0, involuntary: 0 }
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return { voluntary: Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0), involuntary: Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0) }
}

/** CPU seconds of a process's main thread alone (/proc/<pid>/task/<pid>/stat): the rest is GC helpers, the optimizing compiler and libuv's pool. */
function mainThreadCpuSeconds (pid: number | undefined): number {
  if (pid === undefined) return 0
  const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / 100
}

const delivered = new Set<string>()
let lastDeliveryAt = 0
let targetPosts = 0
const target = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    targetPosts++
    delivered.add((JSON.parse(Buffer.concat(chunks).toString()) as { id: string }).id)
    lastDeliveryAt = Date.now()
    res.end()
  })
})
let targetConnections = 0
target.on('connection', () => { targetConnections++ })
target.listen(0, '127.0.0.1')
await once(target, 'listening')
const targetUrl = `http://127.0.0.1:${(target.address() as { port: number }).port}/hook`

const broker = await BrokerProcess.start({ entry: BrokerEntry.compiled })
console.log(`load average before: ${loadavg().map(l => l.toFixed(2)).join(' ')}`)
try {
  for (const n of counts) {
    for (const build of builds) {
      const prefix = `bench${n}${build.name}.`
      const workers = await Promise.all(Array.from({ length: n }, (_, i) => BusWorkerProcess.start(broker.bootstrap, {
        name: `worker ${i}`,
        extraArgs: ['--topic-prefix', prefix],
        mainScript: build.main,
        nodeArgs: [...workerNodeArgs[build.name as 'this' | 'base'], ...(profileDir !== undefined && i === 0 ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=worker-${build.name}-${n}.cpuprofile`] : [])],
      })))
      await busCall(workers[0]!.url, 'PutRule', { Name: 'all', EventPattern: '{"source":[{"prefix":"bench."}]}' })
      await busCall(workers[0]!.url, 'PutTargets', { Rule: 'all', Targets: [{ Id: 'hook', Arn: targetUrl }] })
      for (const w of workers) await waitFor(async () => ((await busCall(w.url, 'ListTargetsByRule', { Rule: 'all' })).Targets as unknown[]).length === 1, 'rule propagation')
      // Idle: every worker has joined its bus group and follows its topics; nothing is sent.
      await new Promise(resolve => setTimeout(resolve, 2000))
      const idleFrom = workers.map(w => cpuSeconds(w.pid))
      await new Promise(resolve => setTimeout(resolve, 3000))
      const idlePercent = workers.map((w, i) => ((cpuSeconds(w.pid) - idleFrom[i]!) / 3 * 100).toFixed(1))
      // Warm-up (not measured): fresh processes run their first events through the interpreter.
      const warmupFrom = Date.now()
      let warmed = 0
      while (warmed < warmupEventsPerWorker * n && Date.now() - warmupFrom < warmupMaxSeconds * 1000) {
        const ids = await sendFor(workers, 1)
        await waitForDelivery(ids)
        warmed += ids.length
      }
      delivered.clear()
      const brokerFrom = cpuSeconds(broker.pid)
      const postsFrom = targetPosts
      const connectionsFrom = targetConnections
      const workersFrom = workers.map(w => cpuSeconds(w.pid))
      const mainFrom = workers.map(w => mainThreadCpuSeconds(w.pid))
      const systemFrom = workers.map(w => systemCpuSeconds(w.pid))
      const switchesFrom = workers.map(w => contextSwitches(w.pid))
      const countersFrom = await brokerCounters(prefix)
      const benchFrom = process.cpuUsage()
      const started = Date.now()
      const accepted = await sendFor(workers, seconds)
      const putSeconds = (Date.now() - started) / 1000
      await waitForDelivery(accepted)
      const deliverySeconds = (lastDeliveryAt - started) / 1000
      const requests = requestsPerThousand(countersFrom, await brokerCounters(prefix), accepted.length)
      const posts = targetPosts - postsFrom
      const perThousand = (seconds: number): string => (seconds * 1000 / accepted.length * 1000).toFixed(0)
      const brokerCpu = cpuSeconds(broker.pid) - brokerFrom
      const workerCpu = workers.map((w, i) => cpuSeconds(w.pid) - workersFrom[i]!)
      const switches = workers.map((w, i) => {
        const now = contextSwitches(w.pid)
        return `${((now.voluntary - switchesFrom[i]!.voluntary) * 1000 / accepted.length).toFixed(0)}/${((now.involuntary - switchesFrom[i]!.involuntary) * 1000 / accepted.length).toFixed(0)}`
      })
      const systemCpu = workers.map((w, i) => systemCpuSeconds(w.pid) - systemFrom[i]!)
      const mainCpu = workers.map((w, i) => mainThreadCpuSeconds(w.pid) - mainFrom[i]!)
      const benchUsage = process.cpuUsage(benchFrom)
      const benchCpu = (benchUsage.user + benchUsage.system) / 1e6
      const spread = workers.map(w => [...w.log().matchAll(/delivering partitions \[([0-9,]*)\]/g)].at(-1)?.[1] ?? '?')
      console.log(`${n} worker(s) [${build.name}]: PutEvents ${(accepted.length / putSeconds).toFixed(0)} events/s (${accepted.length} in ${putSeconds.toFixed(1)} s), delivered ${(accepted.length / deliverySeconds).toFixed(0)} events/s (last at ${deliverySeconds.toFixed(1)} s), partitions per worker: ${spread.map(s => `[${s}]`).join(' ')}; ` +
      `CPU ms per 1,000 events: clients+target ${perThousand(benchCpu)}, broker ${perThousand(brokerCpu)}, workers ${perThousand(workerCpu.reduce((a, b) => a + b, 0))} (${workerCpu.map(perThousand).join('+')}; main threads ${mainCpu.map(perThousand).join('+')}; in the kernel ${systemCpu.map(perThousand).join('+')}); ` +
      `idle CPU per worker ${idlePercent.join(' ')} %; load ${loadavg()[0]!.toFixed(2)}`)
      console.log(`  PutEvents call time p50 ${percentile(accepted.callMs, 50)} ms, p99 ${percentile(accepted.callMs, 99)} ms`)
      console.log(`  per 1,000 events: requests at the broker: ${requests}; workers' wake-ups/preemptions ${switches.join(' ')}; target POSTs ${(posts * 1000 / accepted.length).toFixed(0)} over ${((targetConnections - connectionsFrom) * 1000 / accepted.length).toFixed(1)} new connections`)
      await Promise.all(workers.map(w => w.stop()))
    }
  }
} finally {
  target.close()
  await broker.cleanup()
}
