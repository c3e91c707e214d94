// `npm run bench:peers` (also the last step of `npm run bench`): Tributary's produce next to Redis Streams and
// NATS JetStream, same message sizes, same machine, same run, each started here on loopback in a temp dir.
// Durability is not equal, and the table says so: Tributary answers acks=all after fdatasync (group commit);
// Redis is shown with appendfsync everysec (its usual setting) and always (fsync before each reply); NATS
// JetStream with file storage at its default (no fsync per write; Debian's 2.9 has no stronger setting).
// Clients: kcat (librdkafka, C) for Tributary and redis-benchmark (C, pipelined XADD) for Redis; nats.js for
// NATS, beside kafkajs for Tributary, so each Node client is compared with a Node client too.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { BrokerEntry, BrokerProcess, projectRoot } from '../test/helpers/broker-process.js'
import { createTopics, endOffset } from './kafka-admin.js'
import { kcatProduce, writeMessageFile } from './kcat-client.js'
import { mbPerSecond, type Rate } from './limits.js'
import { kafkajsProduce } from './node-client.js'
import { natsPublish, redisXadd } from './peers/clients.js'
import { installed, natsVersion, startNats, startRedis, type PeerServer } from './peers/servers.js'
import { recordFigure } from './summary.js'

const scale = Number(process.env.BENCH_SCALE ?? '1')
const sizes = [
  { label: '100 B', size: 100, count: Math.round(1_000_000 * scale), nodeCount: Math.round(300_000 * scale) },
  { label: '1 KB', size: 1024, count: Math.round(300_000 * scale), nodeCount: Math.round(100_000 * scale) }
]

interface Result {
  system: string
  durability: string
  client: string
  messageBytes: number
  messagesPerSecond: number | null
  mbPerSecond: number | null
  error?: string
}

async function measure (what: string, fn: () => Promise<Rate>): Promise<Rate | Error> {
  process.stdout.write(`  ${what} ... `)
  try {
    const rate = await fn()
    console.log(`${mbPerSecond(rate).toFixed(1)} MB/s in ${rate.seconds.toFixed(2)} s`)
    return rate
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error))
    console.log(`FAILED: ${e.message.split('\n')[0]}`)
    return e
  }
}

async function withServer (start: () => Promise<PeerServer>, fn: (port: number) => Promise<Rate>): Promise<Rate> {
  const server = await start()
  try {
    return await fn(server.port)
  } finally {
    await server.close()
  }
}

function result (system: string, durability: string, client: string, size: number, rate: Rate | Error): Result {
  if (rate instanceof Error) return { system, durability, client, messageBytes: size, messagesPerSecond: null, mbPerSecond: null, error: rate.message.split('\n')[0] }
  return { system, durability, client, messageBytes: size, messagesPerSecond: rate.bytes / size / rate.seconds, mbPerSecond: mbPerSecond(rate) }
}

const unavailable = (binary: string): Error => new Error(`${binary} is not installed (apt-get install -y redis-server nats-server)`)

async function main (): Promise<void> {
  const started = new Date()
  const work = mkdtempSync(join(tmpdir(), 'tributary-peers-'))
  console.log(`Peers benchmark, ${started.toISOString()}, ${cpus().length} cores, work dir ${work}`)
  const results: Result[] = []
  const entry = existsSync(join(projectRoot, 'dist', 'cli', 'main.js')) ? BrokerEntry.compiled : BrokerEntry.source
  const broker = await BrokerProcess.start({ entry, dataDir: join(work, 'tributary') })
  try {
    await createTopics(broker.bootstrap, sizes.flatMap(s => [`kcat-${s.size}`, `node-${s.size}`]))
    for (const s of sizes) {
      console.log(`${s.label} messages`)
      const file = join(work, `messages-${s.size}.txt`)
      await writeMessageFile(file, s.count, s.size)
      const kcat = await measure(`Tributary, kcat produce acks=all x ${s.count}`, async () => {
        const rate = await kcatProduce(broker.bootstrap, `kcat-${s.size}`, file, s.count, s.size)
        const end = await endOffset(broker.bootstrap, `kcat-${s.size}`)
        if (end !== s.count) throw new Error(`TRIB_ERR_BENCH_COUNT: end offset ${end} after producing ${s.count}`)
        return rate
      })
      results.push(result('Tributary', 'acks=all, fdatasync before the ack', 'kcat (librdkafka)', s.size, kcat))
      const node = await measure(`Tributary, kafkajs produce acks=all x ${s.nodeCount}`, () =>
        kafkajsProduce(broker.bootstrap, `node-${s.size}`, { count: s.nodeCount, size: s.size, messagesPerSend: 1000, sendsInFlight: 4 }))
      results.push(result('Tributary', 'acks=all, fdatasync before the ack', 'kafkajs', s.size, node))
      rmSync(file, { force: true })

      for (const fsync of ['everysec', 'always'] as const) {
        const rate = installed('redis-server')
          ? await measure(`Redis Streams, appendfsync ${fsync}, XADD x ${s.count}`, () =>
            withServer(() => startRedis(join(work, `redis-${s.size}-${fsync}`), fsync), port => redisXadd(port, s.count, s.size)))
          : unavailable('redis-server')
        results.push(result('Redis Streams', `AOF, appendfsync ${fsync}`, 'redis-benchmark -P 1000 (C)', s.size, rate))
      }
      const nats = installed('nats-server')
        ? await measure(`NATS JetStream, file storage, publish x ${s.nodeCount}`, () =>
          withServer(() => startNats(join(work, `nats-${s.size}`)), port => natsPublish(port, s.nodeCount, s.size)))
        : unavailable('nats-server')
      results.push(result('NATS JetStream', 'file storage, default sync (no fsync per write)', 'nats.js async publish', s.size, nats))
    }
  } finally {
    await broker.stop()
    await broker.cleanup()
    rmSync(work, { recursive: true, force: true })
  }
  report(results, started)
}

const pad = (text: string, width: number, right = false): string => (right ? text.padStart(width) : text.padEnd(width))
const num = (n: number | null, digits = 0): string => (n === null ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }))

function report (results: Result[], started: Date): void {
  console.log('\nTributary next to its peers, one run. "× kcat": Tributary with kcat ÷ the row (the headline figure);' +
    ' "× same language": Tributary with a client in the row\'s client language (kcat for C, kafkajs for Node) ÷ the row')
  const header = `${pad('system', 15)} ${pad('durability', 47)} ${pad('client', 28)} ${pad('size', 6, true)} ${pad('msgs/s', 11, true)} ${pad('MB/s', 7, true)} ${pad('× kcat', 8, true)} ${pad('× same language', 16, true)}`
  console.log(header)
  console.log('-'.repeat(header.length))
  const tributary = (client: string, size: number): Result | undefined => results.find(x => x.system === 'Tributary' && x.client.startsWith(client) && x.messageBytes === size)
  const times = (ours: Result | undefined, r: Result): number | null =>
    r.system === 'Tributary' || ours?.messagesPerSecond == null || r.messagesPerSecond === null ? null : ours.messagesPerSecond / r.messagesPerSecond
  const targets: Array<{ figure: string, value: number | null, target: number }> = []
  for (const r of results) {
    const vsKcat = times(tributary('kcat', r.messageBytes), r)
    const sameLanguage = times(tributary(r.client.includes('(C)') ? 'kcat' : 'kafkajs', r.messageBytes), r)
    const x = (n: number | null): string => (n === null ? '' : `${n.toFixed(2)}×`)
    console.log(`${pad(r.system, 15)} ${pad(r.durability, 47)} ${pad(r.client, 28)} ${pad(String(r.messageBytes), 6, true)} ${pad(num(r.messagesPerSecond), 11, true)} ` +
      `${pad(num(r.mbPerSecond, 1), 7, true)} ${pad(x(vsKcat), 8, true)} ${pad(x(sameLanguage), 16, true)}${r.error !== undefined ? `  ERROR: ${r.error}` : ''}`)
    let goal: number | undefined
    if (r.messageBytes === 100 && r.durability === 'AOF, appendfsync everysec') goal = 3
    if (r.messageBytes === 100 && r.system === 'NATS JetStream') goal = 8
    if (goal !== undefined) targets.push({ figure: `100 B produce vs ${r.system} (${r.durability})`, value: vsKcat, target: goal })
    if (r.system !== 'Tributary') {
      recordFigure({
        figure: `${r.system} ${r.messageBytes} B, ${r.durability.split(',')[r.system === 'Redis Streams' ? 1 : 0]!.trim()}`,
        value: r.messagesPerSecond,
        unit: 'msgs/s',
        limit: 'Tributary with kcat',
        ratio: vsKcat,
        ...(goal === undefined ? {} : { target: `Tributary >= ${goal}x`, met: vsKcat === null ? null : vsKcat >= goal }),
        source: 'bench/peers.ts'
      })
    }
  }
  for (const t of targets) {
    console.log(`target: ${t.figure}: Tributary ${t.value === null ? '-' : `${t.value.toFixed(2)}×`} (target >= ${t.target}×): ${t.value === null ? 'not measured' : t.value >= t.target ? 'met' : 'NOT met'}`)
  }
  const dir = join(projectRoot, 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${started.toISOString().slice(0, 10)}-peers.json`)
  writeFileSync(file, JSON.stringify({ started: started.toISOString(), cores: cpus().length, nats: natsVersion(), results, targets }, null, 2) + '\n')
  console.log(`written to ${file}`)
}

main().catch(error => {
  console.error(error)
  process.exitCode = 1
})
