// The embedded broker itself: what memory mode leaves behind (nothing), the
// controllable clock driving session timeouts and retention, topics and bus
// definitions given up front, and bad options refused with a clear error.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge'
import { startTributary, TributaryError } from '../../src/index.js'
import { spawnMember } from '../helpers/kafkajs-member-process.js'
import { Deliveries, Watch } from '../helpers/group-consumers.js'

async function listing (dir: string): Promise<string[]> {
  return (await readdir(dir)).sort()
}

describe('the embedded broker', () => {
  test('memory mode leaves no file behind, in the working directory or in tmp', async () => {
    // a private TMPDIR: other processes share the real one, this one only the broker can touch
    const privateTmp = await mkdtemp(join(tmpdir(), 'trib-sdk-tmp-'))
    const savedTmp = process.env.TMPDIR
    process.env.TMPDIR = privateTmp
    try {
      const cwdBefore = await listing(process.cwd())
      const t = await startTributary({ topics: [{ name: 'orders', partitions: 3 }] })
      const producer = new Kafka({ brokers: t.brokers, logLevel: logLevel.NOTHING }).producer()
      await producer.connect()
      await producer.send({ topic: 'orders', messages: [{ value: 'one' }, { value: 'two' }] })
      await producer.disconnect()
      assert.equal((await t.records('orders')).length, 2)
      await t.close()
      assert.deepEqual(await listing(process.cwd()), cwdBefore)
      assert.deepEqual(await listing(privateTmp), [])
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = savedTmp
      await rm(privateTmp, { recursive: true, force: true })
    }
  })

  test('a directory given as storage keeps topics and records across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trib-sdk-'))
    try {
      {
        await using t = await startTributary({ storage: dir, topics: [{ name: 'kept' }] })
        const producer = new Kafka({ brokers: t.brokers, logLevel: logLevel.NOTHING }).producer()
        await producer.connect()
        await producer.send({ topic: 'kept', messages: [{ value: 'durable' }] })
        await producer.disconnect()
      }
      await using again = await startTributary({ storage: dir, topics: [{ name: 'kept' }] })
      assert.equal(again.dataDir, dir)
      assert.deepEqual((await again.records('kept')).map(r => r.value?.toString()), ['durable'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('advancing the clock past the session timeout removes a member that stopped heartbeating', async () => {
    await using t = await startTributary({ topics: [{ name: 'jobs' }], groupMinSessionTimeoutMs: 1000 })
    const watch = new Watch()
    const member = spawnMember('worker', { bootstrap: t.brokers[0]!, groupId: 'workers', topic: 'jobs', sessionTimeoutMs: 20_000 }, new Deliveries(watch), watch)
    try {
      await watch.until(() => member.joins > 0, 'the member joins', member.stderr)
      await member.kill() // no LeaveGroup: only the session timeout can remove it
      assert.equal(t.groups()[0]?.members.length, 1, 'a killed member stays until its session times out')
      await t.clock.advance('30s')
      const [group] = t.groups()
      assert.equal(group?.members.length, 0)
      assert.equal(group?.state, 'Empty')
    } finally {
      await member.kill()
    }
  })

  test('advancing the clock past retention.ms deletes old segments', async () => {
    await using t = await startTributary({
      clock: { frozen: true },
      retentionCheckIntervalMs: 60_000,
      topics: [{ name: 'metrics', configs: { 'retention.ms': String(3_600_000), 'segment.bytes': '200' } }],
    })
    const producer = new Kafka({ brokers: t.brokers, logLevel: logLevel.NOTHING }).producer()
    await producer.connect()
    const now = t.clock.now()
    for (let i = 0; i < 5; i++) await producer.send({ topic: 'metrics', messages: [{ value: `m${i}`.padEnd(120, '.'), timestamp: String(now) }] })
    await producer.disconnect()
    assert.equal((await t.records('metrics')).length, 5)
    await t.clock.advance('59m')
    assert.equal((await t.records('metrics')).length, 5, 'nothing is older than retention.ms yet')
    await t.clock.advance('2h')
    const left = await t.records('metrics')
    assert.deepEqual(left.map(r => r.value?.toString().replace(/\.+$/, '')), ['m4'], 'only the active segment is kept')
  })

  test('advancing the clock past a transaction timeout aborts the transaction; its commit then fails', async () => {
    await using t = await startTributary({ topics: [{ name: 'ledger' }] })
    const kafka = new Kafka({ brokers: t.brokers, logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 20 } })
    const producer = kafka.producer({ transactionalId: 'ledger-writer', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 60_000 })
    await producer.connect()
    const transaction = await producer.transaction()
    await transaction.send({ topic: 'ledger', messages: [{ value: 'never committed' }] })
    await t.clock.advance('61s')
    await assert.rejects(transaction.commit(), (err: Error & { type?: string }) => /FENCED|INVALID_PRODUCER_EPOCH/.test(err.type ?? ''))
    await producer.disconnect()
    const [record] = await t.records('ledger')
    assert.equal(record?.transactional, true)
    assert.equal(t.broker.log.partition('ledger', 0)!.lastStableOffset, t.broker.log.partition('ledger', 0)!.highWatermark, 'the abort marker closed the transaction')
  })

  test('bus definitions are loaded through the bus API and route events to a Kafka topic', async () => {
    await using t = await startTributary({
      bus: {
        buses: [{ Name: 'orders' }],
        rules: [{ Name: 'big-orders', EventBusName: 'orders', EventPattern: { source: ['shop'], detail: { total: [{ numeric: ['>', 100] }] } } }],
        targets: [{ Rule: 'big-orders', EventBusName: 'orders', Targets: [{ Id: 'to-kafka', Arn: 'arn:aws:kafka:us-east-1:000000000000:topic/big-orders' }] }],
      },
    })
    const eventBridge = new EventBridgeClient({ endpoint: t.busEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } })
    const put = await eventBridge.send(new PutEventsCommand({
      Entries: [
        { EventBusName: 'orders', Source: 'shop', DetailType: 'order', Detail: JSON.stringify({ total: 250 }) },
        { EventBusName: 'orders', Source: 'shop', DetailType: 'order', Detail: JSON.stringify({ total: 5 }) },
      ],
    }))
    assert.equal(put.FailedEntryCount, 0)
    eventBridge.destroy()
    const consumer = new Kafka({ brokers: t.brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: 'check' })
    await consumer.connect()
    await consumer.subscribe({ topic: 'big-orders', fromBeginning: true })
    const delivered = await new Promise<string>(resolve => { consumer.run({ eachMessage: async ({ message }) => resolve(message.value!.toString()) }).catch(() => {}) })
    await consumer.disconnect()
    assert.equal(JSON.parse(delivered).detail.total, 250)
  })

  test('a bus definition the bus refuses fails start with its reason and leaves nothing running', async () => {
    await assert.rejects(startTributary({ bus: { rules: [{ Name: 'r', EventPattern: '{not json' }] } }),
      (err: TributaryError) => err.code === 'TRIB_ERR_BUS_DEFINITION' && /PutRule "r" was refused: InvalidEventPatternException/.test(err.message))
  })

  test('autoCreateTopics: false refuses a produce to a topic nobody created, and nothing is written', async () => {
    await using t = await startTributary({ autoCreateTopics: false })
    const producer = new Kafka({ brokers: t.brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).producer({ allowAutoTopicCreation: true })
    await producer.connect()
    await assert.rejects(producer.send({ topic: 'nobody-made-this', messages: [{ value: 'x' }] }))
    await producer.disconnect()
    assert.equal(t.broker.log.topic('nobody-made-this'), undefined)
  })

  test('unknown options and bad storage are refused before anything starts', async () => {
    await assert.rejects(startTributary({ kafkaPortt: 1 } as never), (err: TributaryError) => err.code === 'TRIB_ERR_EMBEDDED_OPTIONS' && /unknown option "kafkaPortt"/.test(err.message))
    await assert.rejects(startTributary({ storage: '' }), { code: 'TRIB_ERR_EMBEDDED_OPTIONS' })
  })

  test('close() twice is harmless and the ports are released', async () => {
    const t = await startTributary()
    const port = Number(t.brokers[0]!.split(':')[1])
    await t.close()
    await t.close()
    await using again = await startTributary({ kafkaPort: port })
    assert.equal(again.brokers[0], `127.0.0.1:${port}`)
  })
})
