/* eslint-disable @typescript-eslint/no-explicit-any -- answers from the untyped test harness are read field by field */
import { test, describe, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { incrementalAlterConfigsHandler, ConfigOperation } from '../../../src/broker/handlers/incremental-alter-configs.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { openAdminContext, type AdminContext } from '../../helpers/handler-context.js'

const TOPIC = 2
const { SET, DELETE, APPEND, SUBTRACT } = ConfigOperation

describe('IncrementalAlterConfigs', () => {
  let admin: AdminContext
  beforeEach(async () => {
    admin = await openAdminContext()
    await admin.log.createTopic('t', 1, { 'retention.ms': '1000', 'segment.bytes': '1048576' })
  })
  afterEach(async () => { await admin.close() })

  const alter = async (version: number, configs: unknown[], validateOnly = false): Promise<any> =>
    await admin.call(incrementalAlterConfigsHandler, version, { resources: [{ resourceType: TOPIC, resourceName: 't', configs }], validateOnly })

  test('SET and DELETE change only the configs named, and persist (v0)', async () => {
    const res = await alter(0, [{ name: 'retention.bytes', configOperation: SET, value: '4096' }, { name: 'retention.ms', configOperation: DELETE, value: null }])
    assert.deepEqual(res.responses, [{ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 't' }])
    assert.deepEqual({ ...admin.log.topic('t')!.configs }, { 'segment.bytes': '1048576', 'retention.bytes': '4096' })
    await admin.reopen()
    assert.deepEqual({ ...admin.log.topic('t')!.configs }, { 'segment.bytes': '1048576', 'retention.bytes': '4096' })
  })

  test('APPEND and SUBTRACT edit a list config starting from its effective value', async () => {
    assert.equal((await alter(1, [{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }])).responses[0].errorCode, 0)
    assert.equal(admin.log.topic('t')!.configs['cleanup.policy'], 'delete,compact')
    assert.equal((await alter(1, [{ name: 'cleanup.policy', configOperation: APPEND, value: 'delete' }])).responses[0].errorCode, 0)
    assert.equal(admin.log.topic('t')!.configs['cleanup.policy'], 'delete,compact', 'an item already present is not added twice')
    assert.equal((await alter(1, [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }])).responses[0].errorCode, 0)
    assert.equal(admin.log.topic('t')!.configs['cleanup.policy'], 'compact')
  })

  test('APPEND on a config that is not a list is INVALID_CONFIG', async () => {
    const res = await alter(1, [{ name: 'retention.ms', configOperation: APPEND, value: '5' }])
    assert.equal(res.responses[0].errorCode, ErrorCode.INVALID_CONFIG)
    assert.match(res.responses[0].errorMessage, /retention\.ms/)
  })

  test('one bad change refuses the whole resource', async () => {
    const res = await alter(1, [{ name: 'retention.ms', configOperation: SET, value: '5' }, { name: 'segment.ms', configOperation: SET, value: 'never' }])
    assert.equal(res.responses[0].errorCode, ErrorCode.INVALID_CONFIG)
    assert.match(res.responses[0].errorMessage, /segment\.ms/)
    assert.equal(admin.log.topic('t')!.configs['retention.ms'], '1000')
  })

  test('unknown names are INVALID_CONFIG, unknown operations INVALID_REQUEST', async () => {
    const unknown = await alter(1, [{ name: 'retention.weeks', configOperation: SET, value: '1' }])
    assert.equal(unknown.responses[0].errorCode, ErrorCode.INVALID_CONFIG)
    const badOp = await alter(1, [{ name: 'retention.ms', configOperation: 9, value: '1' }])
    assert.equal(badOp.responses[0].errorCode, ErrorCode.INVALID_REQUEST)
  })

  test('validateOnly checks and changes nothing', async () => {
    const res = await alter(1, [{ name: 'retention.ms', configOperation: SET, value: '5' }], true)
    assert.equal(res.responses[0].errorCode, 0)
    assert.equal(admin.log.topic('t')!.configs['retention.ms'], '1000')
  })
})
