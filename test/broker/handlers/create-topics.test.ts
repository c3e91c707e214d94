/* eslint-disable @typescript-eslint/no-explicit-any -- answers from the untyped test harness are read field by field */
import { test, describe, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { createTopicsHandler } from '../../../src/broker/handlers/create-topics.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { openAdminContext, type AdminContext } from '../../helpers/handler-context.js'

const topic = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [], ...extra })

describe('CreateTopics', () => {
  let admin: AdminContext
  beforeEach(async () => { admin = await openAdminContext({ defaultPartitions: 3 }) })
  afterEach(async () => { await admin.close() })

  test('creates the topic with its partitions and answers its id, partition count and configs (v7)', async () => {
    const res = await admin.call(createTopicsHandler, 7, {
      topics: [topic('orders', { numPartitions: 2, configs: [{ name: 'retention.ms', value: '1000' }] })], timeoutMs: 1000, validateOnly: false
    })
    const [result] = res.topics
    assert.equal(result.errorCode, 0)
    assert.equal(result.errorMessage, null)
    assert.equal(result.numPartitions, 2)
    assert.equal(result.replicationFactor, 1)
    const created = admin.log.topic('orders')
    assert.ok(created)
    assert.ok(admin.log.partition('orders', 1))
    assert.equal(admin.log.partition('orders', 2), undefined)
    assert.equal(result.topicId, String(created.topicId).replace(/-/g, '').toLowerCase())
    assert.notEqual(result.topicId, '0'.repeat(32))
    const retention = result.configs.find((c: any) => c.name === 'retention.ms')
    assert.deepEqual(retention, { name: 'retention.ms', value: '1000', readOnly: false, configSource: 1, isSensitive: false })
    const segment = result.configs.find((c: any) => c.name === 'segment.bytes')
    assert.equal(segment.configSource, 5, 'an unset config comes from the built-in default')
  })

  test('the created topic and its config override survive a restart', async () => {
    await admin.call(createTopicsHandler, 4, { topics: [topic('kept', { numPartitions: 2, configs: [{ name: 'cleanup.policy', value: 'compact' }] })], timeoutMs: 1000 })
    await admin.reopen()
    const reopened = admin.log.topic('kept')
    assert.ok(reopened)
    assert.ok(admin.log.partition('kept', 1))
    assert.equal(reopened.configs['cleanup.policy'], 'compact')
  })

  test('numPartitions -1 and replicationFactor -1 take the broker defaults', async () => {
    const res = await admin.call(createTopicsHandler, 5, { topics: [topic('defaults', { numPartitions: -1, replicationFactor: -1 })], timeoutMs: 1000 })
    assert.equal(res.topics[0].errorCode, 0)
    assert.equal(res.topics[0].numPartitions, 3)
    assert.ok(admin.log.partition('defaults', 2))
  })

  test('a replication factor above the one broker, or not positive, is INVALID_REPLICATION_FACTOR', async () => {
    const res = await admin.call(createTopicsHandler, 5, {
      topics: [topic('rf2', { replicationFactor: 2 }), topic('rf0', { replicationFactor: 0 })], timeoutMs: 1000
    })
    for (const r of res.topics) {
      assert.equal(r.errorCode, ErrorCode.INVALID_REPLICATION_FACTOR)
      assert.equal(r.numPartitions, -1)
      assert.equal(r.replicationFactor, -1)
    }
    assert.match(res.topics[0].errorMessage, /only 1 broker/)
    assert.equal(admin.log.topic('rf2'), undefined)
  })

  test('zero or negative partitions (other than -1) is INVALID_PARTITIONS', async () => {
    const res = await admin.call(createTopicsHandler, 3, { topics: [topic('p0', { numPartitions: 0 }), topic('pm2', { numPartitions: -2 })], timeoutMs: 1000 })
    assert.deepEqual(res.topics.map((t: any) => t.errorCode), [ErrorCode.INVALID_PARTITIONS, ErrorCode.INVALID_PARTITIONS])
  })

  test('illegal topic names are INVALID_TOPIC_EXCEPTION and nothing is created', async () => {
    const names = ['', '.', '..', 'x'.repeat(250), 'a/b', 'über', 'has space']
    const res = await admin.call(createTopicsHandler, 1, { topics: names.map(n => topic(n)), timeoutMs: 1000 })
    assert.deepEqual(res.topics.map((t: any) => t.errorCode), names.map(() => ErrorCode.INVALID_TOPIC_EXCEPTION))
    for (const r of res.topics) assert.ok(r.errorMessage.length > 0)
    assert.equal(admin.log.topics().length, 0)
  })

  test('a name of 249 legal characters is accepted', async () => {
    const name = 'a.b_c-D9'.repeat(31) + 'z'
    assert.equal(name.length, 249)
    const res = await admin.call(createTopicsHandler, 1, { topics: [topic(name)], timeoutMs: 1000 })
    assert.equal(res.topics[0].errorCode, 0)
  })

  test('an existing topic is TOPIC_ALREADY_EXISTS and keeps its partitions', async () => {
    await admin.call(createTopicsHandler, 2, { topics: [topic('dup', { numPartitions: 2 })], timeoutMs: 1000 })
    const res = await admin.call(createTopicsHandler, 2, { topics: [topic('dup', { numPartitions: 5 })], timeoutMs: 1000 })
    assert.equal(res.topics[0].errorCode, ErrorCode.TOPIC_ALREADY_EXISTS)
    assert.equal(res.topics[0].errorMessage, "Topic 'dup' already exists.")
    assert.equal(admin.log.partition('dup', 2), undefined)
  })

  test('a name differing from an existing topic only by "." versus "_" is INVALID_TOPIC_EXCEPTION', async () => {
    await admin.call(createTopicsHandler, 5, { topics: [topic('metrics.eu')], timeoutMs: 1000 })
    const res = await admin.call(createTopicsHandler, 5, { topics: [topic('metrics_eu')], timeoutMs: 1000 })
    assert.equal(res.topics[0].errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION)
    assert.equal(res.topics[0].errorMessage, "Topic 'metrics_eu' collides with existing topic: metrics.eu")
  })

  test('a name repeated in one request is INVALID_REQUEST, answered once, and not created', async () => {
    const res = await admin.call(createTopicsHandler, 5, { topics: [topic('twice'), topic('once'), topic('twice')], timeoutMs: 1000 })
    assert.equal(res.topics.length, 2)
    const twice = res.topics.find((t: any) => t.name === 'twice')
    assert.equal(twice.errorCode, ErrorCode.INVALID_REQUEST)
    assert.equal(res.topics.find((t: any) => t.name === 'once').errorCode, 0)
    assert.equal(admin.log.topic('twice'), undefined)
  })

  test('validateOnly checks and answers as if created, but creates nothing', async () => {
    const res = await admin.call(createTopicsHandler, 5, { topics: [topic('dry', { numPartitions: 4 })], timeoutMs: 1000, validateOnly: true })
    assert.equal(res.topics[0].errorCode, 0)
    assert.equal(res.topics[0].numPartitions, 4)
    assert.equal(admin.log.topic('dry'), undefined)
    const bad = await admin.call(createTopicsHandler, 5, { topics: [topic('dry', { replicationFactor: 3 })], timeoutMs: 1000, validateOnly: true })
    assert.equal(bad.topics[0].errorCode, ErrorCode.INVALID_REPLICATION_FACTOR)
  })

  test('an unknown config name, a bad value or a null value is INVALID_CONFIG naming the config', async () => {
    const res = await admin.call(createTopicsHandler, 5, {
      topics: [
        topic('c1', { configs: [{ name: 'no.such.config', value: '1' }] }),
        topic('c2', { configs: [{ name: 'retention.ms', value: 'soon' }] }),
        topic('c3', { configs: [{ name: 'segment.bytes', value: null }] })
      ],
      timeoutMs: 1000
    })
    assert.deepEqual(res.topics.map((t: any) => t.errorCode), [ErrorCode.INVALID_CONFIG, ErrorCode.INVALID_CONFIG, ErrorCode.INVALID_CONFIG])
    assert.match(res.topics[0].errorMessage, /no\.such\.config/)
    assert.match(res.topics[1].errorMessage, /retention\.ms/)
    assert.match(res.topics[2].errorMessage, /segment\.bytes/)
    assert.equal(admin.log.topics().length, 0)
  })

  test('a manual assignment on this broker sets the partition count', async () => {
    const res = await admin.call(createTopicsHandler, 4, {
      topics: [topic('manual', { numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 1, brokerIds: [1] }, { partitionIndex: 0, brokerIds: [1] }] })],
      timeoutMs: 1000
    })
    assert.equal(res.topics[0].errorCode, 0)
    assert.ok(admin.log.partition('manual', 1))
  })

  test('a manual assignment naming another broker, or given with numPartitions, is refused', async () => {
    const res = await admin.call(createTopicsHandler, 4, {
      topics: [
        topic('elsewhere', { numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [2] }] }),
        topic('both', { numPartitions: 1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1] }] }),
        topic('gap', { numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 1, brokerIds: [1] }] })
      ],
      timeoutMs: 1000
    })
    assert.deepEqual(res.topics.map((t: any) => t.errorCode),
      [ErrorCode.INVALID_REPLICA_ASSIGNMENT, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REPLICA_ASSIGNMENT])
  })

  test('v0 carries no error message; one failure does not stop the others', async () => {
    const res = await admin.call(createTopicsHandler, 0, { topics: [topic('ok0'), topic('bad/0')], timeoutMs: 1000 })
    assert.deepEqual(res.topics.map((t: any) => [t.name, t.errorCode, t.errorMessage]),
      [['ok0', 0, null], ['bad/0', ErrorCode.INVALID_TOPIC_EXCEPTION, null]])
    assert.ok(admin.log.topic('ok0'))
  })
})
