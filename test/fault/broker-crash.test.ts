// kill -9 the broker again and again while kafkajs producers send with acks=all;
// after every restart each acknowledged message is there exactly once, in order, at contiguous offsets.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel, type Producer } from 'kafkajs'
import { BrokerProcess } from '../helpers/broker-process.js'
import { consumeAll } from '../helpers/kcat.js'

const topic = 'crash-orders'
const partitions = 3
const producerCount = 4
const batchSize = 5
const kills = 5

interface Batch { producer: number, partition: number, values: string[], baseOffset?: number }

/** A promise the test resolves by hand: producers park on it while the broker is down. */
function deferred (): { promise: Promise<void>, resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>(_resolve => { resolve = _resolve })
  return { promise, resolve }
}

describe('broker crash (SIGKILL) under acks=all producers', () => {
  let broker: BrokerProcess
  const producers: Producer[] = []
  const acked: Batch[] = []
  const sent: Batch[] = []
  let brokerUp = deferred()
  // An object, not a let: the producer loops read it while the test body changes it.
  const run = { stopping: false }
  let ackWaiter: { target: number, resolve: () => void } | null = null

  before(async () => {
    broker = await BrokerProcess.start()
    brokerUp.resolve()
    const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
    await admin.disconnect()
  })

  after(async () => {
    run.stopping = true
    brokerUp.resolve()
    await Promise.allSettled(producers.map(p => p.disconnect()))
    await broker?.cleanup()
  })

  // One producer, one partition, one send at a time: its acked batches must sit at increasing offsets.
  // retries: 0, so kafkajs never resends a batch whose ack was lost: every value may appear at most once.
  async function produceLoop (index: number, producer: Producer): Promise<void> {
    const partition = index % partitions
    let sequence = 0
    let consecutiveFailures = 0
    while (!run.stopping) {
      const batch: Batch = { producer: index, partition, values: Array.from({ length: batchSize }, () => `p${index}-${sequence++}-${'x'.repeat(64)}`) }
      sent.push(batch)
      try {
        const [ack] = await producer.send({ topic, acks: -1, messages: batch.values.map(value => ({ value, partition })) })
        assert.equal(ack?.errorCode, 0)
        batch.baseOffset = Number(ack?.baseOffset)
        acked.push(batch)
        consecutiveFailures = 0
        if (ackWaiter !== null && acked.length >= ackWaiter.target) ackWaiter.resolve()
      } catch {
        if (++consecutiveFailures > 50) throw new Error(`TRIB_ERR_TEST_PRODUCER: producer ${index} failed 50 sends in a row`)
        await brokerUp.promise
      }
    }
  }

  /** Resolves once `target` batches are acknowledged; rejects if a producer loop gives up first. */
  async function ackedAtLeast (target: number, loops: Promise<unknown>): Promise<void> {
    if (acked.length >= target) return
    await Promise.race([new Promise<void>(resolve => { ackWaiter = { target, resolve } }), loops])
    ackWaiter = null
  }

  /** Reads every partition from offset 0 and checks it against what was acknowledged before the read began. */
  /** Returns how many batches were present although their send had not been acknowledged (yet). */
  async function verify (round: string): Promise<number> {
    const ackedValues = new Set(acked.flatMap(b => b.values))
    let unackedPresent = 0
    const ackedBefore = acked.slice()
    const attempted = new Map<string, Batch>()
    for (const batch of sent) for (const value of batch.values) attempted.set(value, batch)
    for (let partition = 0; partition < partitions; partition++) {
      const records = await consumeAll(broker.bootstrap, topic, { partition })
      assert.deepEqual(records.map(r => r.offset), records.map((_, i) => i), `${round}: partition ${partition} offsets are contiguous from 0`)
      const payloads = records.map(r => r.payload ?? '')
      assert.equal(new Set(payloads).size, payloads.length, `${round}: partition ${partition} holds no value twice`)
      const lastOffsetByProducer = new Map<number, number>()
      for (const batch of ackedBefore.filter(b => b.partition === partition)) {
        const at = batch.baseOffset!
        assert.deepEqual(payloads.slice(at, at + batch.values.length), batch.values,
          `${round}: acked batch of producer ${batch.producer} at offset ${at} in partition ${partition} is intact`)
        assert.ok(at > (lastOffsetByProducer.get(batch.producer) ?? -1), `${round}: producer ${batch.producer}'s acked batches are in send order`)
        lastOffsetByProducer.set(batch.producer, at)
      }
      // Whatever else is there was really sent (a batch written before its ack was lost), and whole: batches are atomic.
      for (let offset = 0; offset < payloads.length;) {
        const batch = attempted.get(payloads[offset]!)
        assert.ok(batch && batch.partition === partition, `${round}: partition ${partition} offset ${offset} holds a value nobody sent to it`)
        assert.deepEqual(payloads.slice(offset, offset + batch.values.length), batch.values, `${round}: batch at offset ${offset} is whole`)
        if (!ackedValues.has(batch.values[0]!)) unackedPresent++
        offset += batch.values.length
      }
    }
    return unackedPresent
  }

  test(`every acknowledged message survives ${kills} SIGKILLs exactly once, in order, at contiguous offsets`, (t) => broker.explain(async () => {
    for (let i = 0; i < producerCount; i++) {
      producers.push(new Kafka({
        clientId: `crash-producer-${i}`,
        brokers: [broker.bootstrap],
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
        connectionTimeout: 3000,
        requestTimeout: 10_000
      }).producer({ retry: { retries: 0 }, allowAutoTopicCreation: false }))
    }
    await Promise.all(producers.map(p => p.connect()))
    const loops = producers.map((p, i) => produceLoop(i, p))
    const allLoops = Promise.all(loops)

    for (let round = 1; round <= kills; round++) {
      // Kill at a different point each round: after 10-40 more acknowledged batches.
      await ackedAtLeast(acked.length + 10 + ((round * 13) % 31), allLoops)
      brokerUp = deferred()
      await broker.kill()
      await broker.restart()
      const unacked = await verify(`after kill ${round}`)
      t.diagnostic(`kill ${round}: ${acked.length} batches acked so far, ${sent.length - acked.length} sends not acked, ${unacked} unacked batches present in the log`)
      brokerUp.resolve()
    }

    await ackedAtLeast(acked.length + 10, allLoops)
    run.stopping = true
    await allLoops
    assert.equal(await broker.stop(), 0, 'SIGTERM ends the broker with exit code 0')
    await broker.restart()
    await verify('after a clean SIGTERM restart')
    assert.ok(acked.length > kills * 10, `${acked.length} batches acknowledged in all`)
  }))
})
