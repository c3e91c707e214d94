// @platformatic/kafka (flexible protocol versions only) against the embedded
// broker: produce and consume in a group, and retries caused by injected
// faults in the flexible versions of Produce and JoinGroup.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import '../helpers/node20-compat.js'
import { Consumer, MessagesStreamModes, Producer, ProduceAcks, stringDeserializers, stringSerializers } from '@platformatic/kafka'
import { startTributary } from '../../src/index.js'

type StringProducer = Producer<string, string, string, string>

function producerFor (brokers: string[]): StringProducer {
  return new Producer({ clientId: 'sdk-platformatic', bootstrapBrokers: brokers, serializers: stringSerializers, retries: 5, retryDelay: 20 })
}

/** Reads `count` messages in group `groupId`, committing each; resolves with their values. */
async function readInGroup (brokers: string[], groupId: string, topic: string, count: number): Promise<string[]> {
  const consumer = new Consumer({ clientId: 'sdk-platformatic', groupId, bootstrapBrokers: brokers, deserializers: stringDeserializers, retries: 8, retryDelay: 20, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTime: 200 })
  const values: string[] = []
  try {
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false })
    for await (const message of stream) {
      values.push(message.value)
      await message.commit()
      if (values.length === count) break
    }
    await stream.close()
  } finally {
    await consumer.close()
  }
  return values
}

describe('@platformatic/kafka against the embedded broker', () => {
  test('what a producer sends, a consumer group reads and commits', async () => {
    await using t = await startTributary({ topics: [{ name: 'orders', partitions: 3 }] })
    const producer = producerFor(t.brokers)
    const values = Array.from({ length: 9 }, (_, i) => `order-${i}`)
    await producer.send({ acks: ProduceAcks.ALL, messages: values.map((value, i) => ({ topic: 'orders', partition: i % 3, key: `k${i}`, value })) })
    await producer.close()
    assert.deepEqual((await readInGroup(t.brokers, 'billing', 'orders', 9)).sort(), values.sort())
    const group = t.groups().find(g => g.groupId === 'billing')
    assert.deepEqual(group?.offsets.orders, { 0: 3, 1: 3, 2: 3 })
  })

  test('a produce answered REQUEST_TIMED_OUT is retried and lands once', async () => {
    await using t = await startTributary({ topics: [{ name: 'payments' }] })
    const fault = t.faults.add({ api: 'Produce', error: 'REQUEST_TIMED_OUT', count: 1 })
    const producer = producerFor(t.brokers)
    await producer.send({ acks: ProduceAcks.ALL, messages: [{ topic: 'payments', value: 'paid' }] })
    await producer.close()
    assert.equal(fault.fired, 1)
    assert.deepEqual((await t.records('payments')).map(r => r.value?.toString()), ['paid'])
  })

  test('a join answered COORDINATOR_NOT_AVAILABLE is retried and the group still consumes', async () => {
    await using t = await startTributary({ topics: [{ name: 'events' }] })
    const producer = producerFor(t.brokers)
    await producer.send({ acks: ProduceAcks.ALL, messages: [{ topic: 'events', value: 'e1' }] })
    await producer.close()
    const fault = t.faults.add({ api: 'JoinGroup', error: 'COORDINATOR_NOT_AVAILABLE', count: 1 })
    assert.deepEqual(await readInGroup(t.brokers, 'late', 'events', 1), ['e1'])
    assert.equal(fault.fired, 1)
  })
})
