// Where injected faults land and what they leave alone, seen through kafkajs:
// one faulted partition fails while the rest of the same request is served,
// a Fetch fault is retried by a real consumer, a ListOffsets one reaches the admin,
// delays hold requests back, and bad fault definitions are refused.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel } from 'kafkajs'
import { startTributary, TributaryError } from '../../src/index.js'

function client (brokers: string[], retries: number): Kafka {
  return new Kafka({ clientId: 'sdk-faults', brokers, logLevel: logLevel.NOTHING, retry: { retries, initialRetryTime: 20, maxRetryTime: 200 } })
}

describe('faults', () => {
  test('a fault on one partition fails that partition only; the others of the same request are appended', async () => {
    await using t = await startTributary({ topics: [{ name: 'orders', partitions: 2 }] })
    const fault = t.faults.add({ api: 'Produce', topic: 'orders', partition: 0, error: 'NOT_ENOUGH_REPLICAS' })
    const producer = client(t.brokers, 0).producer()
    await producer.connect()
    await assert.rejects(producer.send({ topic: 'orders', messages: [{ partition: 0, value: 'a' }, { partition: 1, value: 'b' }] }),
      (err: Error & { type?: string }) => err.type === 'NOT_ENOUGH_REPLICAS' || /NOT_ENOUGH_REPLICAS|replicas/i.test(err.message))
    await producer.disconnect()
    assert.equal(fault.fired, 1)
    assert.deepEqual((await t.records('orders')).map(r => [r.partition, r.value?.toString()]), [[1, 'b']])
  })

  test('a request that names no faulted topic is served and the fault stays armed', async () => {
    await using t = await startTributary({ topics: [{ name: 'a' }, { name: 'b' }] })
    const fault = t.faults.add({ api: 'Produce', topic: 'b', error: 'NOT_LEADER_OR_FOLLOWER' })
    const producer = client(t.brokers, 0).producer()
    await producer.connect()
    await producer.send({ topic: 'a', messages: [{ value: 'fine' }] })
    await producer.disconnect()
    assert.equal(fault.fired, 0)
    assert.equal(fault.remaining, 1)
    assert.equal((await t.records('a')).length, 1)
  })

  test('a consumer whose fetches are answered NOT_LEADER_OR_FOLLOWER refreshes metadata and still reads everything', async () => {
    await using t = await startTributary({ topics: [{ name: 'events' }] })
    const kafka = client(t.brokers, 5)
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'events', messages: [{ value: 'e1' }, { value: 'e2' }] })
    await producer.disconnect()
    const fault = t.faults.add({ api: 'Fetch', topic: 'events', error: 'NOT_LEADER_OR_FOLLOWER', count: 2 })
    const consumer = kafka.consumer({ groupId: 'readers', maxWaitTimeInMs: 100 })
    await consumer.connect()
    await consumer.subscribe({ topic: 'events', fromBeginning: true })
    const values: string[] = []
    await new Promise<void>(resolve => {
      consumer.run({ eachMessage: async ({ message }) => { values.push(message.value!.toString()); if (values.length === 2) resolve() } }).catch(() => {})
    })
    await consumer.disconnect()
    assert.deepEqual(values, ['e1', 'e2'])
    assert.equal(fault.fired, 2)
  })

  test('an admin offsets lookup meets LEADER_NOT_AVAILABLE in its partition answer; the next lookup is served', async () => {
    await using t = await startTributary({ topics: [{ name: 'ledger', partitions: 2 }] })
    const fault = t.faults.add({ api: 'ListOffsets', topic: 'ledger', partition: 1, error: 'LEADER_NOT_AVAILABLE' })
    const admin = client(t.brokers, 5).admin()
    await admin.connect()
    // kafkajs's fetchTopicOffsets does not retry; it reports the partition's error
    await assert.rejects(admin.fetchTopicOffsets('ledger'), (err: Error & { type?: string }) => err.type === 'LEADER_NOT_AVAILABLE')
    const offsets = await admin.fetchTopicOffsets('ledger')
    await admin.disconnect()
    assert.deepEqual(offsets.map(o => [o.partition, o.high]).sort(), [[0, '0'], [1, '0']])
    assert.equal(fault.fired, 1)
  })

  test('an idempotent producer whose InitProducerId meets COORDINATOR_LOAD_IN_PROGRESS retries and then writes', async () => {
    await using t = await startTributary({ topics: [{ name: 'ids' }] })
    const fault = t.faults.add({ api: 'InitProducerId', error: 'COORDINATOR_LOAD_IN_PROGRESS', count: 2 })
    const producer = client(t.brokers, 5).producer({ idempotent: true })
    await producer.connect()
    await producer.send({ topic: 'ids', messages: [{ value: 'once' }] })
    await producer.disconnect()
    assert.equal(fault.fired, 2)
    assert.deepEqual((await t.records('ids')).map(r => r.value?.toString()), ['once'])
  })

  test('a delay holds the next requests back and reports each one it held', async () => {
    await using t = await startTributary({ topics: [{ name: 'slow' }] })
    const delay = t.faults.delay({ api: 'Produce', ms: 50, count: 2 })
    const producer = client(t.brokers, 0).producer()
    await producer.connect()
    for (const value of ['x', 'y', 'z']) await producer.send({ topic: 'slow', messages: [{ value }] })
    await producer.disconnect()
    await delay.waitFired(2)
    assert.equal(delay.fired, 2)
    assert.equal(delay.remaining, 0)
    assert.equal((await t.records('slow')).length, 3)
  })

  test('faults naming an unknown API or error, or a topic on an API without topics, are refused', async () => {
    await using t = await startTributary()
    assert.throws(() => t.faults.add({ api: 'Produse', error: 'NONE' }), (err: TributaryError) => err.code === 'TRIB_ERR_FAULT' && /unknown Kafka API Produse; the broker serves .*Produce/.test(err.message))
    assert.throws(() => t.faults.add({ api: 'Produce', error: 'NOT_A_REAL_ERROR' as never }), /unknown Kafka error NOT_A_REAL_ERROR/)
    assert.throws(() => t.faults.add({ api: 'Heartbeat', topic: 'x', error: 'REBALANCE_IN_PROGRESS' }), /Heartbeat has no topics or partitions/)
    assert.throws(() => t.faults.add({ api: 'Produce', error: 'REQUEST_TIMED_OUT', count: 0 }), /count must be a positive integer/)
    assert.equal(t.faults.pending, 0)
  })
})
