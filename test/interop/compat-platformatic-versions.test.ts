// @platformatic/kafka 1.x (1.0 to 1.21, most of 2025) implements only the newest versions of
// several APIs: Fetch 15-17, ListOffsets 8-9, OffsetCommit / OffsetFetch 9 (1.0-1.4), Produce
// 10-11 (1.0-1.4), EndTxn 4, AddPartitionsToTxn 5, AddOffsetsToTxn 4, TxnOffsetCommit 4. Against
// a broker whose range stops below those it fails with "No usable implementation found for API
// ListOffsets" before it consumes anything. 2.x picks the highest version both sides have, so
// these are also the versions the installed client now uses. Each is driven here through the
// client's own encoder and decoder for exactly that version.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import '../helpers/node20-compat.js'
import * as pk from '@platformatic/kafka'
import { BrokerProcess } from '../helpers/broker-process.js'
import { parseApiVersionsV0, RawKafkaConnection, requestFrame } from '../helpers/raw-kafka.js'

/** API key -> the versions @platformatic/kafka 1.20.0 implements (from its src/apis, tag v1.20.0). */
const platformatic1x: Record<number, [string, number[]]> = {
  0: ['Produce', [9, 10, 11]],
  1: ['Fetch', [15, 16, 17]],
  2: ['ListOffsets', [8, 9]],
  3: ['Metadata', [12]],
  8: ['OffsetCommit', [8, 9]],
  9: ['OffsetFetch', [8, 9]],
  10: ['FindCoordinator', [4, 5, 6]],
  11: ['JoinGroup', [9]],
  12: ['Heartbeat', [4]],
  13: ['LeaveGroup', [5]],
  14: ['SyncGroup', [5]],
  15: ['DescribeGroups', [5]],
  16: ['ListGroups', [4, 5]],
  18: ['ApiVersions', [3, 4]],
  19: ['CreateTopics', [7]],
  20: ['DeleteTopics', [6]],
  21: ['DeleteRecords', [2]],
  22: ['InitProducerId', [4, 5]],
  24: ['AddPartitionsToTxn', [5]],
  25: ['AddOffsetsToTxn', [4]],
  26: ['EndTxn', [4]],
  28: ['TxnOffsetCommit', [4]],
  32: ['DescribeConfigs', [4]],
  33: ['AlterConfigs', [2]],
  37: ['CreatePartitions', [3]],
  42: ['DeleteGroups', [2]],
  44: ['IncrementalAlterConfigs', [1]],
  47: ['OffsetDelete', [0]],
  60: ['DescribeCluster', [1]]
}

const topic = 'compat-platformatic'
const base = BigInt(Date.now() - 60_000)

describe('the newest protocol versions @platformatic/kafka uses', () => {
  let broker: BrokerProcess
  let topicId: string
  // One connection per test: Kafka closes a connection that sends a version it does not
  // serve, and one test's failure should not become the next one's.
  let connection: pk.Connection

  before(async () => {
    broker = await BrokerProcess.start()
    const admin = new pk.Admin({ clientId: 'compat-admin', bootstrapBrokers: [broker.bootstrap], retries: 2 })
    try {
      await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 })
      topicId = (await admin.metadata({ topics: [topic] })).topics.get(topic)!.id
    } finally {
      await admin.close()
    }
  })

  beforeEach(async () => {
    connection = new pk.Connection('compat-platformatic')
    await connection.connect(broker.host, broker.kafkaPort)
  })

  afterEach(async () => { await connection?.close() })

  after(async () => { await broker?.cleanup() })

  test('ApiVersions offers every API @platformatic/kafka 1.x needs at a version it implements', () => broker.explain(async () => {
    const raw = await RawKafkaConnection.open(broker.host, broker.kafkaPort)
    try {
      raw.write(requestFrame(18, 0, 1, Buffer.alloc(0)))
      const { apis } = parseApiVersionsV0(await raw.nextFrame())
      const missing = Object.entries(platformatic1x).filter(([key, [, versions]]) => {
        const ours = apis.find(a => a.apiKey === Number(key))
        return ours === undefined || !versions.some(v => v >= ours.minVersion && v <= ours.maxVersion)
      }).map(([key, [name, versions]]) => `${name} (${key}) needs one of ${versions.join(',')}, broker has ${JSON.stringify(apis.find(a => a.apiKey === Number(key)))}`)
      assert.deepEqual(missing, [])
    } finally {
      raw.destroy()
    }
  }))

  test('Produce v11 writes and Fetch v17 (topic ids, tagged fields) reads back keys, values, headers and offsets', () => broker.explain(async () => {
    const messages = Array.from({ length: 5 }, (_, i) => ({
      topic,
      partition: 0,
      key: Buffer.from(`k${i}`),
      value: Buffer.from(`v${i}`),
      headers: new Map([[Buffer.from('i'), Buffer.from(String(i))]]),
      timestamp: base + BigInt(i * 1000)
    }))
    const produced = await pk.produceV11.api.async(connection, -1, 5000, messages, {})
    assert.ok(typeof produced === 'object', 'acks=-1 gets an answer')
    const answer = produced.responses[0]!.partitionResponses[0]!
    assert.equal(answer.errorCode, 0)
    assert.equal(answer.baseOffset, 0n)

    const fetched = await pk.fetchV17.api.async(connection, 100, 1, 1 << 20, 0, 0, -1, [{
      topicId,
      partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 2n, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 }]
    }], [], '')
    assert.equal(fetched.errorCode, 0)
    assert.equal(fetched.responses[0]!.topicId, topicId)
    const partition = fetched.responses[0]!.partitions[0]!
    assert.equal(partition.errorCode, 0)
    assert.equal(partition.highWatermark, 5n)
    const records = (partition.records ?? []).flatMap(batch => batch.records.map(r => ({
      offset: batch.firstOffset + BigInt(r.offsetDelta),
      key: String(r.key),
      value: String(r.value),
      header: r.headers.map(([k, v]) => `${String(k)}=${String(v)}`).join()
    })))
    // The batch holding offset 2 comes back whole; a client skips what lies below its fetch offset.
    assert.deepEqual(records.filter(r => r.offset >= 2n), [2, 3, 4].map(i => ({ offset: BigInt(i), key: `k${i}`, value: `v${i}`, header: `i=${i}` })))
  }))

  test('ListOffsets v9 answers latest, earliest, max timestamp, earliest local, latest tiered and by timestamp', () => broker.explain(async () => {
    const ask = async (timestamp: bigint): Promise<[bigint, bigint]> => {
      const response = await pk.listOffsetsV9.api.async(connection, -1, 0, [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }])
      const p = response.topics[0]!.partitions[0]!
      assert.equal(p.errorCode, 0, `timestamp ${timestamp}`)
      return [p.offset, p.timestamp]
    }
    assert.deepEqual(await ask(-1n), [5n, -1n])
    assert.deepEqual(await ask(-2n), [0n, -1n])
    assert.deepEqual(await ask(-3n), [4n, base + 4000n])
    assert.deepEqual(await ask(-4n), [0n, -1n], 'earliest local: every segment is local, so the log start offset')
    assert.deepEqual(await ask(-5n), [-1n, -1n], 'latest tiered: nothing is tiered, so -1 as Kafka answers without remote storage')
    assert.deepEqual(await ask(base + 2500n), [3n, base + 3000n])
  }))

  test('OffsetCommit v9 stores a commit and OffsetFetch v9 (member id and epoch per group) reads it back', () => broker.explain(async () => {
    const group = 'compat-standalone'
    const committed = await pk.offsetCommitV9.api.async(connection, group, -1, '', null, [{
      name: topic, partitions: [{ partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: 'note' }]
    }])
    assert.equal(committed.topics[0]!.partitions[0]!.errorCode, 0)
    const fetched = await pk.offsetFetchV9.api.async(connection, [{ groupId: group, memberId: null, memberEpoch: -1, topics: [{ name: topic, partitionIndexes: [0] }] }], false)
    const groupAnswer = fetched.groups[0]!
    assert.equal(groupAnswer.errorCode, 0)
    assert.deepEqual(groupAnswer.topics[0]!.partitions.map(p => [p.partitionIndex, p.committedOffset, p.metadata, p.errorCode]), [[0, 3n, 'note', 0]])
  }))

  test('a transaction through the Producer (AddPartitionsToTxn v5, EndTxn v4) is visible to read_committed once committed, never once aborted', () => broker.explain(async () => {
    const txTopic = 'compat-platformatic-txn'
    const producer = new pk.Producer({
      clientId: 'compat-txn', bootstrapBrokers: [broker.bootstrap], idempotent: true, transactionalId: 'compat-txn', serializers: pk.stringSerializers, retries: 2, autocreateTopics: true
    })
    try {
      const committed = await producer.beginTransaction()
      await committed.send({ messages: [{ topic: txTopic, partition: 0, value: 'kept-1' }, { topic: txTopic, partition: 0, value: 'kept-2' }] })
      await committed.commit()
      const aborted = await producer.beginTransaction()
      await aborted.send({ messages: [{ topic: txTopic, partition: 0, value: 'dropped' }] })
      await aborted.abort()
    } finally {
      await producer.close()
    }

    const id = (await pk.metadataV12.api.async(connection, [txTopic], false, false)).topics.find(t => t.name === txTopic)!.topicId
    const fetchAll = async (isolationLevel: number): Promise<string[]> => {
      const response = await pk.fetchV17.api.async(connection, 0, 1, 1 << 20, isolationLevel, 0, -1, [{
        topicId: id, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 }]
      }], [], '')
      const partition = response.responses[0]!.partitions[0]!
      // What a read_committed client skips: batches of a listed producer from the aborted
      // transaction's first offset on (one transaction per producer here).
      const aborted = partition.abortedTransactions ?? []
      const isAborted = (batch: pk.RecordsBatch): boolean => aborted.some(a => a.producerId === batch.producerId && batch.firstOffset >= a.firstOffset)
      assert.equal(aborted.length, isolationLevel === 1 ? 1 : 0)
      return (partition.records ?? [])
        .filter(batch => (batch.attributes & 0x20) === 0) // control batches (commit / abort markers)
        .filter(batch => !isAborted(batch))
        .flatMap(batch => batch.records.map(r => String(r.value)))
    }
    assert.deepEqual(await fetchAll(1), ['kept-1', 'kept-2'])
    assert.deepEqual(await fetchAll(0), ['kept-1', 'kept-2', 'dropped'])
  }))
})
