// Event bus figures against issue 15's target 5, measured on a bus with BUS_RULES rules (default 1,000), each
// matching its own detail-type and delivering to a topic target (an SQS ARN: a Tributary topic; BUS_TARGET_TOPICS
// topics, default one per rule):
//  1. PutEvents throughput: 10 entries of ~1 KB per call, BENCH_CONCURRENCY calls in flight on keep-alive
//     node:http connections (not the AWS SDK: its per-call signing and middleware would load the client more
//     than the server), for BENCH_SECONDS; accepted entries/s, and entries/s delivered into the target topics
//     over the same window (delivery keeping up), then how long delivery takes to drain what is left.
//  2. Ingest-to-delivery latency at a steady BUS_LATENCY_RATE events/s (default 10,000; an open loop: calls are
//     sent on schedule whatever the answers do): every event carries its send time (wall clock, sub-ms) in its
//     detail; the broker process reads one target topic as records become durable there and records now - sentAt.
//     The same first at BUS_LOW_LATENCY_RATE (default 1,000 events/s), a rate the bus sustains: at a rate it does
//     not, the figure is mostly time spent queued, and this one shows the way through itself.
// The broker runs in its own process (bench/bus-server.ts: the whole composition root, from a build):
// BUS_ENGINE=<dir with tributary.js> picks the build (default ./dist when built, else ./src), and
// BUS_BASE_ENGINE=<dir> (e.g. ../previous-checkout/dist) runs that build too, alternating, and prints the ratios.
// BUS_RULES=0 measures the ingest path alone (no delivery, no latency).
// Run: node --import tsx bench/bus.ts   (BENCH_SECONDS, BENCH_CONCURRENCY, BUS_RULES, BUS_TARGET_TOPICS, BUS_LATENCY_RATE, BUS_ROUNDS;
// BUS_PROFILE=<file> writes a CPU profile of the broker over the throughput window and prints it by stage, bench/bus-stages.ts)
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { loadavg } from 'node:os'
import { Agent, request } from 'node:http'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { recordFigure } from './summary.js'
import { formatStages } from './bus-stages.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const seconds = Number(process.env.BENCH_SECONDS ?? '8')
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? '64')
const ruleCount = Number(process.env.BUS_RULES ?? '1000')
const targetTopics = Number(process.env.BUS_TARGET_TOPICS ?? String(ruleCount))
const latencyRate = Number(process.env.BUS_LATENCY_RATE ?? '10000')
/** A rate the bus sustains with 1,000 rules on 2 cores, so its latency is an event's way through, not a queue. */
const lowLatencyRate = Number(process.env.BUS_LOW_LATENCY_RATE ?? '1000')
const currentEngine = process.env.BUS_ENGINE ?? (existsSync(join(root, 'dist/tributary.js')) ? join(root, 'dist') : join(root, 'src'))
const baseEngine = process.env.BUS_BASE_ENGINE

const agent = new Agent({ keepAlive: true, maxSockets: 1024 })
const wallMs = (): number => performance.timeOrigin + performance.now()
const topicOfRule = (i: number): string => `bench-q-${i % targetTopics}`
const allTopics = Array.from({ length: Math.min(ruleCount, targetTopics) }, (_, i) => topicOfRule(i))

/** One AWS JSON 1.1 call; resolves with the parsed answer, rejects on any status but 200. */
function call (port: number, action: string, body: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${action}`, 'content-length': Buffer.byteLength(body) } }, res => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString()
        if (res.statusCode === 200) resolve(JSON.parse(text) as Record<string, unknown>)
        else reject(new Error(`${action} answered ${res.statusCode ?? '?'}: ${text}`))
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** A detail of about 1 KB (an order with a few items), as the entry's Detail string. */
function detailFor (n: number, sentAt?: number): string {
  const items = Array.from({ length: 4 }, (_, k) => ({ sku: `SKU-${String((n * 7 + k) % 1_000_000).padStart(7, '0')}`, qty: 1 + (k % 3), price: 19.99 + k, title: 'A product title long enough to be realistic' }))
  return JSON.stringify({ orderId: `ord-${n}`, customer: { id: `cust-${n % 9973}`, tier: 'gold', country: 'DE', email: `cust-${n % 9973}@example.com` }, items, amount: 123.45, currency: 'EUR', shipping: { method: 'express', address: { street: '1 Long Street Name', city: 'Springfield', postcode: '12345' } }, note: 'x'.repeat(260), sentAt })
}
const entryFor = (rule: number, n: number, sentAt?: number): Record<string, unknown> => ({ Source: 'bench.orders', DetailType: `type-${rule}`, Detail: detailFor(n, sentAt) })

class Server {
  private readonly waiting = new Map<string, { resolve: (message: Record<string, unknown>) => void, reject: (err: Error) => void }>()
  port = 0
  private constructor (readonly child: ChildProcess) {
    child.on('message', (message: Record<string, unknown>) => {
      const kind = String(message.kind)
      this.waiting.get(kind)?.resolve(message)
      this.waiting.delete(kind)
    })
    child.on('exit', code => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`the bus server exited (${String(code)})`))
      this.waiting.clear()
    })
  }

  static async start (engine: string): Promise<Server> {
    const child = fork(join(root, 'bench/bus-server.ts'), { execArgv: ['--import', 'tsx'], env: { ...process.env, BUS_ENGINE: engine } })
    const server = new Server(child)
    server.port = Number((await server.ask({ kind: 'none' }, 'ready')).port)
    return server
  }

  async ask (message: Record<string, unknown>, answer: string = String(message.kind)): Promise<Record<string, unknown>> {
    const answered = new Promise<Record<string, unknown>>((resolve, reject) => { this.waiting.set(answer, { resolve, reject }) })
    if (message.kind !== 'none') this.child.send(message)
    return await answered
  }

  async stats (): Promise<{ delivered: number, busEnd: number, cursor: number, cpuSeconds: number, mainThreadSeconds: number }> {
    return await this.ask({ kind: 'stats', topics: allTopics }) as { delivered: number, busEnd: number, cursor: number, cpuSeconds: number, mainThreadSeconds: number }
  }
}

/** The figures of one run; the latency ones (p50...) at BUS_LATENCY_RATE, `low` at BUS_LOW_LATENCY_RATE. */
interface Result extends Latency { mainThreadUsPerEntry: number, clientUsPerEntry: number, accepted: number, delivered: number, drainSeconds: number, cpuUsPerEntry: number, low?: Latency }

async function measure (engine: string): Promise<Result> {
  const server = await Server.start(engine)
  const { port } = server
  // The rules and their targets, a few calls at a time.
  for (let i = 0; i < ruleCount; i += 16) {
    await Promise.all(Array.from({ length: Math.min(16, ruleCount - i) }, async (_, k) => {
      const name = `rule-${i + k}`
      await call(port, 'PutRule', JSON.stringify({ Name: name, EventPattern: JSON.stringify({ source: ['bench.orders'], 'detail-type': [`type-${i + k}`] }) }))
      await call(port, 'PutTargets', JSON.stringify({ Rule: name, Targets: [{ Id: 'queue', Arn: `arn:aws:sqs:us-east-1:123456789012:${topicOfRule(i + k)}` }] }))
    }))
  }
  // Warm-up: one event per rule creates every target topic; wait until all are delivered.
  for (let i = 0; i < ruleCount; i += 10) {
    await call(port, 'PutEvents', JSON.stringify({ Entries: Array.from({ length: Math.min(10, ruleCount - i) }, (_, k) => entryFor(i + k, i + k)) }))
  }
  while ((await server.stats()).delivered < ruleCount) await new Promise(resolve => setTimeout(resolve, 50))

  // 1. Throughput: each call's 10 entries go to 10 different rules, cycling through all of them.
  const bodies = Array.from({ length: Math.max(1, Math.ceil(ruleCount / 10)) }, (_, b) => JSON.stringify({ Entries: Array.from({ length: 10 }, (_, k) => entryFor((b * 10 + k) % Math.max(1, ruleCount), b * 10 + k)) }))
  await server.ask({ kind: 'profile', topic: 'start' }, 'profiled')
  const before = await server.stats()
  const clientCpu = process.cpuUsage()
  let accepted = 0
  let next = 0
  const started = performance.now()
  const deadline = started + seconds * 1000
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      const answer = await call(port, 'PutEvents', bodies[next++ % bodies.length]!)
      accepted += 10 - Number(answer.FailedEntryCount)
    }
  }))
  const elapsed = (performance.now() - started) / 1000
  const clientUsed = process.cpuUsage(clientCpu)
  // The load generator shares the machine's cores with the broker: its own CPU per entry is reported beside the broker's.
  const clientUsPerEntry = (clientUsed.user + clientUsed.system) / Math.max(1, accepted)
  const after = await server.stats()
  await server.ask({ kind: 'profile', topic: 'stop' }, 'profiled')
  if (process.env.BUS_PROFILE !== undefined) console.log(`${engine}: the broker's main thread by stage over the throughput window (${accepted} entries):\n${formatStages(process.env.BUS_PROFILE, accepted)}`)
  const drainStarted = performance.now()
  // With no rules (BUS_RULES=0: the ingest path alone) nothing is delivered and there is no latency to time.
  const expected = ruleCount === 0 ? 0 : before.delivered + accepted
  for (let s = after; s.delivered < expected; s = await server.stats()) {
    if (performance.now() - drainStarted > 120_000) {
      console.log(`  delivery did not drain in 120 s: ${s.delivered - before.delivered} of ${accepted} delivered`)
      break
    }
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  const drainSeconds = (performance.now() - drainStarted) / 1000
  const drained = await server.stats()

  // 2. Latency at a steady rate: entry 0 of every call goes to rule 0, whose topic the server watches.
  if (ruleCount === 0) {
    const exited = new Promise(resolve => server.child.once('exit', resolve))
    server.child.send({ kind: 'stop' })
    await exited
    return { mainThreadUsPerEntry: (drained.mainThreadSeconds - before.mainThreadSeconds) / accepted * 1e6, clientUsPerEntry, accepted: accepted / elapsed, delivered: 0, drainSeconds: 0, cpuUsPerEntry: (drained.cpuSeconds - before.cpuSeconds) / accepted * 1e6, p50: Number.NaN, p99: Number.NaN, p999: Number.NaN, latencyEvents: 0, achievedRate: 0 }
  }
  await server.ask({ kind: 'watch', topic: topicOfRule(0) }, 'watching')
  // First at a rate the bus sustains (the latency of one event's way through), then at the target's rate.
  const low = await latencyAt(server, lowLatencyRate)
  const high = await latencyAt(server, latencyRate)
  const exited = new Promise(resolve => server.child.once('exit', resolve))
  server.child.send({ kind: 'stop' })
  await exited
  return {
    mainThreadUsPerEntry: (drained.mainThreadSeconds - before.mainThreadSeconds) / accepted * 1e6,
    clientUsPerEntry,
    accepted: accepted / elapsed,
    delivered: (after.delivered - before.delivered) / elapsed,
    drainSeconds,
    cpuUsPerEntry: (drained.cpuSeconds - before.cpuSeconds) / accepted * 1e6,
    ...high,
    low,
  }
}

interface Latency { p50: number, p99: number, p999: number, latencyEvents: number, achievedRate: number }

/**
 * Ingest-to-delivery at a steady `rate` events/s for half the throughput window (at least 2 s): an open loop,
 * entry 0 of every call goes to rule 0, whose topic the server watches; waits until all of it is delivered.
 */
async function latencyAt (server: Server, rate: number): Promise<Latency> {
  const { port } = server
  const base = await server.stats()
  await server.ask({ kind: 'latency' }) // drops the samples so far
  const callsPerMs = rate / 10 / 1000
  let sent = 0
  let n = 0
  let inFlight = 0
  let skipped = 0
  const latencyStarted = performance.now()
  const latencyDeadline = latencyStarted + Math.max(2, seconds / 2) * 1000
  await new Promise<void>(resolve => {
    const tick = setInterval(() => {
      const now = performance.now()
      if (now >= latencyDeadline) { clearInterval(tick); resolve(); return }
      for (const due = Math.floor((now - latencyStarted) * callsPerMs); sent < due; sent++) {
        // Open loop with a bound: past 1,000 calls outstanding the server is not keeping up; count, do not pile on.
        if (inFlight >= 1000) { skipped++; continue }
        const sentAt = wallMs()
        const body = JSON.stringify({ Entries: Array.from({ length: 10 }, (_, k) => entryFor(k === 0 ? 0 : (n * 10 + k) % ruleCount, n * 10 + k, sentAt)) })
        n++
        inFlight++
        call(port, 'PutEvents', body).finally(() => { inFlight-- }).catch(err => { console.error(err) })
      }
    }, 2)
  })
  const latencyElapsed = (performance.now() - latencyStarted) / 1000
  const target = base.delivered + n * 10
  while ((await server.stats()).delivered < target && performance.now() - latencyStarted < 120_000) await new Promise(resolve => setTimeout(resolve, 20))
  const samples = ((await server.ask({ kind: 'latency' })).samples as number[]).sort((a, b) => a - b)
  const pct = (p: number): number => samples[Math.min(samples.length - 1, Math.floor(p / 100 * samples.length))] ?? Number.NaN
  if (skipped > 0) console.log(`  (latency run at ${rate}/s: ${skipped} calls not sent, 1,000 were outstanding)`)
  return { p50: pct(50), p99: pct(99), p999: pct(99.9), latencyEvents: samples.length, achievedRate: n * 10 / latencyElapsed }
}

function report (label: string, r: Result): void {
  console.log(`${label}: PutEvents ${Math.round(r.accepted).toLocaleString('en-US')} entries/s accepted, ${Math.round(r.delivered).toLocaleString('en-US')} entries/s delivered in the same window ` +
    `(then ${r.drainSeconds.toFixed(2)} s to drain), broker CPU ${r.cpuUsPerEntry.toFixed(1)} µs per entry (ingest + delivery; main thread ${r.mainThreadUsPerEntry.toFixed(1)}, other threads ${(r.cpuUsPerEntry - r.mainThreadUsPerEntry).toFixed(1)}), load generator ${r.clientUsPerEntry.toFixed(1)} µs per entry; ` +
    [r.low, r].filter((l): l is Latency => l !== undefined).map(l => `ingest-to-delivery at ${Math.round(l.achievedRate).toLocaleString('en-US')} events/s: p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, p99.9 ${l.p999.toFixed(2)} ms (${l.latencyEvents} events)`).join('; '))
}

console.log(`bus: ${ruleCount} rules -> ${allTopics.length} target topics, 10 entries of ~${Buffer.byteLength(JSON.stringify(entryFor(0, 0)))} B per call, ${concurrency} calls in flight for ${seconds} s; latency at ${latencyRate} events/s`)
// BUS_ROUNDS pairs (base, this) one after the other: on a shared machine a ratio is only worth its repetition.
const rounds = Math.max(1, Number(process.env.BUS_ROUNDS ?? '1'))
const engines = baseEngine === undefined ? [currentEngine] : [baseEngine, currentEngine]
const results = new Map<string, Result>()
for (let round = 1; round <= rounds; round++) {
  for (const engine of engines) {
    console.log(`load average ${loadavg().map(l => l.toFixed(2)).join(' ')}`)
    const r = await measure(engine)
    results.set(engine, r)
    report(engine, r)
  }
  const current = results.get(currentEngine)!
  const base = baseEngine === undefined ? undefined : results.get(baseEngine)
  if (base !== undefined) {
    console.log(`round ${round} ratios this/base: accepted ${(current.accepted / base.accepted).toFixed(2)}x, delivered ${(current.delivered / base.delivered).toFixed(2)}x, ` +
      `CPU per entry ${(current.cpuUsPerEntry / base.cpuUsPerEntry).toFixed(2)}x, latency p50 ${(current.p50 / base.p50).toFixed(2)}x, p99 ${(current.p99 / base.p99).toFixed(2)}x`)
  }
}
agent.destroy()
const current = results.get(currentEngine)!
const rules = ruleCount.toLocaleString('en-US')
recordFigure({ figure: `PutEvents 10 x 1 KB, ${rules} rules -> topics`, value: current.accepted, unit: 'entries/s', target: '>= 100,000', met: current.accepted >= 100_000, source: 'bench/bus.ts' })
if (ruleCount > 0) recordFigure({ figure: 'bus delivered to topic targets (same window)', value: current.delivered, unit: 'entries/s', limit: 'accepted entries/s', ratio: current.delivered / current.accepted, target: 'ratio >= 0.95 (keeps up)', met: current.delivered / current.accepted >= 0.95, source: 'bench/bus.ts' })
recordFigure({ figure: 'bus broker CPU per entry (ingest + delivery)', value: current.cpuUsPerEntry, unit: 'µs', source: 'bench/bus.ts' })
if (current.low !== undefined) {
  const low = current.low
  recordFigure({ figure: `bus ingest-to-delivery p50 at ${lowLatencyRate.toLocaleString('en-US')}/s`, value: low.p50, unit: 'ms', source: 'bench/bus.ts' })
  recordFigure({ figure: `bus ingest-to-delivery p99 at ${lowLatencyRate.toLocaleString('en-US')}/s`, value: low.p99, unit: 'ms', limit: `reached ${Math.round(low.achievedRate).toLocaleString('en-US')}/s`, source: 'bench/bus.ts' })
}
if (ruleCount > 0) recordFigure({ figure: `bus ingest-to-delivery p50 at ${latencyRate.toLocaleString('en-US')}/s`, value: current.p50, unit: 'ms', source: 'bench/bus.ts' })
if (ruleCount > 0) recordFigure({ figure: `bus ingest-to-delivery p99 at ${latencyRate.toLocaleString('en-US')}/s`, value: current.p99, unit: 'ms', target: '<= 10 ms', met: current.p99 <= 10 && current.achievedRate >= latencyRate * 0.95, source: 'bench/bus.ts' })
