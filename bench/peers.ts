// `npm run bench:peers` (also the last step of `npm run bench`): Tributary's produce next to Redis Streams and
// NATS JetStream, same message sizes, same machine, same run, each started here on loopback in a temp dir.
// Each system runs PEERS_ROUNDS times (default 3, BENCH_ROUNDS for `bench:quick`), interleaved with the others,
// and each row is its median run, so the ratios compare medians rather than one noisy sample each.
// PEERS_SIZES=100 (or 1024) runs one message size only.
// Durability is not equal, and the table says so: Tributary answers acks=all after fdatasync (group commit);
// Redis is shown with appendfsync everysec (its usual setting) and always (fsync before each reply); NATS
// JetStream with file storage at its default (no fsync per write; Debian's 2.9 has no stronger setting).
// Clients: kcat (librdkafka, C) for Tributary and redis-benchmark (C, pipelined XADD) for Redis; nats.js for
// NATS, beside kafkajs for Tributary, so each Node client is compared with a Node client too.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { BrokerEntry, BrokerProcess, projectRoot } from '../test/helpers/broker-process.js'
import { createTopics, deleteTopics, endOffset } from './kafka-admin.js'
import { kcatProduce, writeMessageFile } from './kcat-client.js'
import { mbPerSecond, type Rate } from './limits.js'
import { kafkajsProduce } from './node-client.js'
import { natsPublish, redisXadd } from './peers/clients.js'
import { installed, natsVersion, startNats, startRedis, type PeerServer } from './peers/servers.js'
import { recordFigure } from './summary.js'

const scale = Number(process.env.BENCH_SCALE ?? '1')
// Every system is measured PEERS_ROUNDS times (default 3), the systems alternating within each round and their order
// reversed every other round, so each sees the same minutes of a shared machine; each row reports its median run.
// Counts are large enough that a client's fixed start (kcat's process start, metadata and connect, ~10-40 ms,
// printed once per size) is a few percent of a run: 3,000,000 x 100 B is ~1.5-2 s of kcat at the last quiet figure.
// redis-benchmark and nats.js time themselves from their first request, so only kcat pays its start in its figure.
const rounds = Math.max(1, Number(process.env.PEERS_ROUNDS ?? process.env.BENCH_ROUNDS ?? '3'))
const onlySizes = process.env.PEERS_SIZES?.split(',').map(Number)
const sizes = [
  { label: '100 B', size: 100, count: Math.round(3_000_000 * scale), nodeCount: Math.round(300_000 * scale) },
  { label: '1 KB', size: 1024, count: Math.round(600_000 * scale), nodeCount: Math.round(100_000 * scale) }
].filter(s => onlySizes === undefined || onlySizes.includes(s.size))

interface Result {
  system: string
  durability: string
  client: string
  messageBytes: number
  messagesPerSecond: number | null
  mbPerSecond: number | null
  /** Messages per second of every successful round, in round order (the row's figure is their median). */
  rounds: number[]
  error?: string
}

/** Runs `fn` and reports its rate; `after` (untimed) then removes what it wrote, whether it succeeded or not. */
async function measure (what: string, fn: () => Promise<Rate>, after?: () => Promise<void>): Promise<Rate | Error> {
  process.stdout.write(`  ${what} ... `)
  try {
    const rate = await fn().finally(after)
    console.log(`${mbPerSecond(rate).toFixed(1)} MB/s in ${rate.seconds.toFixed(2)} s, load ${loadavg()[0]!.toFixed(2)}`)
    return rate
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error))
    console.log(`FAILED: ${e.message.split('\n')[0]}`)
    return e
  }
}

async function withServer (start: () => Promise<PeerServer>, dir: string, fn: (port: number) => Promise<Rate>): Promise<Rate> {
  const server = await start()
  try {
    return await fn(server.port)
  } finally {
    await server.close()
    // Every run of every system starts on an empty store and its data is removed after it (Tributary's topics
    // are deleted too): a run into pages just freed costs the kernel about half of one into new pages
    // (bench/write-floor.ts), so all systems get the same treatment, and the alternating order evens out the rest.
    rmSync(dir, { recursive: true, force: true })
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/** The row of one system: the median of its successful rounds; an error only if no round succeeded. */
function result (system: string, durability: string, client: string, size: number, runs: Array<Rate | Error>): Result {
  const rates = runs.filter((r): r is Rate => !(r instanceof Error)).map(r => r.bytes / size / r.seconds)
  const error = runs.find((r): r is Error => r instanceof Error)
  if (rates.length === 0) return { system, durability, client, messageBytes: size, messagesPerSecond: null, mbPerSecond: null, rounds: [], error: error?.message.split('\n')[0] ?? 'not run' }
  const perSecond = median(rates)
  return { system, durability, client, messageBytes: size, messagesPerSecond: perSecond, mbPerSecond: perSecond * size / 1e6, rounds: rates, ...(error === undefined ? {} : { error: `${runs.length - rates.length} of ${runs.length} rounds failed: ${error.message.split('\n')[0]}` }) }
}

const unavailable = (binary: string): Error => new Error(`${binary} is not installed (apt-get install -y redis-server nats-server)`)

interface System {
  system: string
  durability: string
  client: string
  run: (round: number) => Promise<Rate | Error>
}

async function main (): Promise<void> {
  const started = new Date()
  const work = mkdtempSync(join(tmpdir(), 'tributary-peers-'))
  console.log(`Peers benchmark, ${started.toISOString()}, ${cpus().length} cores, load ${loadavg().map(l => l.toFixed(2)).join(' ')}, ` +
    `${rounds} interleaved rounds, work dir ${work}`)
  const results: Result[] = []
  const entry = existsSync(join(projectRoot, 'dist', 'cli', 'main.js')) ? BrokerEntry.compiled : BrokerEntry.source
  const broker = await BrokerProcess.start({ entry, dataDir: join(work, 'tributary') })
  try {
    for (const s of sizes) {
      console.log(`${s.label} messages`)
      const file = join(work, `messages-${s.size}.txt`)
      await writeMessageFile(file, s.count, s.size)
      const topics = Array.from({ length: rounds }, (_, r) => [`kcat-${s.size}-r${r}`, `node-${s.size}-r${r}`]).flat()
      await createTopics(broker.bootstrap, [...topics, `kcat-${s.size}-start`])
      const startCost = await kcatStartCost(broker.bootstrap, `kcat-${s.size}-start`, join(work, 'one-message.txt'), s.size)
      console.log(`  kcat's fixed cost (process start, metadata, one acks=all message): ${(startCost * 1000).toFixed(0)} ms, included in each kcat run below`)
      const systems: System[] = [
        {
          system: 'Tributary',
          durability: 'acks=all, fdatasync before the ack',
          client: 'kcat (librdkafka)',
          run: async r => await measure(`round ${r + 1}: Tributary, kcat produce acks=all x ${s.count}`, async () => {
            const rate = await kcatProduce(broker.bootstrap, `kcat-${s.size}-r${r}`, file, s.count, s.size)
            const end = await endOffset(broker.bootstrap, `kcat-${s.size}-r${r}`)
            if (end !== s.count) throw new Error(`TRIB_ERR_BENCH_COUNT: end offset ${end} after producing ${s.count}`)
            return rate
          }, () => deleteTopics(broker.bootstrap, [`kcat-${s.size}-r${r}`]))
        },
        {
          system: 'Tributary',
          durability: 'acks=all, fdatasync before the ack',
          client: 'kafkajs',
          run: async r => await measure(`round ${r + 1}: Tributary, kafkajs produce acks=all x ${s.nodeCount}`, () =>
            kafkajsProduce(broker.bootstrap, `node-${s.size}-r${r}`, { count: s.nodeCount, size: s.size, messagesPerSend: 1000, sendsInFlight: 4 }),
          () => deleteTopics(broker.bootstrap, [`node-${s.size}-r${r}`]))
        },
        ...(['everysec', 'always'] as const).map((fsync): System => ({
          system: 'Redis Streams',
          durability: `AOF, appendfsync ${fsync}`,
          client: 'redis-benchmark -P 1000 (C)',
          run: async r => {
            const dir = join(work, `redis-${s.size}-${fsync}-r${r}`)
            return installed('redis-server')
              ? await measure(`round ${r + 1}: Redis Streams, appendfsync ${fsync}, XADD x ${s.count}`, () =>
                withServer(() => startRedis(dir, fsync), dir, port => redisXadd(port, s.count, s.size)))
              : unavailable('redis-server')
          }
        })),
        {
          system: 'NATS JetStream',
          durability: 'file storage, default sync (no fsync per write)',
          client: 'nats.js async publish',
          run: async r => {
            const dir = join(work, `nats-${s.size}-r${r}`)
            return installed('nats-server')
              ? await measure(`round ${r + 1}: NATS JetStream, file storage, publish x ${s.nodeCount}`, () =>
                withServer(() => startNats(dir), dir, port => natsPublish(port, s.nodeCount, s.size)))
              : unavailable('nats-server')
          }
        }
      ]
      const runs = systems.map(() => [] as Array<Rate | Error>)
      for (let r = 0; r < rounds; r++) {
        const order = systems.map((_, i) => i)
        if (r % 2 === 1) order.reverse()
        for (const i of order) runs[i]!.push(await systems[i]!.run(r))
      }
      for (const [i, sys] of systems.entries()) results.push(result(sys.system, sys.durability, sys.client, s.size, runs[i]!))
      rmSync(file, { force: true })
    }
  } finally {
    await broker.stop()
    await broker.cleanup()
    rmSync(work, { recursive: true, force: true })
  }
  report(results, started)
}

/** Seconds kcat takes to start, fetch metadata and produce one message with acks=all: its fixed cost per run. */
async function kcatStartCost (bootstrap: string, topic: string, file: string, size: number): Promise<number> {
  await writeMessageFile(file, 1, size)
  const seconds: number[] = []
  for (let i = 0; i < 3; i++) seconds.push((await kcatProduce(bootstrap, topic, file, 1, size)).seconds)
  rmSync(file, { force: true })
  return median(seconds)
}

const pad = (text: string, width: number, right = false): string => (right ? text.padStart(width) : text.padEnd(width))
/** Tributary ÷ the row round by round (runs of one round were seconds apart); empty unless every round of both succeeded. */
const roundRatios = (ours: Result | undefined, r: Result): number[] =>
  ours === undefined || ours.rounds.length !== rounds || r.rounds.length !== rounds ? [] : ours.rounds.map((x, i) => x / r.rounds[i]!)
const spread = (xs: number[]): string => (xs.length === 0 ? '' : `${num(Math.min(...xs))}-${num(Math.max(...xs))}`)
const num = (n: number | null, digits = 0): string => (n === null ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }))

function report (results: Result[], started: Date): void {
  console.log(`\nTributary next to its peers, median of ${rounds} interleaved rounds per row (the spread of rounds in brackets). "× kcat": Tributary with kcat ÷ the row (the headline figure);` +
    ' "× same language": Tributary with a client in the row\'s client language (kcat for C, kafkajs for Node) ÷ the row')
  const header = `${pad('system', 15)} ${pad('durability', 47)} ${pad('client', 28)} ${pad('size', 6, true)} ${pad('msgs/s', 11, true)} ${pad('MB/s', 7, true)} ${pad('× kcat', 8, true)} ${pad('× same language', 16, true)}`
  console.log(header)
  console.log('-'.repeat(header.length))
  const tributary = (client: string, size: number): Result | undefined => results.find(x => x.system === 'Tributary' && x.client.startsWith(client) && x.messageBytes === size)
  const times = (ours: Result | undefined, r: Result): number | null =>
    r.system === 'Tributary' || ours?.messagesPerSecond == null || r.messagesPerSecond === null ? null : ours.messagesPerSecond / r.messagesPerSecond
  const targets: Array<{ figure: string, value: number | null, target: number, perRound: number[] }> = []
  for (const r of results) {
    const vsKcat = times(tributary('kcat', r.messageBytes), r)
    const sameLanguage = times(tributary(r.client.includes('(C)') ? 'kcat' : 'kafkajs', r.messageBytes), r)
    const x = (n: number | null): string => (n === null ? '' : `${n.toFixed(2)}×`)
    console.log(`${pad(r.system, 15)} ${pad(r.durability, 47)} ${pad(r.client, 28)} ${pad(String(r.messageBytes), 6, true)} ${pad(num(r.messagesPerSecond), 11, true)} ` +
      `${pad(num(r.mbPerSecond, 1), 7, true)} ${pad(x(vsKcat), 8, true)} ${pad(x(sameLanguage), 16, true)}  [${spread(r.rounds)}]${r.error !== undefined ? `  ERROR: ${r.error}` : ''}`)
    let goal: number | undefined
    if (r.messageBytes === 100 && r.durability === 'AOF, appendfsync everysec') goal = 3
    if (r.messageBytes === 100 && r.system === 'NATS JetStream') goal = 8
    if (goal !== undefined) targets.push({ figure: `100 B produce vs ${r.system} (${r.durability})`, value: vsKcat, target: goal, perRound: roundRatios(tributary('kcat', r.messageBytes), r) })
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
    console.log(`target: ${t.figure}: Tributary ${t.value === null ? '-' : `${t.value.toFixed(2)}×`} (target >= ${t.target}×): ${t.value === null ? 'not measured' : t.value >= t.target ? 'met' : 'NOT met'}` +
      (t.perRound.length > 0 ? `; within each round ${t.perRound.map(x => `${x.toFixed(2)}×`).join(', ')}` : ''))
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
