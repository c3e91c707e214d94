// kafkajs 2.2.4 idempotent and transactional producers against a real broker
// process: retries across a broker SIGKILL never duplicate, an aborted
// transaction is hidden from read_committed readers and shown to
// read_uncommitted ones, and a consume-transform-produce worker SIGKILLed in
// the middle of a transaction leaves, once a new worker takes over, every input
// in the output exactly once.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { BrokerProcess, projectRoot } from '../helpers/broker-process.js'
import { consumeAll, kcat } from '../helpers/kcat.js'
import { PATIENCE_MS, waitFor } from '../helpers/wait.js'

function startWorker (broker: BrokerProcess, hangAfter: number): { child: ChildProcess, output: () => string, waitFor: (text: string) => Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'test', 'interop', 'exactly-once-worker.ts'),
    broker.bootstrap, 'ctp-in', 'ctp-out', 'ctp-worker', 'ctp-group', String(hangAfter)], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] })
  let text = ''
  const listeners: Array<() => void> = []
  child.stdout!.on('data', (chunk: Buffer) => { text += chunk.toString(); for (const l of listeners) l() })
  child.stderr!.on('data', (chunk: Buffer) => { text += chunk.toString() })
  return {
    child,
    output: () => text,
    waitFor: (wanted) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker did not print "${wanted}" within ${PATIENCE_MS} ms:\n${text}`)), PATIENCE_MS)
      const check = (): void => { if (text.includes(wanted)) { clearTimeout(timer); resolve() } }
      listeners.push(check)
      check()
    })
  }
}

describe('kafkajs exactly-once against Tributary', () => {
  let broker: BrokerProcess
  let kafka: Kafka
  let admin: Admin

  before(async () => {
    broker = await BrokerProcess.start()
    kafka = new Kafka({ clientId: 'interop-eo', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 12, initialRetryTime: 100, maxRetryTime: 2000 } })
    admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'idem', numPartitions: 2 }, { topic: 'txn', numPartitions: 2 }, { topic: 'ctp-in', numPartitions: 2 }, { topic: 'ctp-out', numPartitions: 2 }] })
  })

  after(async () => {
    await admin?.disconnect().catch(() => {})
    await broker?.cleanup()
  })

  test('an idempotent producer retrying across a broker SIGKILL writes every acknowledged message exactly once', () => broker.explain(async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    const acked: string[] = []
    let kills = 0
    for (let i = 0; i < 200; i++) {
      const sent = producer.send({ topic: 'idem', acks: -1, messages: [{ key: `k${i % 5}`, value: `m${i}` }] })
      if (i % 70 === 69) {
        // killed while the batch is in flight: it may be on disk unacknowledged, and the
        // producer retries it with the same sequence number once the broker is back
        await new Promise(resolve => setTimeout(resolve, i % 3))
        await broker.kill()
        kills++
        setTimeout(() => { broker.restart().catch(() => {}) }, 300)
      }
      await sent
      acked.push(`m${i}`)
    }
    await producer.disconnect()
    assert.equal(kills, 2)
    const values = (await consumeAll(broker.bootstrap, 'idem')).map(m => m.payload)
    assert.equal(values.length, new Set(values).size, 'no duplicates')
    assert.deepEqual([...values].sort(), [...acked].sort())
  }))

  test('an aborted transaction is hidden from read_committed consumers and visible to read_uncommitted ones', () => broker.explain(async () => {
    const producer = kafka.producer({ transactionalId: 'abort-demo', idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    const committed = await producer.transaction()
    await committed.send({ topic: 'txn', messages: [{ key: 'a', value: 'kept-1' }, { key: 'b', value: 'kept-2' }] })
    await committed.commit()
    const aborted = await producer.transaction()
    await aborted.send({ topic: 'txn', messages: [{ key: 'a', value: 'dropped-1' }, { key: 'b', value: 'dropped-2' }] })
    await aborted.abort()
    const last = await producer.transaction()
    await last.send({ topic: 'txn', messages: [{ key: 'a', value: 'kept-3' }] })
    await last.commit()
    await producer.disconnect()

    const read = async (readUncommitted: boolean): Promise<string[]> => {
      const consumer = kafka.consumer({ groupId: `txn-reader-${readUncommitted}`, readUncommitted })
      await consumer.connect()
      await consumer.subscribe({ topic: 'txn', fromBeginning: true })
      const seen: string[] = []
      const expected = readUncommitted ? 5 : 3
      let fetches = 0
      consumer.on(consumer.events.FETCH, () => { fetches++ })
      await consumer.run({ eachMessage: async ({ message }) => { seen.push(message.value!.toString()) } })
      await waitFor(() => seen.length >= expected, `${expected} records read`, () => `saw only ${seen.join(',')}`)
      // anything past the expected count would arrive with one of the next fetches: wait for two of them
      const fetchesThen = fetches
      await waitFor(() => fetches >= fetchesThen + 2, 'two more fetches')
      await consumer.disconnect()
      return seen.sort()
    }
    assert.deepEqual(await read(false), ['kept-1', 'kept-2', 'kept-3'])
    assert.deepEqual(await read(true), ['dropped-1', 'dropped-2', 'kept-1', 'kept-2', 'kept-3'])
    const raw = await kcat(['-b', broker.bootstrap, '-C', '-t', 'txn', '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_uncommitted', '-f', '%s\n'])
    assert.equal(raw.toString().trim().split('\n').length, 5)
  }))

  test('a transactional consume-transform-produce worker SIGKILLed mid-transaction leaves every input in the output exactly once', () => broker.explain(async () => {
    const producer = kafka.producer()
    await producer.connect()
    const inputs = Array.from({ length: 40 }, (_, i) => `in-${i}`)
    for (let i = 0; i < inputs.length; i += 4) {
      await producer.send({ topic: 'ctp-in', acks: -1, messages: inputs.slice(i, i + 4).map((value, j) => ({ key: `k${i + j}`, value, partition: (i / 4) % 2 })) })
    }
    await producer.disconnect()

    const first = startWorker(broker, 5)
    await first.waitFor('open')
    first.child.kill('SIGKILL')
    await once(first.child, 'exit')

    const second = startWorker(broker, -1)
    try {
      let done = 0
      await waitFor(async () => {
        const offsets = await admin.fetchOffsets({ groupId: 'ctp-group', topics: ['ctp-in'] })
        done = offsets[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0)
        return done === inputs.length
      }, `the worker committing all ${inputs.length} inputs`, () => `(committed ${done}):\n${second.output()}`)
    } finally {
      second.child.kill('SIGTERM')
      await once(second.child, 'exit')
    }
    const output = (await consumeAll(broker.bootstrap, 'ctp-out')).map(m => m.payload)
    assert.deepEqual([...output].sort(), inputs.map(v => `out:${v}`).sort(), 'read_committed output holds every input once')
    const everything = (await kcat(['-b', broker.bootstrap, '-C', '-t', 'ctp-out', '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_uncommitted', '-f', '%s\n'])).toString().trim().split('\n')
    assert.ok(everything.length > output.length, 'the killed worker\'s open transaction was written and then aborted')
  }))
})
