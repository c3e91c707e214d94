// Broker CPU per GB served to consumers at the tail, with the tail cache on and off (issue 15, target 2: the cache
// must never cost more than no cache). A producer (Tributary's own client, acks=all) writes 1 KB messages at a steady
// RATE MB/s for BENCH_SECONDS; READERS raw Fetch loops (bench/raw-fetch-client.ts, long-polling 500 ms, records not
// decoded) follow the tail of the same partition. Each round also runs the producer alone, and the serving cost is
//   (broker CPU with readers - broker CPU producing alone) / bytes served,
// so the produce path's cost, the same in both, does not dilute the comparison. Brokers: cache off
// (fetchTailCacheBytes=0), cache on (the default), and CONSUME_BASE=<dir of another build> (cache on) beside them,
// in alternating order, ROUNDS times; medians are printed with the load average.
// CONSUME_PROFILE=<dir> starts the cache-on broker with --cpu-prof (the profile lands in <dir> at stop).
// Usage: npm run build && node --import tsx bench/consume-tail.ts   (RATE=20 BENCH_SECONDS=5 READERS=4 ROUNDS=3)
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { BrokerEntry, BrokerProcess } from '../test/helpers/broker-process.js'
import { KafkaClient, Producer, TopicAdmin } from '../src/client/index.js'
import { rawTailConsume } from './raw-fetch-client.js'
import { recordFigure } from './summary.js'

const rate = Number(process.env.RATE ?? 20)
const seconds = Number(process.env.BENCH_SECONDS ?? 5)
const readers = Math.max(1, Number(process.env.READERS ?? 4))
const rounds = Math.max(1, Number(process.env.ROUNDS ?? 3))
const baseDir = process.env.CONSUME_BASE
const profileDir = process.env.CONSUME_PROFILE
const size = 1024
const tickMs = 5
const load = (): string => loadavg().map(l => l.toFixed(2)).join(' ')

async function cpuSeconds (broker: BrokerProcess): Promise<number> {
  const text = await (await fetch(`${broker.httpUrl}/metrics`)).text()
  const line = text.split('\n').find(l => l.startsWith('process_cpu_seconds_total '))
  if (line === undefined) throw new Error('TRIB_ERR_BENCH_METRICS: no process_cpu_seconds_total in /metrics')
  return Number(line.split(' ')[1])
}

/** Sends RATE MB/s of 1 KB messages to partition 0 for BENCH_SECONDS, one acks=all request per tick; resolves with the end offset. */
async function produceSteadily (producer: Producer, topic: string): Promise<number> {
  const perTick = Math.max(1, Math.round(rate * 1e6 / size * tickMs / 1000))
  const value = Buffer.alloc(size, 0x61)
  const records = Array.from({ length: perTick }, () => ({ value, partition: 0 }))
  const inFlight = new Set<Promise<unknown>>()
  const start = performance.now()
  let end = 0
  for (let tick = 0; tick * tickMs < seconds * 1000; tick++) {
    const wait = start + tick * tickMs - performance.now()
    if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait))
    const send = producer.send(topic, records, { acks: -1 }).then(r => { end = Math.max(end, (r[r.length - 1]?.offset ?? -1) + 1) }).finally(() => inFlight.delete(send))
    inFlight.add(send)
    if (inFlight.size >= 64) await Promise.race(inFlight)
  }
  await Promise.all(inFlight)
  return end
}

interface Sample { servedGb: number, serveCpuSecondsPerGb: number, produceAloneCpu: number, fetchesPerMb: number }

async function round (broker: BrokerProcess, r: number): Promise<Sample> {
  const client = await KafkaClient.connect(broker.bootstrap)
  try {
    const admin = new TopicAdmin(client)
    const producer = new Producer(client)
    await admin.create(`alone-${r}`, 1)
    await admin.create(`tail-${r}`, 1)
    let before = await cpuSeconds(broker)
    await produceSteadily(producer, `alone-${r}`)
    const alone = await cpuSeconds(broker) - before
    const [host, port] = broker.bootstrap.split(':')
    before = await cpuSeconds(broker)
    const tail = rawTailConsume({ host: host ?? '127.0.0.1', port: Number(port), topic: `tail-${r}`, readers, partitionMaxBytes: 1 << 20, maxWaitMs: 500 })
    tail.finish(await produceSteadily(producer, `tail-${r}`))
    const served = await tail.done
    const withReaders = await cpuSeconds(broker) - before
    const servedGb = served.bytes / 1e9
    return { servedGb, serveCpuSecondsPerGb: (withReaders - alone) / servedGb, produceAloneCpu: alone, fetchesPerMb: served.fetches / (served.bytes / 1e6) }
  } finally {
    client.close()
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function main (): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'tributary-consume-tail-'))
  console.log(`Tail consume: ${rate} MB/s of ${size} B acks=all for ${seconds} s, ${readers} raw Fetch readers at the tail, ${rounds} rounds, ` +
    `${new Date().toISOString()}, ${cpus().length} cores, load ${load()}`)
  const variants: Array<{ name: string, env: Record<string, string>, mainScript?: string }> = [
    { name: 'cache off', env: { TRIBUTARY_FETCH_TAIL_CACHE_BYTES: '0' } },
    { name: 'cache on', env: {} }
  ]
  if (baseDir !== undefined && baseDir !== '') variants.push({ name: 'base build', env: {}, mainScript: join(baseDir, 'dist', 'cli', 'main.js') })
  const brokers = await Promise.all(variants.map(v => BrokerProcess.start({ entry: BrokerEntry.compiled, dataDir: join(work, v.name.replace(/\W/g, '')), env: v.env, mainScript: v.mainScript, nodeArgs: v.name === 'cache on' && profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] })))
  const results = new Map<string, Sample[]>()
  try {
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? variants.map((_, i) => i) : variants.map((_, i) => variants.length - 1 - i)
      for (const i of order) {
        const s = await round(brokers[i]!, r)
        const name = variants[i]!.name
        results.set(name, [...(results.get(name) ?? []), s])
        console.log(`  ${name}: served ${(s.servedGb * 1000).toFixed(0)} MB, serving ${s.serveCpuSecondsPerGb.toFixed(2)} CPU s/GB ` +
          `(producing alone ${s.produceAloneCpu.toFixed(2)} CPU s), ${s.fetchesPerMb.toFixed(2)} fetches/MB, load ${load()}`)
      }
    }
  } finally {
    for (const b of brokers) { await b.stop(); await b.cleanup() }
    rmSync(work, { recursive: true, force: true })
  }
  const cost = (name: string): number => median((results.get(name) ?? []).map(s => s.serveCpuSecondsPerGb))
  console.log(`\nMedian serving CPU s/GB (load now ${load()}):`)
  for (const v of variants) console.log(`  ${v.name.padEnd(11)} ${cost(v.name).toFixed(2)}`)
  const ratio = cost('cache on') / cost('cache off')
  console.log(`  cache on / cache off ${ratio.toFixed(2)}` + (results.has('base build') ? `; cache on / base build ${(cost('cache on') / cost('base build')).toFixed(2)}` : ''))
  recordFigure({ figure: `tail serving CPU (${readers} readers, ${rate} MB/s, cache on)`, value: cost('cache on'), unit: 'CPU s/GB', source: 'bench/consume-tail.ts' })
  recordFigure({ figure: 'tail serving CPU, cache on / cache off', value: ratio, unit: 'ratio', target: '<= 1', met: ratio <= 1, source: 'bench/consume-tail.ts' })
}

await main()
