/* eslint-disable @typescript-eslint/no-explicit-any -- answers from the untyped test harness are read field by field */
import { test, describe, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { alterConfigsHandler } from '../../../src/broker/handlers/alter-configs.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { openAdminContext, type AdminContext } from '../../helpers/handler-context.js'

const TOPIC = 2
const BROKER = 4

describe('AlterConfigs', () => {
  let admin: AdminContext
  beforeEach(async () => {
    admin = await openAdminContext()
    await admin.log.createTopic('t', 1, { 'retention.ms': '1000', 'segment.bytes': '1048576' })
  })
  afterEach(async () => { await admin.close() })

  test('replaces the whole set of topic overrides, and the change survives a restart (v0)', async () => {
    const res = await admin.call(alterConfigsHandler, 0, {
      resources: [{ resourceType: TOPIC, resourceName: 't', configs: [{ name: 'cleanup.policy', value: 'compact' }] }], validateOnly: false
    })
    assert.deepEqual(res.responses, [{ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 't' }])
    assert.deepEqual({ ...admin.log.topic('t')!.configs }, { 'cleanup.policy': 'compact' })
    await admin.reopen()
    assert.deepEqual({ ...admin.log.topic('t')!.configs }, { 'cleanup.policy': 'compact' })
  })

  test('validateOnly checks and changes nothing', async () => {
    const res = await admin.call(alterConfigsHandler, 1, {
      resources: [{ resourceType: TOPIC, resourceName: 't', configs: [{ name: 'retention.ms', value: '5' }] }], validateOnly: true
    })
    assert.equal(res.responses[0].errorCode, 0)
    assert.equal(admin.log.topic('t')!.configs['retention.ms'], '1000')
  })

  test('an unknown name or a bad value is INVALID_CONFIG naming it, and nothing changes', async () => {
    const res = await admin.call(alterConfigsHandler, 2, {
      resources: [{ resourceType: TOPIC, resourceName: 't', configs: [{ name: 'retention.ms', value: '5' }, { name: 'max.message.bytes', value: 'big' }] }],
      validateOnly: false
    })
    assert.equal(res.responses[0].errorCode, ErrorCode.INVALID_CONFIG)
    assert.match(res.responses[0].errorMessage, /max\.message\.bytes/)
    assert.equal(admin.log.topic('t')!.configs['retention.ms'], '1000')
    const unknown = await admin.call(alterConfigsHandler, 2, {
      resources: [{ resourceType: TOPIC, resourceName: 't', configs: [{ name: 'retention.weeks', value: '5' }] }], validateOnly: false
    })
    assert.equal(unknown.responses[0].errorCode, ErrorCode.INVALID_CONFIG)
    assert.match(unknown.responses[0].errorMessage, /retention\.weeks/)
  })

  test('an unknown topic, a repeated key and a broker setting are refused as Kafka refuses them', async () => {
    const res = await admin.call(alterConfigsHandler, 2, {
      resources: [
        { resourceType: TOPIC, resourceName: 'ghost', configs: [] },
        { resourceType: TOPIC, resourceName: 't', configs: [{ name: 'retention.ms', value: '1' }, { name: 'retention.ms', value: '2' }] },
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'num.partitions', value: '3' }] }
      ],
      validateOnly: false
    })
    assert.deepEqual(res.responses.map((r: any) => r.errorCode),
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST])
    assert.equal(admin.log.topic('t')!.configs['retention.ms'], '1000')
  })
})
