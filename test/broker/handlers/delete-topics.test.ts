/* eslint-disable @typescript-eslint/no-explicit-any -- answers from the untyped test harness are read field by field */
import { test, describe, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { deleteTopicsHandler } from '../../../src/broker/handlers/delete-topics.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { openAdminContext, type AdminContext } from '../../helpers/handler-context.js'

const ZERO = '0'.repeat(32)
const wireId = (id: unknown): string => String(id).replace(/-/g, '').toLowerCase()

describe('DeleteTopics', () => {
  let admin: AdminContext
  beforeEach(async () => {
    admin = await openAdminContext()
    await admin.log.createTopic('a', 2, {})
    await admin.log.createTopic('b', 1, {})
  })
  afterEach(async () => { await admin.close() })

  test('deletes topics by name and answers an unknown name UNKNOWN_TOPIC_OR_PARTITION (v1)', async () => {
    const res = await admin.call(deleteTopicsHandler, 1, { topicNames: ['a', 'nope'], timeoutMs: 1000 })
    assert.deepEqual(res.responses.map((r: any) => [r.name, r.errorCode]), [['a', 0], ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]])
    assert.equal(admin.log.topic('a'), undefined)
    assert.equal(admin.log.partition('a', 0), undefined)
    assert.ok(admin.log.topic('b'))
  })

  test('a deleted topic stays deleted after a restart, and its name can be created again', async () => {
    await admin.call(deleteTopicsHandler, 4, { topicNames: ['a'], timeoutMs: 1000 })
    await admin.reopen()
    assert.equal(admin.log.topic('a'), undefined)
    const again = await admin.log.createTopic('a', 1, {})
    assert.ok(again)
  })

  test('v6 deletes a topic addressed by id and answers its name and id', async () => {
    const id = wireId(admin.log.topic('b')!.topicId)
    const res = await admin.call(deleteTopicsHandler, 6, { topics: [{ name: null, topicId: id }], timeoutMs: 1000 })
    assert.deepEqual(res.responses, [{ name: 'b', topicId: id, errorCode: 0, errorMessage: null }])
    assert.equal(admin.log.topic('b'), undefined)
  })

  test('v6 answers an unknown id UNKNOWN_TOPIC_ID and a name with an id INVALID_REQUEST', async () => {
    const unknown = 'ab'.repeat(16)
    const idOfA = wireId(admin.log.topic('a')!.topicId)
    const res = await admin.call(deleteTopicsHandler, 6, {
      topics: [{ name: null, topicId: unknown }, { name: 'a', topicId: idOfA }, { name: 'b', topicId: ZERO }],
      timeoutMs: 1000
    })
    assert.deepEqual(res.responses.map((r: any) => r.errorCode), [ErrorCode.UNKNOWN_TOPIC_ID, ErrorCode.INVALID_REQUEST, 0])
    assert.equal(res.responses[0].name, null)
    assert.ok(admin.log.topic('a'), 'a request naming both name and id deletes nothing')
    assert.equal(admin.log.topic('b'), undefined)
  })

  test('v5 answers an error message with the error', async () => {
    const res = await admin.call(deleteTopicsHandler, 5, { topicNames: ['missing'], timeoutMs: 1000 })
    assert.equal(res.responses[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    assert.ok(res.responses[0].errorMessage.length > 0)
  })

  test('a name repeated in the request is INVALID_REQUEST and the topic is kept', async () => {
    const res = await admin.call(deleteTopicsHandler, 5, { topicNames: ['a', 'a'], timeoutMs: 1000 })
    assert.deepEqual(res.responses.map((r: any) => [r.name, r.errorCode]), [['a', ErrorCode.INVALID_REQUEST]])
    assert.ok(admin.log.topic('a'))
  })
})
