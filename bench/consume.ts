// Consume with and without the tail cache, side by side in one run (issue 15, target 2): two brokers
// (node dist/cli/main.js start), one with fetchTailCacheBytes=0, one with the default (64 MiB), each
// holding the same data, read by kcat (librdkafka) and @platformatic/kafka, in alternating order.
//   catch-up: the whole partition from offset 0 after it was written (COUNT messages of 1 KB; with the
//             default COUNT=50,000 it all fits in the cache, so this is "catching up on recent data")
//   tail:     a consumer fetching while kafkajs produces, one fetch at a time, until it has every message
// Broker CPU per GB served: process_cpu_seconds_total from the broker's /metrics before and after each read.
// CONSUME_BASE=<dir of another build> (e.g. ../previous-checkout) adds that build's broker (cache on) to every round.
// Usage: npm run build && node --import tsx bench/consume.ts   (CONSUME_COUNT=50000 CONSUME_ROUNDS=2)
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { BrokerEntry, BrokerProcess } from '../test/helpers/broker-process.js'
import { kcatConsume, kcatProduce, writeMessageFile } from './kcat-client.js'
import { createTopics } from './kafka-admin.js'
import { mbPerSecond, type Rate } from './limits.js'
import { kafkajsProduce, platformaticConsume } from './node-client.js'

const count = Number(process.env.CONSUME_COUNT ?? 50_000)
const rounds = Math.max(1, Number(process.env.CONSUME_ROUNDS ?? 2))
const size = 1024
const baseDir = process.env.CONSUME_BASE

/** The broker's CPU seconds so far and the Fetch requests it has handled, from one scrape of /metrics. */
async function counters (broker: BrokerProcess): Promise<{ cpu: number, fetches: number }> {
  const text = await (await fetch(`${broker.httpUrl}/metrics`)).text()
  const value = (prefix: string): number | undefined => {
    const line = text.split('\n').find(l => l.startsWith(prefix))
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  const cpu = value('process_cpu_seconds_total ')
  if (cpu === undefined) throw new Error('TRIB_ERR_BENCH_METRICS: no process_cpu_seconds_total in /metrics')
  return { cpu, fetches: value('tributary_kafka_requests_total{api="Fetch"}') ?? 0 }
}

/** Fetches per MB served: a consumer at the tail that is answered sooner asks more often, for less each time. */
interface Figure { mbPerSecond: number, cpuSecondsPerGb: number, fetchesPerMb: number }

async function measured (broker: BrokerProcess, fn: () => Promise<Rate>): Promise<Figure> {
  const before = await counters(broker)
  const rate = await fn()
  const after = await counters(broker)
  return { mbPerSecond: mbPerSecond(rate), cpuSecondsPerGb: (after.cpu - before.cpu) / (rate.bytes / 1e9), fetchesPerMb: (after.fetches - before.fetches) / (rate.bytes / 1e6) }
}

async function main (): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'tributary-consume-'))
  console.log(`Consume with and without the tail cache, ${new Date().toISOString()}, ${cpus().length} cores, ${count} x ${size} B per topic, ${rounds} rounds`)
  const file = join(work, 'messages.txt')
  await writeMessageFile(file, count, size)
  const variants: Array<{ name: string, env: Record<string, string>, mainScript?: string }> = [
    { name: 'cache off', env: { TRIBUTARY_FETCH_TAIL_CACHE_BYTES: '0' } },
    { name: 'cache 64 MiB', env: {} },
  ]
  // CONSUME_BASE=<dir of another build>: that build's broker (cache on, its default) beside these, same runs
  if (baseDir !== undefined && baseDir !== '') variants.push({ name: 'base build', env: {}, mainScript: join(baseDir, 'dist', 'cli', 'main.js') })
  const brokers = await Promise.all(variants.map(v => BrokerProcess.start({ entry: BrokerEntry.compiled, dataDir: join(work, v.name.replace(/\W/g, '')), env: v.env, mainScript: v.mainScript })))
  const results = new Map<string, Figure[]>()
  const add = (key: string, f: Figure): void => {
    results.set(key, [...(results.get(key) ?? []), f])
    console.log(`  ${key}: ${f.mbPerSecond.toFixed(1)} MB/s, broker ${f.cpuSecondsPerGb.toFixed(2)} CPU s/GB, ${f.fetchesPerMb.toFixed(2)} fetches/MB`)
  }
  try {
    for (let r = 0; r < rounds; r++) {
      // alternate which broker goes first, so neither always runs on a warmer or quieter machine
      const order = r % 2 === 0 ? variants.map((_, i) => i) : variants.map((_, i) => variants.length - 1 - i)
      for (const i of order) {
        const broker = brokers[i]!
        const v = variants[i]!
        const kcatTopic = `catchup-kcat-${r}`
        const nodeTopic = `catchup-node-${r}`
        const tailTopic = `tail-${r}`
        await createTopics(broker.bootstrap, [kcatTopic, nodeTopic, tailTopic])
        await kcatProduce(broker.bootstrap, kcatTopic, file, count, size)
        await kcatProduce(broker.bootstrap, nodeTopic, file, count, size)
        add(`${v.name} | catch-up kcat`, await measured(broker, () => kcatConsume(broker.bootstrap, kcatTopic, count, size)))
        add(`${v.name} | catch-up @platformatic/kafka`, await measured(broker, () => platformaticConsume(broker.bootstrap, nodeTopic, count, size)))
        const tailCount = Math.ceil(count / 500) * 500
        add(`${v.name} | tail @platformatic/kafka beside kafkajs produce`, await measured(broker, async () => {
          const [, consumed] = await Promise.all([
            kafkajsProduce(broker.bootstrap, tailTopic, { count: tailCount, size, messagesPerSend: 500, sendsInFlight: 2 }),
            platformaticConsume(broker.bootstrap, tailTopic, tailCount, size, true),
          ])
          return consumed
        }))
      }
    }
  } finally {
    for (const b of brokers) { await b.stop(); await b.cleanup() }
    rmSync(work, { recursive: true, force: true })
  }
  console.log('\nMean over rounds (f/MB: Fetch requests per MB served)')
  console.log('                           cache off                       cache 64 MiB                    ratio (on/off)  CPU s/GB ratio')
  const figures = ['catch-up kcat', 'catch-up @platformatic/kafka', 'tail @platformatic/kafka beside kafkajs produce']
  const mean = (fs: Figure[], k: keyof Figure): number => fs.reduce((a, f) => a + f[k], 0) / fs.length
  for (const f of figures) {
    const off = results.get(`cache off | ${f}`) ?? []
    const on = results.get(`cache 64 MiB | ${f}`) ?? []
    if (off.length === 0 || on.length === 0) continue
    const cell = (fs: Figure[]): string => `${mean(fs, 'mbPerSecond').toFixed(1)} MB/s ${mean(fs, 'cpuSecondsPerGb').toFixed(2)} s/GB ${mean(fs, 'fetchesPerMb').toFixed(2)} f/MB`.padEnd(31)
    console.log(`${f}\n  ${''.padEnd(24)} ${cell(off)} ${cell(on)} ${(mean(on, 'mbPerSecond') / mean(off, 'mbPerSecond')).toFixed(2).padEnd(15)} ${(mean(on, 'cpuSecondsPerGb') / mean(off, 'cpuSecondsPerGb')).toFixed(2)}`)
    const base = results.get(`base build | ${f}`) ?? []
    if (base.length > 0) {
      console.log(`  base build (cache on)    ${cell(base)} this build cache on / base: speed ${(mean(on, 'mbPerSecond') / mean(base, 'mbPerSecond')).toFixed(2)}, ` +
        `CPU s/GB ${(mean(on, 'cpuSecondsPerGb') / mean(base, 'cpuSecondsPerGb')).toFixed(2)}`)
    }
  }
}

await main()
