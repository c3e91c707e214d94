// @platformatic/kafka 2.x (flexible protocol versions only) against a real broker process.
// The package declares Node >= 22.22; these tests run it on Node 20 and say what breaks, if anything.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import '../helpers/node20-compat.js'
import { Admin, Consumer, Producer, ProduceAcks, stringDeserializers, stringSerializers } from '@platformatic/kafka'
import { BrokerProcess } from '../helpers/broker-process.js'
import { consumeAll, headerPairs } from '../helpers/kcat.js'

const topic = 'platformatic-events'

describe('@platformatic/kafka against Tributary', () => {
  let broker: BrokerProcess
  let admin: Admin
  let producer: Producer<string, string, string, string>

  before(async () => {
    broker = await BrokerProcess.start()
    admin = new Admin({ clientId: 'interop-platformatic-admin', bootstrapBrokers: [broker.bootstrap], retries: 2 })
    producer = new Producer({ clientId: 'interop-platformatic-producer', bootstrapBrokers: [broker.bootstrap], serializers: stringSerializers, retries: 2 })
  })

  after(async () => {
    await producer?.close()
    await admin?.close()
    await broker?.cleanup()
  })

  test('Admin.createTopics and Admin.metadata show the topic with its partitions and a topic id', () => broker.explain(async () => {
    await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 })
    assert.ok((await admin.listTopics()).includes(topic))
    const metadata = await admin.metadata({ topics: [topic] })
    const described = metadata.topics.get(topic)
    assert.ok(described)
    assert.equal(described.partitionsCount, 3)
    assert.notEqual(described.id, '00000000-0000-0000-0000-000000000000', 'Metadata v10+ carries a real topic id')
    assert.deepEqual([...metadata.brokers.values()].map(b => `${b.host}:${b.port}`), [broker.bootstrap])
  }))

  test('Producer.send with acks=all writes keys and headers that kcat reads back', () => broker.explain(async () => {
    const messages = Array.from({ length: 9 }, (_, i) => ({ topic, partition: i % 3, key: `k${i}`, value: `v${i}`, headers: { index: String(i) } }))
    const result = await producer.send({ messages, acks: ProduceAcks.ALL })
    const offsets = (result.offsets ?? []).map(o => [o.partition, Number(o.offset)]).sort()
    assert.deepEqual(offsets, [[0, 0], [1, 0], [2, 0]], 'each partition got one batch at base offset 0')
    for (const partition of [0, 1, 2]) {
      const consumed = await consumeAll(broker.bootstrap, topic, { partition })
      const expected = messages.filter(m => m.partition === partition)
      assert.deepEqual(consumed.map(m => [m.offset, m.key, m.payload, Object.fromEntries(headerPairs(m))]),
        expected.map((m, k) => [k, m.key, m.value, m.headers]))
    }
  }))

  test('Admin.listOffsets answers earliest, latest and by timestamp; Admin.deleteRecords moves the low watermark', () => broker.explain(async () => {
    const timed = 'platformatic-times'
    await admin.createTopics({ topics: [timed], partitions: 1, replicas: 1 })
    const base = BigInt(Date.now() - 60_000)
    await producer.send({
      acks: ProduceAcks.ALL,
      messages: Array.from({ length: 6 }, (_, i) => ({ topic: timed, partition: 0, value: `t${i}`, timestamp: base + BigInt(i * 100) }))
    })
    const listed = async (timestamp: bigint) => {
      const [answer] = await admin.listOffsets({ topics: [{ name: timed, partitions: [{ partitionIndex: 0, timestamp }] }] })
      return answer?.partitions[0]?.offset
    }
    assert.equal(await listed(-2n), 0n, 'earliest')
    assert.equal(await listed(-1n), 6n, 'latest')
    assert.equal(await listed(base + 250n), 3n, 'the first record stamped at or after base + 250 is t3')
    // Kafka answers -1 when no record is that late; clients read it as the end (kafkajs swaps in the high watermark).
    assert.equal(await listed(base + 10_000n), -1n, 'after every record: -1, as Kafka answers')
    const [deleted] = await admin.deleteRecords({ topics: [{ name: timed, partitions: [{ partition: 0, offset: 4n }] }] })
    assert.equal(deleted?.partitions[0]?.lowWatermark, 4n)
    assert.equal(await listed(-2n), 4n, 'earliest after deleteRecords')
    assert.equal(await listed(base + 250n), 4n, 'by timestamp never answers below the log start offset')
  }))

  test('Consumer.fetch without a group reads a partition from an offset (Fetch v12+ by topic id)', () => broker.explain(async () => {
    const consumer = new Consumer({ clientId: 'interop-platformatic-fetch', groupId: 'unused-by-fetch', bootstrapBrokers: [broker.bootstrap], retries: 2 })
    try {
      const metadata = await consumer.metadata({ topics: [topic] })
      const described = metadata.topics.get(topic)
      assert.ok(described)
      const response = await consumer.fetch({
        node: described.partitions[1]!.leader,
        maxWaitTime: 500,
        topics: [{ topicId: described.id, partitions: [{ partition: 1, fetchOffset: 1n, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 }] }]
      })
      assert.equal(response.errorCode, 0)
      const partition = response.responses[0]?.partitions[0]
      assert.ok(partition)
      assert.equal(partition.errorCode, 0)
      assert.equal(partition.highWatermark, 3n)
      assert.equal(partition.lastStableOffset, 3n)
      assert.equal(partition.logStartOffset, 0n)
      const records = (partition.records ?? []).flatMap(batch => batch.records.map(r => ({ offset: batch.firstOffset + BigInt(r.offsetDelta), value: r.value?.toString() })))
      // The batch holding offset 0..2 comes back whole; the client skips what is below the fetch offset.
      assert.deepEqual(records.filter(r => r.offset >= 1n), [{ offset: 1n, value: 'v4' }, { offset: 2n, value: 'v7' }])
    } finally {
      await consumer.close()
    }
  }))

  test('Consumer.consume with a group reads every message (needs consumer groups, issue 3)', () => broker.explain(async () => {
    const consumer = new Consumer({
      clientId: 'interop-platformatic-group',
      groupId: 'platformatic-group',
      bootstrapBrokers: [broker.bootstrap],
      deserializers: stringDeserializers,
      retries: 2,
      timeout: 5000
    })
    try {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, sessionTimeout: 10_000, heartbeatInterval: 500 })
      const expected = (await consumeAll(broker.bootstrap, topic)).map(m => `${m.partition}/${m.offset}`).sort()
      const seen = new Set<string>()
      for await (const message of stream) {
        seen.add(`${message.partition}/${message.offset}`)
        if (seen.size === expected.length) break
      }
      assert.deepEqual([...seen].sort(), expected)
      await stream.close()
    } finally {
      await consumer.close(true)
    }
  }))
})
