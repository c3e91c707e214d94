import { test, describe, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { createPartitionsHandler } from '../../../src/broker/handlers/create-partitions.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { openAdminContext, type AdminContext } from '../../helpers/handler-context.js'

describe('CreatePartitions', () => {
  let admin: AdminContext
  beforeEach(async () => {
    admin = await openAdminContext()
    await admin.log.createTopic('grow', 2, {})
  })
  afterEach(async () => { await admin.close() })

  test('grows a topic to the requested count, and the new partitions survive a restart', async () => {
    const res = await admin.call(createPartitionsHandler, 0, { topics: [{ name: 'grow', count: 4, assignments: null }], timeoutMs: 1000, validateOnly: false })
    assert.deepEqual(res.results, [{ name: 'grow', errorCode: 0, errorMessage: null }])
    assert.ok(admin.log.partition('grow', 3))
    await admin.reopen()
    assert.ok(admin.log.partition('grow', 3))
    assert.equal(admin.log.partition('grow', 4), undefined)
  })

  test('fewer or equal partitions is INVALID_PARTITIONS with Kafka\'s message', async () => {
    const res = await admin.call(createPartitionsHandler, 2, {
      topics: [{ name: 'grow', count: 1, assignments: null }], timeoutMs: 1000, validateOnly: false
    })
    assert.equal(res.results[0].errorCode, ErrorCode.INVALID_PARTITIONS)
    assert.equal(res.results[0].errorMessage, 'The topic grow currently has 2 partition(s); 1 would not be an increase.')
    const same = await admin.call(createPartitionsHandler, 2, {
      topics: [{ name: 'grow', count: 2, assignments: null }], timeoutMs: 1000, validateOnly: false
    })
    assert.equal(same.results[0].errorCode, ErrorCode.INVALID_PARTITIONS)
    assert.equal(same.results[0].errorMessage, 'Topic already has 2 partition(s).')
  })

  test('an unknown topic is UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const res = await admin.call(createPartitionsHandler, 3, { topics: [{ name: 'ghost', count: 3, assignments: null }], timeoutMs: 1000, validateOnly: false })
    assert.equal(res.results[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })

  test('validateOnly checks but adds nothing', async () => {
    const res = await admin.call(createPartitionsHandler, 1, { topics: [{ name: 'grow', count: 5, assignments: null }], timeoutMs: 1000, validateOnly: true })
    assert.equal(res.results[0].errorCode, 0)
    assert.equal(admin.log.partition('grow', 2), undefined)
  })

  test('assignments must name this broker, one per new partition', async () => {
    const ok = await admin.call(createPartitionsHandler, 2, { topics: [{ name: 'grow', count: 3, assignments: [{ brokerIds: [1] }] }], timeoutMs: 1000, validateOnly: false })
    assert.equal(ok.results[0].errorCode, 0)
    const res = await admin.call(createPartitionsHandler, 2, {
      topics: [{ name: 'grow', count: 5, assignments: [{ brokerIds: [1] }] }], timeoutMs: 1000, validateOnly: false
    })
    assert.equal(res.results[0].errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT)
    const other = await admin.call(createPartitionsHandler, 2, {
      topics: [{ name: 'grow', count: 4, assignments: [{ brokerIds: [7] }] }], timeoutMs: 1000, validateOnly: false
    })
    assert.equal(other.results[0].errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT)
    assert.equal(admin.log.partition('grow', 3), undefined)
  })
})
