// The test-suite pattern: start an embedded broker (memory mode), use it, close
// it, many times in one process. Reports start-to-ready and close() times
// (p50/p99; targets: start < 100 ms, close < 50 ms) and RSS / heap after the
// cycles against before, with a GC on both sides, to show nothing is kept.
// Each cycle does real work: a topic created up front, one client connection
// that produces and reads back, so connections and partitions are torn down too.
// Run: node --expose-gc --import tsx bench/embedded.ts   (BENCH_CYCLES, default 100)
import { Kafka, logLevel } from 'kafkajs'
import { startTributary } from '../src/index.js'

const cycles = Number(process.env.BENCH_CYCLES ?? '100')
const gc = (globalThis as { gc?: () => void }).gc

async function settleMemory (): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    gc?.()
    await new Promise(resolve => setImmediate(resolve))
  }
  return process.memoryUsage()
}

async function cycle (): Promise<{ startMs: number, closeMs: number }> {
  const started = performance.now()
  const t = await startTributary({ topics: [{ name: 'bench', partitions: 3 }] })
  const startMs = performance.now() - started
  const producer = new Kafka({ brokers: t.brokers, logLevel: logLevel.NOTHING }).producer()
  await producer.connect()
  await producer.send({ topic: 'bench', messages: [{ value: 'x'.repeat(1000) }] })
  await producer.disconnect()
  if ((await t.records('bench')).length !== 1) throw new Error('the produced record is not in the log')
  const closing = performance.now()
  await t.close()
  return { startMs, closeMs: performance.now() - closing }
}

function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1)

// warm-up: module loading and JIT are a one-time cost of the suite, not of each broker
for (let i = 0; i < 5; i++) await cycle()
const before = await settleMemory()
const starts: number[] = []
const closes: number[] = []
for (let i = 0; i < cycles; i++) {
  const { startMs, closeMs } = await cycle()
  starts.push(startMs)
  closes.push(closeMs)
}
const after = await settleMemory()
starts.sort((a, b) => a - b)
closes.sort((a, b) => a - b)

console.log(`embedded broker, memory mode, ${cycles} start/produce/close cycles${gc === undefined ? ' (run with --expose-gc for exact memory figures)' : ''}`)
console.log(`start to ready  p50 ${percentile(starts, 50).toFixed(1)} ms  p99 ${percentile(starts, 99).toFixed(1)} ms  max ${starts.at(-1)!.toFixed(1)} ms  (target < 100 ms)`)
console.log(`close()         p50 ${percentile(closes, 50).toFixed(1)} ms  p99 ${percentile(closes, 99).toFixed(1)} ms  max ${closes.at(-1)!.toFixed(1)} ms  (target < 50 ms)`)
console.log(`RSS   before ${mb(before.rss)} MB  after ${mb(after.rss)} MB  (${after.rss >= before.rss ? '+' : ''}${mb(after.rss - before.rss)} MB)`)
console.log(`heap  before ${mb(before.heapUsed)} MB  after ${mb(after.heapUsed)} MB  (${after.heapUsed >= before.heapUsed ? '+' : ''}${mb(after.heapUsed - before.heapUsed)} MB, ${((after.heapUsed - before.heapUsed) / cycles / 1024).toFixed(1)} KiB per cycle)`)
