// A Jepsen-style exactly-once check on one node: idempotent producers,
// transactional producers (some transactions aborted on purpose) and a
// read_committed consumer run while the broker is SIGKILLed at random moments
// and restarted, many times. Afterwards the whole history is checked:
//   lost writes       acknowledged messages / committed transactions missing from the log
//   duplicates        a value at more than one offset
//   non-monotonic     offsets going backwards in one producer's acks or one consumer session's polls
//   aborted reads     a value of an aborted (or never committed) transaction seen by read_committed
//   partial txns      a transaction only partly visible to read_committed
// All must be zero; the counts are printed. EO_FAULT_MS and EO_FAULT_SEED tune the run.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { Kafka, logLevel, type Producer } from 'kafkajs'
import { BrokerProcess } from '../helpers/broker-process.js'
import { consumeAll, type KcatMessage } from '../helpers/kcat.js'

const RUN_MS = Number(process.env.EO_FAULT_MS ?? 40_000)
let seed = Number(process.env.EO_FAULT_SEED ?? Date.now() % 100_000)
const startSeed = seed
function random (): number { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))
const PARTITIONS = 3
const TXN_SIZE = 3

interface History {
  ackedIdempotent: Set<string>
  committedTxns: Map<string, string[]>
  abortedTxns: Map<string, string[]>
  /** Commit or abort never answered: either outcome is allowed, but all or nothing. */
  unknownTxns: Map<string, string[]>
  nonMonotonicSends: number
  nonMonotonicPolls: number
  polled: Array<{ partition: number, offset: number, value: string }>
  /** What the kafkajs reader saw. */
  kafkajsPolled: Array<{ partition: number, offset: number, value: string }>
}

async function idempotentProducer (kafka: Kafka, id: number, until: number, h: History): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  const lastOffset = new Map<number, number>()
  for (let n = 0; Date.now() < until; n++) {
    const value = `i${id}-${n}`
    try {
      const [ack] = await producer.send({ topic: 'eo-idem', acks: -1, messages: [{ key: `k${n % 7}`, value }] })
      h.ackedIdempotent.add(value)
      const offset = Number(ack!.baseOffset)
      if (offset <= (lastOffset.get(ack!.partition) ?? -1)) h.nonMonotonicSends++
      lastOffset.set(ack!.partition, offset)
    } catch {
      // not acknowledged: may or may not be in the log, but at most once
      await sleep(100)
    }
  }
  await producer.disconnect().catch(() => {})
}

async function transactionalProducer (kafka: Kafka, id: number, until: number, h: History): Promise<void> {
  let producer: Producer | null = null
  for (let n = 0; Date.now() < until; n++) {
    const name = `t${id}-${n}`
    const values = Array.from({ length: TXN_SIZE }, (_, k) => `${name}-${k}`)
    try {
      if (producer === null) {
        // a new producer with the same transactional id fences the previous one and aborts its open transaction
        producer = kafka.producer({ transactionalId: `eo-tx-${id}`, idempotent: true, maxInFlightRequests: 1 })
        await producer.connect()
      }
      const txn = await producer.transaction()
      let ended = false
      try {
        await txn.send({ topic: 'eo-txn', acks: -1, messages: values.map((value, k) => ({ value, partition: (n + k) % PARTITIONS })) })
        ended = true
        if (random() < 0.2) {
          await txn.abort()
          h.abortedTxns.set(name, values)
        } else {
          await txn.commit()
          h.committedTxns.set(name, values)
        }
      } catch (err) {
        if (ended) h.unknownTxns.set(name, values)
        else {
          // never asked to commit: whatever was written must end aborted (by abort, fencing or timeout)
          h.abortedTxns.set(name, values)
          await txn.abort().catch(() => {})
        }
        throw err
      }
    } catch {
      await producer?.disconnect().catch(() => {})
      producer = null
      await sleep(100)
    }
  }
  await producer?.disconnect().catch(() => {})
}

/**
 * librdkafka (kcat) as a read_committed group consumer, run through every crash.
 * Offsets may only go backwards when a new session starts (kcat prints no
 * rebalance events with -q, so a regression is counted only when a value seen
 * before comes back at a different offset, which the final check catches).
 */
function kcatReader (bootstrap: string, h: History): () => Promise<void> {
  const child = spawn('kcat', ['-b', bootstrap, '-G', 'eo-kcat-reader', '-J', '-q', '-X', 'isolation.level=read_committed',
    '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=6000', '-X', 'broker.address.family=v4', 'eo-txn'], { stdio: ['ignore', 'pipe', 'ignore'] })
  let pending = ''
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8')
    const lines = pending.split('\n')
    pending = lines.pop()!
    for (const line of lines) {
      if (line.length === 0) continue
      const m = JSON.parse(line) as KcatMessage
      h.polled.push({ partition: m.partition, offset: m.offset, value: m.payload! })
    }
  })
  return async () => { child.kill('SIGKILL'); if (child.exitCode === null && child.signalCode === null) await once(child, 'exit') }
}

/**
 * kafkajs 2.2.4 as a read_committed group consumer. Its filter of aborted
 * records activates at most one listed transaction per record it walks; the
 * broker lists each aborted transaction at its producer's first batch in the
 * fetched range (src/log/txn-index.ts anchorAbortedTxns) so that walk is exact.
 */
async function kafkajsReader (kafka: Kafka, h: History): Promise<() => Promise<void>> {
  const consumer = kafka.consumer({ groupId: 'eo-reader', readUncommitted: false, sessionTimeout: 6000, heartbeatInterval: 500, retry: { retries: 50, initialRetryTime: 100, maxRetryTime: 1000 } })
  const last = new Map<number, number>()
  // a new session (rebalance, restart) may legitimately start again from the committed offset
  consumer.on(consumer.events.GROUP_JOIN, () => last.clear())
  consumer.on(consumer.events.CRASH, () => last.clear())
  await consumer.connect()
  await consumer.subscribe({ topic: 'eo-txn', fromBeginning: true })
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const offset = Number(message.offset)
      if (offset <= (last.get(partition) ?? -1)) h.nonMonotonicPolls++
      last.set(partition, offset)
      h.kafkajsPolled.push({ partition, offset, value: message.value!.toString() })
    }
  })
  return async () => { await consumer.disconnect().catch(() => {}) }
}

function duplicates (messages: KcatMessage[]): number {
  const seen = new Set<string>()
  let dups = 0
  for (const m of messages) {
    if (seen.has(m.payload!)) dups++
    seen.add(m.payload!)
  }
  return dups
}

test('idempotent and transactional producers lose, duplicate and leak nothing while the broker is SIGKILLed again and again', { timeout: 120_000 }, async () => {
  const broker = await BrokerProcess.start()
  const kafka = new Kafka({ clientId: 'eo-fault', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } })
  const h: History = { ackedIdempotent: new Set(), committedTxns: new Map(), abortedTxns: new Map(), unknownTxns: new Map(), nonMonotonicSends: 0, nonMonotonicPolls: 0, polled: [], kafkajsPolled: [] }
  try {
    await broker.explain(async () => {
      const admin = kafka.admin()
      await admin.connect()
      await admin.createTopics({ topics: [{ topic: 'eo-idem', numPartitions: PARTITIONS }, { topic: 'eo-txn', numPartitions: PARTITIONS }] })
      await admin.disconnect()
      const until = Date.now() + RUN_MS
      const stopKafkajsReader = await kafkajsReader(kafka, h)
      const stopKcatReader = kcatReader(broker.bootstrap, h)
      const workers = [
        idempotentProducer(kafka, 0, until, h), idempotentProducer(kafka, 1, until, h),
        transactionalProducer(kafka, 0, until, h), transactionalProducer(kafka, 1, until, h)
      ]
      let kills = 0
      // at least 5 kills even when a loaded machine makes restarts slow (the workers keep running until `until`)
      while (kills < 5 || Date.now() < until - 4000) {
        await sleep(1500 + random() * 3000)
        await broker.kill()
        kills++
        await sleep(100 + random() * 400)
        await broker.restart()
      }
      await Promise.all(workers)
      // let the reader catch up with everything committed
      await sleep(3000)
      await stopKafkajsReader()
      await stopKcatReader()

      const committedLog = [...await consumeAll(broker.bootstrap, 'eo-txn'), ...await consumeAll(broker.bootstrap, 'eo-idem')]
      const present = new Set(committedLog.map(m => m.payload!))
      const counts = { lostWrites: 0, duplicates: duplicates(committedLog), nonMonotonic: h.nonMonotonicSends + h.nonMonotonicPolls, abortedReads: 0, partialTxns: 0 }
      for (const v of h.ackedIdempotent) if (!present.has(v)) counts.lostWrites++
      for (const values of h.committedTxns.values()) for (const v of values) if (!present.has(v)) counts.lostWrites++
      const mustNotBeSeen = new Set([...h.abortedTxns.values()].flat())
      for (const values of h.unknownTxns.values()) {
        const visible = values.filter(v => present.has(v)).length
        if (visible !== 0 && visible !== values.length) counts.partialTxns++
        if (visible === 0) for (const v of values) mustNotBeSeen.add(v)
      }
      for (const v of mustNotBeSeen) if (present.has(v)) counts.abortedReads++
      for (const p of h.polled) if (mustNotBeSeen.has(p.value)) counts.abortedReads++
      const kafkajsAbortedReads = h.kafkajsPolled.filter(p => mustNotBeSeen.has(p.value)).length
      counts.abortedReads += kafkajsAbortedReads
      // offsets are fixed once written: a value polled at one offset is at that offset in the log
      const logOffset = new Map(committedLog.filter(m => m.topic === 'eo-txn').map(m => [m.payload!, `${m.partition}:${m.offset}`]))
      for (const p of [...h.polled, ...h.kafkajsPolled]) {
        const at = logOffset.get(p.value)
        if (at !== undefined && at !== `${p.partition}:${p.offset}`) counts.nonMonotonic++
      }

      console.log(`exactly-once fault run: ${JSON.stringify({
        seed: startSeed,
runMs: RUN_MS,
kills,
        ackedIdempotent: h.ackedIdempotent.size,
committedTxns: h.committedTxns.size,
abortedTxns: h.abortedTxns.size,
unknownTxns: h.unknownTxns.size,
polled: h.polled.length,
kafkajsPolled: h.kafkajsPolled.length,
kafkajsAbortedReads,
        ...counts
      })}`)
      assert.ok(kills >= 5, `only ${kills} kills`)
      assert.ok(h.ackedIdempotent.size > 50 && h.committedTxns.size > 10, 'the workload made progress')
      assert.ok(h.polled.length > 0, 'the librdkafka reader read')
      assert.deepEqual(counts, { lostWrites: 0, duplicates: 0, nonMonotonic: 0, abortedReads: 0, partialTxns: 0 })
    })
  } finally {
    await broker.cleanup()
  }
})
