// Consumer-group benchmark against the compiled broker (node dist/cli/main.js start), with kafkajs:
//   - rebalance time: 10 members joining one group at once, then one of the 10 leaving (LeaveGroup);
//   - consume throughput of one group with 1, 2 and 4 members on a 4-partition topic.
// Run on its own with `npm run build && node --import tsx bench/groups.ts` (BENCH_SCALE scales the message
// count), or call runGroupBench() from bench/run.ts.
//
// Rebalance times are what a client sees: from the first subscribe (or the disconnect) until every
// member holds its share of the new generation. kafkajs only learns of a rebalance from a heartbeat
// answer, so the heartbeat interval (100 ms here; kafkajs's default is 3 s) bounds the leave figure from
// below; the broker's initial rebalance delay (0 here; Kafka's default is 3 s) would add to the join figure.
// All members run in this one Node process, so the consume rows also show what one process can do.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Kafka, logLevel, type Consumer } from 'kafkajs'
import { BrokerEntry, BrokerProcess, projectRoot } from '../test/helpers/broker-process.js'
import { at } from '../test/helpers/at.js'

export interface RebalanceFigure {
  members: number
  /** From the first subscribe / the disconnect until every member holds its partitions of the new generation. */
  ms: number
  /** Generations the group went through on the way (joins counted by the member with the most). */
  joinsSeen: number
}

export interface ConsumeFigure {
  members: number
  messages: number
  messageBytes: number
  /** From the first run() call until the last message: joining included. */
  seconds: number
  /** From the first message to the last: reading only. */
  readingSeconds: number
  messagesPerSecond: number
  mbPerSecond: number
}

export interface GroupBenchResult {
  initialRebalanceDelayMs: number
  heartbeatIntervalMs: number
  joinTen: RebalanceFigure
  oneLeaves: RebalanceFigure
  consume: ConsumeFigure[]
}

export interface GroupBenchOptions {
  /** Use a running broker; by default a compiled broker is started on a temp data dir and removed after. */
  bootstrap?: string
  /** Multiplies the message count of the consume runs (default: BENCH_SCALE or 1). */
  scale?: number
  log?: (line: string) => void
}

const heartbeatIntervalMs = 100
const initialRebalanceDelayMs = 0
const messageBytes = 100
const consumePartitions = 4
const rounds = 3

function quietKafka (bootstrap: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING })
}

/** Resolves when check() holds; re-checked on every group event the members emit. */
function waitFor (consumers: Consumer[], check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) { resolve(); return }
    const removers: Array<() => void> = []
    const done = (error?: Error): void => {
      clearTimeout(timer)
      for (const remove of removers) remove()
      if (error) reject(error)
      else resolve()
    }
    const timer = setTimeout(() => done(new Error(`TRIB_ERR_BENCH_TIMEOUT: ${what} within ${timeoutMs} ms`)), timeoutMs)
    for (const c of consumers) removers.push(c.on(c.events.GROUP_JOIN, () => { if (check()) done() }))
  })
}

async function measureRebalances (bootstrap: string, log: (line: string) => void): Promise<{ joinTen: RebalanceFigure, oneLeaves: RebalanceFigure }> {
  const topic = 'bench-rebalance'
  const partitions = 20
  const kafka = quietKafka(bootstrap, 'bench-rebalance')
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
  await admin.disconnect()

  const count = 10
  const consumers = Array.from({ length: count }, () => kafka.consumer({ groupId: 'bench-rebalancers', heartbeatInterval: heartbeatIntervalMs, sessionTimeout: 10_000, maxWaitTimeInMs: 100 }))
  const assignments: Array<number[] | null> = consumers.map(() => null)
  const joins = consumers.map(() => 0)
  consumers.forEach((c, i) => c.on(c.events.GROUP_JOIN, e => {
    assignments[i] = e.payload.memberAssignment[topic] ?? []
    joins[i]!++
  }))
  /** The given members' newest assignments are disjoint, non-empty and cover every partition. */
  const settled = (members: number[]): boolean => {
    const seen = new Set<number>()
    for (const i of members) {
      const mine = assignments[i]
      if (mine === null || mine === undefined || mine.length === 0) return false
      for (const p of mine) {
        if (seen.has(p)) return false
        seen.add(p)
      }
    }
    return seen.size === partitions
  }
  try {
    await Promise.all(consumers.map(c => c.connect()))
    const all = consumers.map((_, i) => i)
    const joinStart = performance.now()
    await Promise.all(consumers.map(async c => {
      await c.subscribe({ topic })
      await c.run({ eachMessage: async () => {} })
    }))
    await waitFor(consumers, () => settled(all), 60_000, `${count} members settling`)
    const joinTen = { members: count, ms: performance.now() - joinStart, joinsSeen: Math.max(...joins) }
    log(`  ${count} members joining at once: ${joinTen.ms.toFixed(0)} ms until all hold their partitions (up to ${joinTen.joinsSeen} joins per member)`)

    const before = joins.slice()
    const stayers = all.slice(1)
    const leaveStart = performance.now()
    await at(consumers, 0)!.disconnect()
    await waitFor(consumers, () => stayers.every(i => joins[i]! > before[i]!) && settled(stayers), 60_000, 'the group settling after one member left')
    const oneLeaves = { members: count - 1, ms: performance.now() - leaveStart, joinsSeen: Math.max(...stayers.map(i => joins[i]! - before[i]!)) }
    log(`  one of ${count} leaving (LeaveGroup): ${oneLeaves.ms.toFixed(0)} ms until the other ${count - 1} hold all partitions`)
    return { joinTen, oneLeaves }
  } finally {
    await Promise.allSettled(consumers.map(c => c.disconnect()))
  }
}

async function fillConsumeTopic (bootstrap: string, topic: string, messages: number): Promise<void> {
  const kafka = quietKafka(bootstrap, 'bench-groups-producer')
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: consumePartitions }] })
  await admin.disconnect()
  const producer = kafka.producer()
  await producer.connect()
  const value = Buffer.alloc(messageBytes, 0x61)
  const perSend = 1000
  try {
    const sends: Array<Promise<unknown>> = []
    for (let sent = 0; sent < messages; sent += perSend) {
      const batch = Array.from({ length: Math.min(perSend, messages - sent) }, (_, i) => ({ partition: (sent + i) % consumePartitions, value }))
      sends.push(producer.send({ topic, acks: -1, messages: batch }))
      if (sends.length === 8) await Promise.all(sends.splice(0))
    }
    await Promise.all(sends)
  } finally {
    await producer.disconnect()
  }
}

async function measureConsume (bootstrap: string, topic: string, members: number, messages: number, round: number): Promise<ConsumeFigure> {
  const kafka = quietKafka(bootstrap, `bench-consume-${members}`)
  const groupId = `bench-consumers-${members}-r${round}`
  const consumers = Array.from({ length: members }, () => kafka.consumer({ groupId, heartbeatInterval: 1000, maxWaitTimeInMs: 100 }))
  let received = 0
  let firstAt = 0
  let lastAt = 0
  let finish!: () => void
  const finished = new Promise<void>(resolve => { finish = resolve })
  try {
    await Promise.all(consumers.map(c => c.connect()))
    const start = performance.now()
    await Promise.all(consumers.map(async c => {
      await c.subscribe({ topic, fromBeginning: true })
      await c.run({
        eachBatch: async ({ batch }) => {
          if (firstAt === 0) firstAt = performance.now()
          received += batch.messages.length
          if (received >= messages && lastAt === 0) {
            lastAt = performance.now()
            finish()
          }
        }
      })
    }))
    let timer: NodeJS.Timeout | undefined
    await Promise.race([finished, new Promise((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`TRIB_ERR_BENCH_TIMEOUT: ${members} member(s) read ${received} of ${messages} in 300 s`)), 300_000)
    })])
    clearTimeout(timer)
    const seconds = (lastAt - start) / 1000
    return {
      members,
      messages,
      messageBytes,
      seconds,
      readingSeconds: (lastAt - firstAt) / 1000,
      messagesPerSecond: messages / seconds,
      mbPerSecond: messages * messageBytes / 1e6 / seconds
    }
  } finally {
    await Promise.allSettled(consumers.map(c => c.disconnect()))
  }
}

/** Runs every group scenario and prints the figures as it goes. */
export async function runGroupBench (options: GroupBenchOptions = {}): Promise<GroupBenchResult> {
  const log = options.log ?? ((line: string) => console.log(line))
  const scale = options.scale ?? Number(process.env.BENCH_SCALE ?? '1')
  let broker: BrokerProcess | null = null
  let bootstrap = options.bootstrap
  if (bootstrap === undefined) {
    if (!existsSync(join(projectRoot, 'dist', 'cli', 'main.js'))) throw new Error('TRIB_ERR_BENCH_NOT_BUILT: run `npm run build` first (the benchmark uses dist/cli/main.js)')
    broker = await BrokerProcess.start({ entry: BrokerEntry.compiled, env: { TRIBUTARY_GROUP_INITIAL_REBALANCE_DELAY_MS: String(initialRebalanceDelayMs), TRIBUTARY_LOG_LEVEL: 'warn' } })
    bootstrap = broker.bootstrap
  }
  try {
    log(`Consumer groups (kafkajs; heartbeat interval ${heartbeatIntervalMs} ms, initial rebalance delay ${initialRebalanceDelayMs} ms${options.bootstrap ? ' if the broker was started so' : ''})`)
    const { joinTen, oneLeaves } = await measureRebalances(bootstrap, log)

    const messages = Math.max(consumePartitions * 1000, Math.round(300_000 * scale))
    const topic = 'bench-group-consume'
    await fillConsumeTopic(bootstrap, topic, messages)
    const consume: ConsumeFigure[] = []
    for (const members of [1, 2, 4]) {
      // Best of `rounds` (a fresh group each time, reading from the start): other load on the machine comes and goes.
      const samples: ConsumeFigure[] = []
      for (let round = 0; round < rounds; round++) samples.push(await measureConsume(bootstrap, topic, members, messages, round))
      const figure = samples.reduce((a, b) => (b.seconds < a.seconds ? b : a))
      consume.push(figure)
      log(`  consume ${messages} x ${messageBytes} B, ${consumePartitions} partitions, ${members} member(s): ` +
        `${figure.messagesPerSecond.toFixed(0)} msg/s, ${figure.mbPerSecond.toFixed(1)} MB/s in ${figure.seconds.toFixed(2)} s ` +
        `(joining included; reading alone ${figure.readingSeconds.toFixed(2)} s; best of ${rounds})`)
    }
    return { initialRebalanceDelayMs, heartbeatIntervalMs, joinTen, oneLeaves, consume }
  } finally {
    await broker?.cleanup()
  }
}

if (at(process.argv, 1) !== undefined && import.meta.url === pathToFileURL(at(process.argv, 1)).href) {
  runGroupBench().then(result => {
    console.log(JSON.stringify(result, null, 2))
  }, error => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
