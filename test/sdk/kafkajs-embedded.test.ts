// kafkajs against the embedded broker: produce and consume, a consumer group
// whose commits the broker shows, and retries caused by injected faults that
// the client survives.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel, type Consumer } from 'kafkajs'
import { startTributary } from '../../src/index.js'

function client (brokers: string[], retries = 5): Kafka {
  return new Kafka({ clientId: 'sdk-kafkajs', brokers, logLevel: logLevel.NOTHING, retry: { retries, initialRetryTime: 20, maxRetryTime: 200 } })
}

/** Runs a consumer until `want` messages arrived; resolves with their values. */
async function consumeUntil (consumer: Consumer, topic: string, want: number): Promise<string[]> {
  const values: string[] = []
  await consumer.subscribe({ topic, fromBeginning: true })
  await new Promise<void>((resolve, reject) => {
    consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value!.toString())
        if (values.length === want) resolve()
      }
    }).catch(reject)
  })
  return values
}

describe('kafkajs against the embedded broker', () => {
  test('what a producer sends, a consumer group reads, and the group commits show in t.groups()', async () => {
    await using t = await startTributary({ topics: [{ name: 'orders', partitions: 2 }] })
    const kafka = client(t.brokers)
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'orders', messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `order-${i}` })) })
    await producer.disconnect()
    assert.equal((await t.records('orders')).length, 10)

    const consumer = kafka.consumer({ groupId: 'billing' })
    await consumer.connect()
    const values = await consumeUntil(consumer, 'orders', 10)
    assert.deepEqual(values.sort(), Array.from({ length: 10 }, (_, i) => `order-${i}`).sort())
    await consumer.disconnect() // commits what was consumed, then leaves
    const [group] = t.groups()
    assert.equal(group?.groupId, 'billing')
    assert.equal(group?.members.length, 0)
    const committed = group!.offsets.orders!
    assert.equal((committed[0] ?? 0) + (committed[1] ?? 0), 10)
  })

  test('a produce answered NOT_LEADER_OR_FOLLOWER twice is retried by the producer and lands once', async () => {
    await using t = await startTributary({ topics: [{ name: 'payments' }] })
    const fault = t.faults.add({ api: 'Produce', topic: 'payments', error: 'NOT_LEADER_OR_FOLLOWER', count: 2 })
    const producer = client(t.brokers).producer()
    await producer.connect()
    await producer.send({ topic: 'payments', messages: [{ value: 'paid' }] })
    await producer.disconnect()
    assert.equal(fault.fired, 2)
    const records = await t.records('payments')
    assert.deepEqual(records.map(r => r.value?.toString()), ['paid'])
  })

  test('a group whose coordinator is unavailable at first still joins and consumes', async () => {
    await using t = await startTributary({ topics: [{ name: 'events' }] })
    const producer = client(t.brokers).producer()
    await producer.connect()
    await producer.send({ topic: 'events', messages: [{ value: 'e1' }, { value: 'e2' }] })
    await producer.disconnect()
    const findCoordinator = t.faults.add({ api: 'FindCoordinator', error: 'COORDINATOR_NOT_AVAILABLE', count: 2 })
    const consumer = client(t.brokers, 8).consumer({ groupId: 'late' })
    await consumer.connect()
    assert.deepEqual(await consumeUntil(consumer, 'events', 2), ['e1', 'e2'])
    await consumer.disconnect()
    assert.equal(findCoordinator.fired, 2)
  })

  test('a fault that a client cannot retry past surfaces with its Kafka error name', async () => {
    await using t = await startTributary({ topics: [{ name: 'audit' }] })
    t.faults.add({ api: 'Produce', error: 'TOPIC_AUTHORIZATION_FAILED' })
    const producer = client(t.brokers, 0).producer()
    await producer.connect()
    await assert.rejects(producer.send({ topic: 'audit', messages: [{ value: 'x' }] }), (err: Error & { type?: string }) => err.type === 'TOPIC_AUTHORIZATION_FAILED')
    await producer.disconnect()
    assert.deepEqual(await t.records('audit'), [], 'the faulted produce appended nothing')
  })

  test('disconnectAll drops the producer, which reconnects on its next send', async () => {
    await using t = await startTributary({ topics: [{ name: 'clicks' }] })
    const producer = client(t.brokers).producer()
    await producer.connect()
    await producer.send({ topic: 'clicks', messages: [{ value: 'before' }] })
    t.disconnectAll()
    await producer.send({ topic: 'clicks', messages: [{ value: 'after' }] })
    await producer.disconnect()
    assert.deepEqual((await t.records('clicks')).map(r => r.value?.toString()), ['before', 'after'])
  })
})
