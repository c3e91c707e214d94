// GET /metrics after known Kafka traffic from a real client (kafkajs) against a
// real broker process: the kafka_exporter series, request counts and per-topic
// bytes and records, exact.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs'
import { BrokerProcess } from '../helpers/broker-process.js'
import { commitAsStandalone, scrape } from './tributary-harness.js'
import { sampleValue } from './prometheus-text.js'

// Record timestamps are set relative to this, so the age of unconsumed messages is known.
const NOW = Date.now()

describe('/metrics after known Kafka traffic', () => {
  let t: BrokerProcess
  let admin: Admin
  let producer: Producer

  before(async () => {
    t = await BrokerProcess.start({ env: { TRIBUTARY_GROUP_INITIAL_REBALANCE_DELAY_MS: '0' } })
    const kafka = new Kafka({ clientId: 'metrics-test', brokers: [t.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } })
    admin = kafka.admin()
    producer = kafka.producer()
    await admin.connect()
    await producer.connect()
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] })
    // Offsets 0-4 on partition 0 (one batch), 0-2 on partition 1; the record at offset 2
    // of partition 0 is stamped NOW - 90 s, the batch's first NOW - 100 s.
    await producer.send({ topic: 'orders', acks: -1, messages: [0, 1, 2, 3, 4].map(i => ({ partition: 0, value: `p0-${i}`, timestamp: String(NOW - 100_000 + i * 5_000) })) })
    await producer.send({ topic: 'orders', acks: -1, messages: [0, 1, 2].map(i => ({ partition: 1, value: `p1-${i}`, timestamp: String(NOW - 1000) })) })
    // Commit offset 2 on partition 0 only, for a group with no members.
    await commitAsStandalone(t.bootstrap, 'billing', 'orders', { 0: 2 })
  })

  after(async () => {
    await producer?.disconnect()
    await admin?.disconnect()
    await t?.cleanup()
  })

  test('topics and partitions appear with their offsets as kafka_exporter names them', async () => {
    const m = await scrape(t.httpUrl)
    assert.equal(sampleValue(m, 'kafka_brokers'), 1)
    assert.equal(sampleValue(m, 'kafka_topic_partitions', { topic: 'orders' }), 3)
    assert.equal(sampleValue(m, 'kafka_topic_partition_current_offset', { topic: 'orders', partition: '0' }), 5)
    assert.equal(sampleValue(m, 'kafka_topic_partition_current_offset', { topic: 'orders', partition: '1' }), 3)
    assert.equal(sampleValue(m, 'kafka_topic_partition_current_offset', { topic: 'orders', partition: '2' }), 0)
    assert.equal(sampleValue(m, 'kafka_topic_partition_oldest_offset', { topic: 'orders', partition: '0' }), 0)
  })

  test('a group\'s lag is exact after a known commit, and -1 where nothing is committed', async () => {
    const scrapeStarted = Date.now()
    const m = await scrape(t.httpUrl)
    const scrapeEnded = Date.now()
    const at = (name: string, partition: string): number | undefined => sampleValue(m, name, { consumergroup: 'billing', topic: 'orders', partition })
    assert.equal(at('kafka_consumergroup_current_offset', '0'), 2)
    assert.equal(at('kafka_consumergroup_lag', '0'), 3)
    assert.equal(at('kafka_consumergroup_current_offset', '1'), -1)
    assert.equal(at('kafka_consumergroup_lag', '1'), -1)
    assert.equal(at('kafka_consumergroup_lag', '2'), -1)
    // the first unconsumed record (offset 2) was stamped NOW - 90 s: its age is taken by the
    // broker's clock during the scrape (not the batch's first timestamp, NOW - 100 s)
    const age = at('kafka_consumergroup_lag_seconds', '0') ?? -1
    assert.ok(age >= (scrapeStarted - NOW) / 1000 + 90 && age <= (scrapeEnded - NOW) / 1000 + 90, `lag_seconds ${age}`)
    assert.equal(at('kafka_consumergroup_lag_seconds', '1'), -1)
    assert.equal(sampleValue(m, 'kafka_consumergroup_lag_sum', { consumergroup: 'billing', topic: 'orders' }), 3)
    assert.equal(sampleValue(m, 'kafka_consumergroup_members', { consumergroup: 'billing' }), 0)
  })

  test('lag drops to 0 and its age to 0 once the group commits the end', async () => {
    await commitAsStandalone(t.bootstrap, 'caught-up', 'orders', { 0: 5 })
    const m = await scrape(t.httpUrl)
    const labels = { consumergroup: 'caught-up', topic: 'orders', partition: '0' }
    assert.equal(sampleValue(m, 'kafka_consumergroup_lag', labels), 0)
    assert.equal(sampleValue(m, 'kafka_consumergroup_lag_seconds', labels), 0)
  })

  test('request counts, error codes and per-topic records in are exact', async () => {
    const before = await scrape(t.httpUrl)
    const produced = sampleValue(before, 'tributary_kafka_requests_total', { api: 'Produce' })
    assert.equal(produced, 2)
    assert.equal(sampleValue(before, 'tributary_kafka_request_duration_seconds_count', { api: 'Produce' }), 2)
    assert.equal(sampleValue(before, 'tributary_kafka_topic_records_in_total', { topic: 'orders' }), 8)
    const bytesIn = sampleValue(before, 'tributary_kafka_topic_bytes_in_total', { topic: 'orders' }) ?? 0
    assert.ok(bytesIn > 2 * 61, `two batches are more than two headers: ${bytesIn}`)
    assert.equal(sampleValue(before, 'tributary_kafka_request_errors_total', { api: 'CreateTopics' }), undefined)

    // A second create of the same topic is answered TOPIC_ALREADY_EXISTS.
    assert.equal(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] }), false)
    const after = await scrape(t.httpUrl)
    assert.equal(sampleValue(after, 'tributary_kafka_request_errors_total', { api: 'CreateTopics', error: 'TOPIC_ALREADY_EXISTS' }), 1)
    assert.ok((sampleValue(after, 'tributary_kafka_connections') ?? 0) >= 1)
    // acks=all waited for fsyncs, each timed
    assert.ok((sampleValue(after, 'tributary_log_fsync_duration_seconds_count', { kind: 'file' }) ?? 0) >= 1)
  })

  test('a consumer reading everything counts the same records and bytes out as came in, and its group one rebalance', async () => {
    const kafka = new Kafka({ clientId: 'metrics-reader', brokers: [t.bootstrap], logLevel: logLevel.NOTHING })
    const consumer = kafka.consumer({ groupId: 'reader', sessionTimeout: 10_000 })
    await consumer.connect()
    try {
      await consumer.subscribe({ topic: 'orders', fromBeginning: true })
      let seen = 0
      const all = new Promise<void>(resolve => {
        consumer.run({ eachMessage: async () => { if (++seen === 8) resolve() } }).catch(() => {})
      })
      await all
      const m = await scrape(t.httpUrl)
      assert.equal(sampleValue(m, 'tributary_kafka_topic_records_out_total', { topic: 'orders' }), 8)
      assert.equal(sampleValue(m, 'tributary_kafka_topic_bytes_out_total', { topic: 'orders' }), sampleValue(m, 'tributary_kafka_topic_bytes_in_total', { topic: 'orders' }))
      assert.equal(sampleValue(m, 'kafka_consumergroup_members', { consumergroup: 'reader' }), 1)
      assert.equal(sampleValue(m, 'tributary_consumergroup_rebalances_total', { consumergroup: 'reader' }), 1)
    } finally {
      await consumer.disconnect()
    }
  })

  test('process metrics come from prom-client\'s defaults', async () => {
    const m = await scrape(t.httpUrl)
    assert.ok(m.has('process_cpu_user_seconds_total'))
    assert.ok(m.has('nodejs_eventloop_lag_seconds'))
    assert.ok(m.has('process_resident_memory_bytes'))
  })
})
