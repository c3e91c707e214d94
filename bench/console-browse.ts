// The console's message browser on a topic of 1,000,000 records: produce them
// (4 partitions, 100-byte JSON values), then read pages of 500 through
// GET /api/console/topics/:name/messages, following the cursor, and report the
// time per page and the broker's heap as pages go by: paging keeps one page in
// memory, so the heap must not grow with the pages read. Also times a seek by
// timestamp into the middle of the topic.
// Run: node --import tsx bench/console-browse.ts   (BENCH_RECORDS, default 1000000; BENCH_PAGES, default 400)
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { defaultConfig } from '../src/config.js'
import { Tributary } from '../src/tributary.js'
import { KafkaClient, Producer, TopicAdmin } from '../src/client/index.js'

const records = Number(process.env.BENCH_RECORDS ?? '1000000')
const pages = Number(process.env.BENCH_PAGES ?? '400')
const dataDir = await mkdtemp(join(tmpdir(), 'tributary-bench-browse-'))
const config = { ...defaultConfig, topicDefaults: {}, dataDir, host: '127.0.0.1', kafkaPort: 0, httpPort: 0, flushPolicy: 'interval' as const }
const app = new Tributary(config, pino({ level: 'silent' }), { processMetrics: false })
await app.start()
const client = await KafkaClient.connect(`127.0.0.1:${config.kafkaPort}`)
await new TopicAdmin(client).create('browse', 4)
const producer = new Producer(client)
const base = Date.now() - records
let started = performance.now()
const batch = 10_000
for (let i = 0; i < records; i += batch) {
  const list = []
  for (let j = i; j < Math.min(records, i + batch); j++) list.push({ partition: j % 4, key: `k${j}`, value: JSON.stringify({ n: j, source: 'bench', padding: 'x'.repeat(60) }), timestamp: base + j })
  await producer.send('browse', list, { acks: 1 })
}
console.log(`produced ${records} records in ${Math.round(performance.now() - started)} ms`)

const url = `http://127.0.0.1:${config.httpPort}/api/console/topics/browse/messages`
globalThis.gc?.()
const heapAt = (): number => Math.round(process.memoryUsage().heapUsed / 1024 / 1024)
const heapBefore = heapAt()
let cursor = ''
let seen = 0
started = performance.now()
const heaps: number[] = []
for (let page = 1; page <= pages; page++) {
  const body = await (await fetch(`${url}?limit=500${cursor === '' ? '' : `&cursor=${cursor}`}`)).json() as { records: unknown[], cursor: string }
  seen += body.records.length
  cursor = body.cursor
  if (page % 100 === 0) heaps.push(heapAt())
}
const ms = performance.now() - started
console.log(`${pages} pages of 500 (${seen} records): ${(ms / pages).toFixed(1)} ms per page; heap MB before ${heapBefore}, every 100 pages ${heaps.join(', ')}`)
started = performance.now()
const middle = await (await fetch(`${url}?limit=500&from=timestamp&timestamp=${base + records / 2}`)).json() as { records: Array<{ value: { text: string } }> }
console.log(`seek to the middle by timestamp + one page: ${Math.round(performance.now() - started)} ms, first n = ${JSON.parse(middle.records[0]?.value.text ?? '{}').n}`)
client.close()
await app.stop()
await rm(dataDir, { recursive: true, force: true })
