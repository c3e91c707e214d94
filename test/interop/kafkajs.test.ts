// kafkajs 2.2.4 (non-flexible versions only) against a real broker process.
// Groups come in a later issue, so records are read back with kcat rather than a kafkajs consumer.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs'
import { BrokerProcess } from '../helpers/broker-process.js'
import { consumeAll, headerPairs } from '../helpers/kcat.js'
import { errorTags, rejection } from '../helpers/kafka-errors.js'

describe('kafkajs against Tributary', () => {
  let broker: BrokerProcess
  let kafka: Kafka
  let admin: Admin
  let producer: Producer

  before(async () => {
    broker = await BrokerProcess.start()
    kafka = new Kafka({ clientId: 'interop-kafkajs', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } })
    admin = kafka.admin()
    producer = kafka.producer()
    await admin.connect()
    await producer.connect()
  })

  after(async () => {
    await producer?.disconnect()
    await admin?.disconnect()
    await broker?.cleanup()
  })

  test('createTopics makes topics whose partitions all report offsets 0..0', () => broker.explain(async () => {
    const created = await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }, { topic: 'payments', numPartitions: 2 }] })
    assert.equal(created, true)
    const topics = await admin.listTopics()
    assert.ok(topics.includes('orders') && topics.includes('payments'), `listTopics: ${topics.join(',')}`)
    const offsets = await admin.fetchTopicOffsets('orders')
    assert.deepEqual(offsets.map(o => [o.partition, o.low, o.high]).sort(), [[0, '0', '0'], [1, '0', '0'], [2, '0', '0']])
  }))

  test('sendBatch with keys and headers across topics and partitions reads back exactly, at contiguous offsets', () => broker.explain(async () => {
    const topicMessages = [
      { topic: 'orders', partitions: 3, count: 30 },
      { topic: 'payments', partitions: 2, count: 20 }
    ].map(({ topic, partitions, count }) => ({
      topic,
      messages: Array.from({ length: count }, (_, i) => ({
        key: `${topic}-key-${i}`,
        value: JSON.stringify({ topic, i }),
        partition: i % partitions,
        headers: { 'trace-id': `trace-${i}`, source: 'interop' }
      }))
    }))
    const acks = await producer.sendBatch({ topicMessages, acks: -1 })
    for (const ack of acks) assert.equal(ack.errorCode, 0)

    for (const { topic, messages } of topicMessages) {
      const consumed = await consumeAll(broker.bootstrap, topic)
      assert.equal(consumed.length, messages.length, `${topic}: every message is there once`)
      const byPartition = new Map<number, typeof consumed>()
      for (const message of consumed) byPartition.set(message.partition, [...(byPartition.get(message.partition) ?? []), message])
      for (const [partition, list] of byPartition) {
        assert.deepEqual(list.map(m => m.offset), list.map((_, i) => i), `${topic}/${partition}: offsets are 0..n-1`)
        const expected = messages.filter(m => m.partition === partition)
        assert.deepEqual(list.map(m => m.key), expected.map(m => m.key))
        assert.deepEqual(list.map(m => m.payload), expected.map(m => m.value))
        assert.deepEqual(list.map(m => Object.fromEntries(headerPairs(m))), expected.map(m => m.headers))
      }
    }
    const offsets = await admin.fetchTopicOffsets('orders')
    assert.deepEqual(offsets.map(o => o.high).sort(), ['10', '10', '10'])
  }))

  test('fetchTopicOffsetsByTimestamp answers the first offset at or after the timestamp, or the end offset', () => broker.explain(async () => {
    await admin.createTopics({ topics: [{ topic: 'timeline', numPartitions: 1 }] })
    const base = Date.now() - 100_000
    const message = (i: number) => ({ value: `tick-${i}`, timestamp: String(base + i * 1000) })
    // Five records in one batch (the answer lies inside a batch), then five batches of one.
    await producer.send({ topic: 'timeline', acks: -1, messages: [0, 1, 2, 3, 4].map(message) })
    for (const i of [5, 6, 7, 8, 9]) await producer.send({ topic: 'timeline', acks: -1, messages: [message(i)] })

    const at = async (ts: number) => (await admin.fetchTopicOffsetsByTimestamp('timeline', ts))[0]?.offset
    assert.equal(await at(base - 5000), '0', 'before every record: the first offset')
    assert.equal(await at(base), '0', 'exactly the first timestamp')
    assert.equal(await at(base + 2500), '3', 'between records 2 and 3, inside the first batch')
    assert.equal(await at(base + 3000), '3', 'exactly the timestamp of record 3')
    assert.equal(await at(base + 6500), '7', 'between single-record batches')
    assert.equal(await at(base + 9000), '9', 'the last record')
    assert.equal(await at(base + 20_000), '10', 'after every record: the end offset')
  }))

  test('deleteTopicRecords moves the log start offset and kcat then starts there', () => broker.explain(async () => {
    await admin.createTopics({ topics: [{ topic: 'trimmed', numPartitions: 1 }] })
    await producer.send({ topic: 'trimmed', acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })) })
    assert.deepEqual((await admin.fetchTopicOffsets('trimmed')).map(o => [o.low, o.high]), [['0', '10']])
    await admin.deleteTopicRecords({ topic: 'trimmed', partitions: [{ partition: 0, offset: '6' }] })
    assert.deepEqual((await admin.fetchTopicOffsets('trimmed')).map(o => [o.low, o.high]), [['6', '10']])
    const left = await consumeAll(broker.bootstrap, 'trimmed')
    assert.deepEqual(left.map(m => [m.offset, m.payload]), [[6, 'v6'], [7, 'v7'], [8, 'v8'], [9, 'v9']])
  }))

  test('a producer sending to a topic that does not exist creates it', () => broker.explain(async () => {
    const [ack] = await producer.send({ topic: 'auto.created-topic_1', acks: -1, messages: [{ key: 'k', value: 'first' }] })
    assert.equal(ack?.errorCode, 0)
    assert.ok((await admin.listTopics()).includes('auto.created-topic_1'))
    const consumed = await consumeAll(broker.bootstrap, 'auto.created-topic_1')
    assert.deepEqual(consumed.map(m => [m.key, m.payload]), [['k', 'first']])
  }))

  test('an invalid topic name gets INVALID_TOPIC_EXCEPTION from the producer and from createTopics', () => broker.explain(async () => {
    const sendError = await rejection(producer.send({ topic: 'bad topic!', messages: [{ value: 'x' }] }))
    assert.ok(errorTags(sendError).includes('INVALID_TOPIC_EXCEPTION'), `producer.send failed with ${errorTags(sendError).join(' | ')}`)
    const createError = await rejection(admin.createTopics({ topics: [{ topic: 'x'.repeat(250) }] }))
    assert.ok(errorTags(createError).includes('INVALID_TOPIC_EXCEPTION'), `createTopics failed with ${errorTags(createError).join(' | ')}`)
    assert.ok(!(await admin.listTopics()).includes('bad topic!'))
  }))

  test('a message over max.message.bytes gets MESSAGE_TOO_LARGE and the topic keeps what it had', () => broker.explain(async () => {
    await admin.createTopics({ topics: [{ topic: 'small-messages', numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '2048' }] }] })
    await producer.send({ topic: 'small-messages', acks: -1, messages: [{ value: 'fits' }] })
    const error = await rejection(producer.send({ topic: 'small-messages', acks: -1, messages: [{ value: Buffer.alloc(8192, 0x61) }] }))
    assert.ok(errorTags(error).includes('MESSAGE_TOO_LARGE'), `send failed with ${errorTags(error).join(' | ')}`)
    await producer.send({ topic: 'small-messages', acks: -1, messages: [{ value: 'still fits' }] })
    const consumed = await consumeAll(broker.bootstrap, 'small-messages')
    assert.deepEqual(consumed.map(m => [m.offset, m.payload]), [[0, 'fits'], [1, 'still fits']])
  }))
})
