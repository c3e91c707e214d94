// How long a parked Fetch takes from the write it waits for to its answer at the client (issue 15, target 3: the read
// side's share of end-to-end latency), with the tail cache on (the woken fetch is answered from memory) and off (it
// reads the log file through libuv's thread pool, as every parked fetch did before). One process holds two brokers
// (Tributary in-process, cache on / off) and their clients; each sample parks a Fetch (maxWaitMs 5 s) at the end of
// a partition, waits until the broker has parked it, appends a 100 KB batch (100 x 1 KB, one 5 ms tick at 20 MB/s)
// straight to the log and times append-start -> answer received. Variants alternate in blocks; both pay the same
// write, so the difference is the wake and the read. SAMPLES (default 600 per variant).
// Usage: node --import tsx bench/fetch-wake.ts
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { build } from 'hdr-histogram-js'
import { defaultConfig } from '../src/config.js'
import { Tributary } from '../src/tributary.js'
import { KafkaConnection, TopicAdmin, KafkaClient } from '../src/client/index.js'
import { fetchApi } from '../src/protocol/messages/fetch.js'
import { encodeBatch } from '../src/protocol/records/index.js'
import type { PartitionLog } from '../src/log/partition-log.js'
import { recordFigure } from './summary.js'

const samples = Math.max(50, Number(process.env.SAMPLES ?? 600))
const block = 50
const load = (): string => loadavg().map(l => l.toFixed(2)).join(' ')

interface Variant { name: string, app: Tributary, connection: KafkaConnection, partition: PartitionLog, parked: (() => void) | null, offset: number, histogram: ReturnType<typeof build> }

async function start (name: string, cacheBytes: number, dir: string): Promise<Variant> {
  const app = new Tributary({
    ...defaultConfig,
    topicDefaults: {},
    dataDir: join(dir, name.replace(/\W/g, '')),
    kafkaPort: 0,
    httpPort: 0,
    fetchTailCacheBytes: cacheBytes,
    listeners: [{ name: 'PLAIN', host: '127.0.0.1', port: 0, protocol: 'PLAINTEXT' }]
  }, pino({ level: 'silent' }))
  await app.start()
  const port = app.components.broker.ports.get('PLAIN')!
  const admin = await KafkaClient.connect(`127.0.0.1:${port}`)
  await new TopicAdmin(admin).create('wake', 1)
  admin.close()
  const partition = app.components.log.partition('wake', 0)!
  const variant: Variant = { name, app, connection: await KafkaConnection.open({ host: '127.0.0.1', port }), partition, parked: null, offset: 0, histogram: build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 }) }
  // tells the sample when the broker has parked its fetch
  const real = partition.onData.bind(partition)
  partition.onData = (offset, wake) => {
    const cancel = real(offset, wake)
    variant.parked?.()
    return cancel
  }
  return variant
}

const value = Buffer.alloc(1024, 0x61)
const batch = encodeBatch(Array.from({ length: 100 }, () => ({ value })))

async function sample (v: Variant, record: boolean): Promise<void> {
  const parked = new Promise<void>(resolve => { v.parked = resolve })
  const answer = v.connection.send(fetchApi, 12, {
    replicaId: -1,
    maxWaitMs: 5000,
    minBytes: 1,
    maxBytes: 8 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: 'wake', partitions: [{ partition: 0, fetchOffset: v.offset, partitionMaxBytes: 8 << 20 }] }],
    forgottenTopicsData: [],
    rackId: ''
  })
  await parked
  v.parked = null
  const t0 = performance.now()
  const appended = v.partition.append(Buffer.from(batch))
  const body = await answer
  const us = (performance.now() - t0) * 1000
  await appended
  const bytes = body.responses[0]?.partitions[0]?.records?.length ?? 0
  if (bytes === 0) throw new Error('TRIB_ERR_BENCH_FETCH_WAKE: the parked fetch was answered without the batch')
  v.offset += 100
  if (record) v.histogram.recordValue(Math.max(1, Math.round(us)))
}

const work = mkdtempSync(join(tmpdir(), 'tributary-fetch-wake-'))
const variants = [await start('cache on', defaultConfig.fetchTailCacheBytes, work), await start('cache off', 0, work)]
try {
  console.log(`Parked Fetch: write -> answer at the client, 100 x 1 KB per write, ${samples} samples per variant in blocks of ${block}, load ${load()}`)
  for (const v of variants) for (let i = 0; i < 20; i++) await sample(v, false) // warm-up
  for (let done = 0; done < samples; done += block) {
    for (const v of done % (2 * block) === 0 ? variants : [...variants].reverse()) {
      for (let i = 0; i < block; i++) await sample(v, true)
    }
  }
  const ms = (v: Variant, p: number): number => v.histogram.getValueAtPercentile(p) / 1000
  console.log(`${'ms'.padEnd(12)} ${'p50'.padStart(7)} ${'p90'.padStart(7)} ${'p99'.padStart(7)} ${'p99.9'.padStart(7)} ${'max'.padStart(7)}`)
  for (const v of variants) {
    console.log(`${v.name.padEnd(12)} ${[50, 90, 99, 99.9].map(p => ms(v, p).toFixed(2).padStart(7)).join(' ')} ${(v.histogram.maxValue / 1000).toFixed(2).padStart(7)}`)
  }
  const [on, off] = variants as [Variant, Variant]
  console.log(`cache on / off: p50 ${(ms(on, 50) / ms(off, 50)).toFixed(2)}, p90 ${(ms(on, 90) / ms(off, 90)).toFixed(2)}, p99 ${(ms(on, 99) / ms(off, 99)).toFixed(2)}; load ${load()}`)
  recordFigure({ figure: 'parked fetch write -> answer p99, cache on', value: ms(on, 99), unit: 'ms', source: 'bench/fetch-wake.ts' })
  recordFigure({ figure: 'parked fetch write -> answer p99, cache off', value: ms(off, 99), unit: 'ms', source: 'bench/fetch-wake.ts' })
} finally {
  for (const v of variants) { v.connection.close(); await v.app.stop() }
  rmSync(work, { recursive: true, force: true })
}
