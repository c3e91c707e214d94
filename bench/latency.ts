// `node --import tsx bench/latency.ts` (also a step of `npm run bench`): end-to-end latency on the Kafka face.
// A producer sends 1 KB messages with acks=all at a steady rate (20 MB/s and 2 MB/s by default) and a consumer
// in another thread reads them as they land; each message carries its send time, so the consumer records
// produce → ack → fetch → receive per message. Beside it: the produce-ack latency alone (per request), and
// the fdatasync latency of this file system, which bounds every acks=all answer.
// Both clients are Tributary's own (src/client): no client library's batching or lingering in the figure.
// BENCH_SECONDS (per rate, default 10), BENCH_RATES (MB/s, default "20,2"), BENCH_TICK_MS (default 5).
// LATENCY_BREAKDOWN=1 has this build's broker time each acks=all append (TRIBUTARY_PRODUCE_TRACE) and splits
// the acks into steps (bench/latency/request-breakdown.ts).
// LATENCY_BASE=<checkout with a dist/> runs the same rates against that build's broker too, alternating, and
// prints the ratios this/base (side by side on a shared machine). LATENCY_TRACE_GC=1 starts the brokers with
// --trace-gc and prints their longest collector pauses, and lines the slowest 1 % of produce acks up with those
// pauses and the log's background work (NODE_DEBUG=tributary-background); LATENCY_NODE_ARGS adds node options (e.g. --heap-prof).
import { closeSync, existsSync, readFileSync, writeFileSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { build, type Histogram } from 'hdr-histogram-js'
import { BrokerEntry, BrokerProcess, projectRoot } from '../test/helpers/broker-process.js'
import { KafkaClient, Producer, TopicAdmin } from '../src/client/index.js'
import { recordFigure } from './summary.js'
import { attributeSlowRequests, brokerSpans } from './latency/stall-attribution.js'
import { breakdownLines } from './latency/request-breakdown.js'

const seconds = Number(process.env.BENCH_SECONDS ?? '10')
const rates = (process.env.BENCH_RATES ?? '20,2').split(',').map(Number)
const tickMs = Number(process.env.BENCH_TICK_MS ?? '5')
const messageBytes = 1024
const warmupMs = 1000
const nowUs = (): number => (performance.timeOrigin + performance.now()) * 1000
const histogram = (): Histogram => build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 })
const ms = (h: Histogram, p: number): number => h.getValueAtPercentile(p) / 1000

/** p50, p99 and max of a thread's event-loop delay (ns, from perf_hooks), for the bench's own part in the tail. */
type LoopDelay = [number, number, number]
interface RateResult { cpu: { broker: number, bench: number, wall: number }, targetMBps: number, achievedMBps: number, endToEnd: Histogram, ack: Histogram, received: number, sent: number, requests: Array<[number, number]>, offsets: number[], topic: string, producerLoop: LoopDelay, consumerLoop: LoopDelay }

/** User + system CPU seconds of a process so far, all its threads (/proc/<pid>/stat: cheap and synchronous). */
function cpuSeconds (pid: number | 'self'): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / 100
}

async function runAt (bootstrap: string, brokerPid: number, topic: string, mbps: number): Promise<RateResult> {
  const admin = await KafkaClient.connect(bootstrap)
  const topics = new TopicAdmin(admin)
  await topics.create(topic, 1)
  admin.close()
  const client = await KafkaClient.connect(bootstrap)
  const producer = new Producer(client)
  const endToEnd = histogram()
  const ack = histogram()
  // each measured request's send and ack time (epoch µs), to line the slow ones up with the broker's pauses
  const requests: Array<[number, number]> = []
  const offsets: number[] = []
  let measuring = false
  // A worker thread does not inherit the tsx loader: it registers it, then loads the TypeScript module.
  const script = new URL('./latency/consumer-worker.ts', import.meta.url).href
  const consumer = new Worker(`import('tsx/esm/api').then(tsx => { tsx.register(); return import(${JSON.stringify(script)}) })`,
    { eval: true, workerData: { bootstrap, topic, offset: 0 } })
  const ready = new Promise<void>((resolve, reject) => {
    consumer.on('message', (message: unknown) => { if (message === 'ready') resolve() })
    consumer.once('error', reject)
  })
  await ready
  let received = 0
  let consumerLoop: LoopDelay = [NaN, NaN, NaN]
  consumer.on('message', (message: unknown) => {
    if (typeof message === 'object' && message !== null && 'loopDelayNs' in message) consumerLoop = message.loopDelayNs as LoopDelay
    if (!(message instanceof Float64Array) || !measuring) return
    // pairs of (send time, latency): a record sent during the warm-up but received after it is not counted
    for (let i = 0; i + 1 < message.length; i += 2) {
      const [sentUs, us] = [message[i]!, message[i + 1]!]
      if (sentUs >= measureStartUs && Number.isFinite(us)) { endToEnd.recordValue(Math.max(1, Math.round(us))); received++ }
    }
  })
  const perTick = Math.max(1, Math.round(mbps * 1e6 / messageBytes * tickMs / 1000))
  const value = Buffer.alloc(messageBytes, 0x61)
  const inFlight = new Set<Promise<void>>()
  let sentBytesMeasured = 0
  let sentMeasured = 0
  const start = performance.now()
  let measureStart = 0
  let measureStartUs = Infinity
  // CPU seconds of the broker and of this process (producer and consumer threads) over the measured window: on
  // 2 cores the bench's own clients compete with the broker for the same cores
  let cpuAtStart = { broker: 0, bench: 0 }
  // how late the producer's thread runs: a send or an ack callback that waits for it counts the wait as latency
  const producerLoop = monitorEventLoopDelay({ resolution: 1 })
  const end = start + warmupMs + seconds * 1000
  for (let tick = 0; performance.now() < end; tick++) {
    // Keep to the schedule: sleep until this tick's time, then send the tick's messages in one request.
    const due = start + tick * tickMs
    const wait = due - performance.now()
    if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait))
    if (!measuring && performance.now() - start >= warmupMs) {
      measuring = true
      measureStart = performance.now()
      measureStartUs = nowUs()
      producerLoop.enable()
      cpuAtStart = { broker: cpuSeconds(brokerPid), bench: cpuSeconds('self') }
    }
    const records = Array.from({ length: perTick }, () => {
      const v = Buffer.from(value)
      v.writeDoubleLE(nowUs(), 0)
      return { value: v, partition: 0 }
    })
    const sentAt = nowUs()
    const counted = measuring
    const send = producer.send(topic, records, { acks: -1 }).then(produced => {
      if (!counted) return
      const ackedAt = nowUs()
      ack.recordValue(Math.max(1, Math.round(ackedAt - sentAt)))
      requests.push([sentAt, ackedAt])
      offsets.push(produced[0]!.offset)
    }).finally(() => { inFlight.delete(send) })
    inFlight.add(send)
    if (counted) { sentBytesMeasured += perTick * messageBytes; sentMeasured += perTick }
    // A broker that cannot keep up shows as a lower achieved rate, not as an unbounded queue here.
    if (inFlight.size >= 64) await Promise.race(inFlight)
  }
  await Promise.all(inFlight)
  producerLoop.disable()
  const measuredSeconds = (performance.now() - measureStart) / 1000
  const cpu = { broker: cpuSeconds(brokerPid) - cpuAtStart.broker, bench: cpuSeconds('self') - cpuAtStart.bench, wall: measuredSeconds }
  // let the consumer catch up with the last requests before stopping it
  const deadline = performance.now() + 5000
  const behind = (): boolean => received < sentMeasured
  while (behind() && performance.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20))
  const stopped = new Promise<void>(resolve => consumer.on('message', (message: unknown) => { if (message === 'stopped') resolve() }))
  consumer.postMessage('stop')
  await stopped
  await consumer.terminate()
  client.close()
  return { cpu, targetMBps: mbps, achievedMBps: sentBytesMeasured / 1e6 / measuredSeconds, endToEnd, ack, received, sent: sentMeasured, requests, offsets, topic, producerLoop: [producerLoop.percentile(50), producerLoop.percentile(99), producerLoop.max], consumerLoop }
}

/** fdatasync after each 64 KiB append, for `count` appends: the floor under every acks=all answer. */
function fsyncLatency (dir: string, count: number): Histogram {
  const h = histogram()
  const path = join(dir, 'fsync-latency.bin')
  const fd = openSync(path, 'w')
  const chunk = Buffer.alloc(64 << 10, 0x62)
  try {
    for (let i = 0; i < count; i++) {
      writeSync(fd, chunk)
      const t = nowUs()
      fdatasyncSync(fd)
      h.recordValue(Math.max(1, Math.round(nowUs() - t)))
    }
  } finally {
    closeSync(fd)
    rmSync(path, { force: true })
  }
  return h
}

const row = (name: string, h: Histogram, extra = ''): string =>
  `${name.padEnd(40)} ${ms(h, 50).toFixed(2).padStart(8)} ${ms(h, 99).toFixed(2).padStart(8)} ${ms(h, 99.9).toFixed(2).padStart(8)} ${(h.maxValue / 1000).toFixed(2).padStart(8)}  ${extra}`

const work = mkdtempSync(join(tmpdir(), 'tributary-latency-'))
const entry = existsSync(join(projectRoot, 'dist', 'cli', 'main.js')) ? BrokerEntry.compiled : BrokerEntry.source
const base = process.env.LATENCY_BASE
const traceGc = process.env.LATENCY_TRACE_GC === '1'
const breakdown = process.env.LATENCY_BREAKDOWN === '1'
const tracePath = (engine: string): string => join(work, `produce-trace-${engine}.txt`)
const engines = [{ name: 'this', mainScript: undefined as string | undefined }, ...(base === undefined ? [] : [{ name: 'base', mainScript: join(base, 'dist', 'cli', 'main.js') }])]
const brokers: BrokerProcess[] = []
const results: Array<RateResult & { engine: string }> = []
try {
  for (const e of engines) {
    brokers.push(await BrokerProcess.start({
      entry: e.mainScript === undefined ? entry : BrokerEntry.compiled,
      mainScript: e.mainScript,
      dataDir: join(work, `data-${e.name}`),
      env: {
        ...(traceGc ? { NODE_DEBUG: 'tributary-background' } : {}),
        ...(breakdown && e.name === 'this' ? { TRIBUTARY_PRODUCE_TRACE: tracePath(e.name) } : {})
      },
      nodeArgs: [...(traceGc ? ['--trace-gc'] : []), ...(process.env.LATENCY_NODE_ARGS ?? '').split(' ').filter(a => a !== '')]
    }))
  }
  console.log(`End-to-end latency, 1 KB messages, acks=all, ${seconds} s per rate after ${warmupMs / 1000} s of warm-up, one request per ${tickMs} ms` +
    `${base === undefined ? '' : `; this build and ${base}, alternating`}; load ${loadavg().map(l => l.toFixed(2)).join(' ')}`)
  const fsync = fsyncLatency(work, 500)
  for (const [i, mbps] of rates.entries()) {
    const order = i % 2 === 0 ? engines.map((_, k) => k) : engines.map((_, k) => k).reverse()
    for (const k of order) results.push({ ...await runAt(brokers[k]!.bootstrap, brokers[k]!.pid!, `latency-${mbps}-${i}`, mbps), engine: engines[k]!.name })
  }
  console.log(`\n${'ms'.padEnd(40)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'p99.9'.padStart(8)} ${'max'.padStart(8)}`)
  const label = (r: { engine: string }): string => (base === undefined ? '' : ` (${r.engine})`)
  for (const r of results) {
    console.log(row(`end to end at ${r.targetMBps} MB/s${label(r)}`, r.endToEnd, `achieved ${r.achievedMBps.toFixed(1)} MB/s, ${r.received} of ${r.sent} received`))
    console.log(row(`produce ack at ${r.targetMBps} MB/s${label(r)}`, r.ack, '(per request)'))
    // the monitor's timer fires every 1 ms and records the whole interval: what is beyond it is the thread's lateness
    const loop = (d: LoopDelay): string => d.map(ns => Math.max(0, ns / 1e6 - 1).toFixed(2)).join('/')
    console.log(`${''.padEnd(40)} bench threads' event loop late p50/p99/max ms: producer ${loop(r.producerLoop)}, consumer ${loop(r.consumerLoop)}; ` +
      `CPU s broker ${r.cpu.broker.toFixed(1)}, bench ${r.cpu.bench.toFixed(1)} in ${r.cpu.wall.toFixed(1)} s`)
  }
  console.log(row('fdatasync after a 64 KiB append', fsync, '(this file system, same run)'))
  if (base !== undefined) {
    console.log('\nratios this / base (below 1: this build is faster)')
    // one line per pair (a rate listed twice in BENCH_RATES is two pairs)
    for (const [i, mbps] of rates.entries()) {
      const mine = results.filter(r => r.engine === 'this')[i]!
      const theirs = results.filter(r => r.engine === 'base')[i]!
      const ratio = (h: 'endToEnd' | 'ack', p: number): string => (ms(mine[h], p) / ms(theirs[h], p)).toFixed(2)
      console.log(`  at ${mbps} MB/s: end to end p50 ${ratio('endToEnd', 50)}, p99 ${ratio('endToEnd', 99)}, p99.9 ${ratio('endToEnd', 99.9)}; ` +
        `produce ack p50 ${ratio('ack', 50)}, p99 ${ratio('ack', 99)}, p99.9 ${ratio('ack', 99.9)}`)
    }
  }
  if (traceGc) {
    for (const [k, b] of brokers.entries()) {
      // LATENCY_TRACE_GC_KEEP=<prefix> keeps each broker's --trace-gc output (<prefix>-<engine>.txt) for a closer look
      if (process.env.LATENCY_TRACE_GC_KEEP !== undefined) writeFileSync(`${process.env.LATENCY_TRACE_GC_KEEP}-${engines[k]!.name}.txt`, b.output())
      const pauses = [...b.output().matchAll(/ms: (\S+)(?: \([^)]*\))? [\d.]+ \([\d.]+\) -> [\d.]+ \([\d.]+\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms/g)]
        .map(m => ({ kind: m[1]!, ms: Number(m[2]) }))
      const total = pauses.reduce((a, p) => a + p.ms, 0)
      const longest = [...pauses].sort((a, b) => b.ms - a.ms).slice(0, 5).map(p => `${p.kind} ${p.ms.toFixed(1)}`).join(', ')
      console.log(`broker GC (${engines[k]!.name}): ${pauses.length} pauses, ${total.toFixed(0)} ms in all; longest ${longest}`)
      const reasons = new Map<string, number>()
      for (const m of b.output().matchAll(/ms: (Mark-Compact|Scavenge)[^\n]*?current mu = [\d.]+\) ([^;\n]*)/g)) {
        const key = `${m[1]}: ${m[2]!.trim()}`
        reasons.set(key, (reasons.get(key) ?? 0) + 1)
      }
      console.log(`  why: ${[...reasons].map(([why, n]) => `${n} x ${why}`).join('; ')}`)
      for (const r of results.filter(r => r.engine === engines[k]!.name)) {
        console.log(`  produce acks at ${r.targetMBps} MB/s: ${attributeSlowRequests(r.requests, brokerSpans(b.output()), 99)}`)
      }
    }
  }
  for (const r of results) {
    if (r.engine !== 'this') continue
    const p99 = ms(r.endToEnd, 99)
    const goal = r.targetMBps === 20 ? { target: 'p99 <= 5 ms', met: p99 <= 5 } : {}
    recordFigure({ figure: `end-to-end latency p50 at ${r.targetMBps} MB/s (1 KB)`, value: ms(r.endToEnd, 50), unit: 'ms', limit: `reached ${r.achievedMBps.toFixed(1)} MB/s`, source: 'bench/latency.ts' })
    recordFigure({ figure: `end-to-end latency p99 at ${r.targetMBps} MB/s (1 KB)`, value: p99, unit: 'ms', ...goal, source: 'bench/latency.ts' })
    recordFigure({ figure: `end-to-end latency p99.9 at ${r.targetMBps} MB/s`, value: ms(r.endToEnd, 99.9), unit: 'ms', source: 'bench/latency.ts' })
    recordFigure({ figure: `end-to-end latency max at ${r.targetMBps} MB/s`, value: r.endToEnd.maxValue / 1000, unit: 'ms', source: 'bench/latency.ts' })
    recordFigure({ figure: `produce-ack latency p99 at ${r.targetMBps} MB/s`, value: ms(r.ack, 99), unit: 'ms', source: 'bench/latency.ts' })
  }
  recordFigure({ figure: 'fdatasync latency p99 (64 KiB append)', value: ms(fsync, 99), unit: 'ms', source: 'bench/latency.ts' })
  console.log(`load at the end ${loadavg().map(l => l.toFixed(2)).join(' ')}`)
} finally {
  for (const b of brokers) { await b.stop(); await b.cleanup() }
  // the broker writes what is left of its trace as it exits
  if (breakdown && existsSync(tracePath('this'))) {
    const text = readFileSync(tracePath('this'), 'utf8')
    // LATENCY_BREAKDOWN_KEEP=<file> keeps the raw trace for a closer look
    if (process.env.LATENCY_BREAKDOWN_KEEP !== undefined) writeFileSync(process.env.LATENCY_BREAKDOWN_KEEP, text)
    for (const r of results.filter(r => r.engine === 'this')) {
      console.log(`\nproduce ack at ${r.targetMBps} MB/s (this), step by step:`)
      for (const line of breakdownLines(r.requests, r.offsets, text, r.topic)) console.log(line)
    }
  }
  rmSync(work, { recursive: true, force: true })
}
