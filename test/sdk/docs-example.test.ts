// The node:test example of docs/testing.md, verbatim except for the import
// path (docs-testing.test.ts checks that the two stay the same).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel } from 'kafkajs'
import { startTributary } from '../../src/index.js'

// The code under test: publishes an order and returns its offset.
async function placeOrder (kafka: Kafka, order: { id: string, total: number }): Promise<string> {
  const producer = kafka.producer()
  await producer.connect()
  try {
    const [ack] = await producer.send({ topic: 'orders', messages: [{ key: order.id, value: JSON.stringify(order) }] })
    return ack!.baseOffset!
  } finally {
    await producer.disconnect()
  }
}

test('placeOrder writes the order, keyed by its id', async () => {
  await using t = await startTributary({ topics: [{ name: 'orders', partitions: 3 }] })
  const kafka = new Kafka({ brokers: t.brokers, logLevel: logLevel.NOTHING })

  await placeOrder(kafka, { id: 'o-1', total: 42 })

  const [record] = await t.records('orders')
  assert.equal(record!.key!.toString(), 'o-1')
  assert.deepEqual(JSON.parse(record!.value!.toString()), { id: 'o-1', total: 42 })
})

test('placeOrder survives a leader change: the producer retries and the order lands once', async () => {
  await using t = await startTributary({ topics: [{ name: 'orders' }] })
  const kafka = new Kafka({ brokers: t.brokers, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 20 } })
  const fault = t.faults.add({ api: 'Produce', topic: 'orders', error: 'NOT_LEADER_OR_FOLLOWER', count: 2 })

  await placeOrder(kafka, { id: 'o-2', total: 7 })

  assert.equal(fault.fired, 2)
  assert.equal((await t.records('orders')).length, 1)
})

test('a consumer that stops heartbeating leaves its group once the session times out', async () => {
  await using t = await startTributary({ topics: [{ name: 'orders' }] })
  const kafka = new Kafka({ brokers: t.brokers, logLevel: logLevel.NOTHING })
  const consumer = kafka.consumer({ groupId: 'billing', sessionTimeout: 10_000 })
  await consumer.connect()
  await consumer.subscribe({ topic: 'orders' })
  const joined = new Promise(resolve => consumer.on(consumer.events.GROUP_JOIN, resolve))
  await consumer.run({ eachMessage: async () => {} })
  await joined
  assert.equal(t.groups()[0]!.members.length, 1)

  // from now on the consumer's heartbeats do not reach the group coordinator
  t.faults.add({ api: 'Heartbeat', error: 'REQUEST_TIMED_OUT', count: 1000 })
  await t.clock.advance('15s') // no real waiting: the broker's clock moves past the session timeout

  assert.equal(t.groups()[0]!.members.length, 0)
  await consumer.disconnect()
})
