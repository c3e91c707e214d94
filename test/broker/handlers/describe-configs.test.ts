/* eslint-disable @typescript-eslint/no-explicit-any -- answers from the untyped test harness are read field by field */
import { test, describe, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { describeConfigsHandler } from '../../../src/broker/handlers/describe-configs.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { openAdminContext, type AdminContext } from '../../helpers/handler-context.js'

const TOPIC = 2
const BROKER = 4
const Source = { TOPIC_CONFIG: 1, STATIC_BROKER_CONFIG: 4, DEFAULT_CONFIG: 5 }

describe('DescribeConfigs', () => {
  let admin: AdminContext
  beforeEach(async () => {
    admin = await openAdminContext({ topicDefaults: { 'segment.bytes': '1048576' }, defaultPartitions: 2 })
    await admin.log.createTopic('t', 1, { 'retention.ms': '123456789' })
  })
  afterEach(async () => { await admin.close() })

  const find = (res: any, name: string): any => res.results[0].configs.find((c: any) => c.name === name)

  test('v0 answers the requested topic configs with isDefault false for an override', async () => {
    const res = await admin.call(describeConfigsHandler, 0, {
      resources: [{ resourceType: TOPIC, resourceName: 't', configurationKeys: ['retention.ms', 'compression.type', 'not.a.config'] }]
    })
    const [result] = res.results
    assert.equal(result.errorCode, 0)
    assert.equal(result.errorMessage, null)
    assert.deepEqual(result.configs.map((c: any) => c.name).sort(), ['compression.type', 'retention.ms'])
    const retention = find(res, 'retention.ms')
    assert.equal(retention.value, '123456789')
    assert.equal(retention.isDefault, false)
    assert.equal(retention.readOnly, false)
    const compression = find(res, 'compression.type')
    assert.equal(compression.value, 'producer')
    assert.equal(compression.isDefault, true)
  })

  test('null configurationKeys lists every topic config, with its source (v1)', async () => {
    const res = await admin.call(describeConfigsHandler, 1, {
      resources: [{ resourceType: TOPIC, resourceName: 't', configurationKeys: null }], includeSynonyms: false
    })
    const names = res.results[0].configs.map((c: any) => c.name)
    for (const name of ['retention.ms', 'retention.bytes', 'segment.bytes', 'segment.ms', 'cleanup.policy', 'max.message.bytes', 'message.timestamp.type']) {
      assert.ok(names.includes(name), name)
    }
    assert.equal(find(res, 'retention.ms').configSource, Source.TOPIC_CONFIG)
    assert.equal(find(res, 'segment.bytes').configSource, Source.STATIC_BROKER_CONFIG)
    assert.equal(find(res, 'segment.bytes').value, '1048576')
    assert.equal(find(res, 'cleanup.policy').configSource, Source.DEFAULT_CONFIG)
    assert.deepEqual(find(res, 'retention.ms').synonyms, [], 'no synonyms unless asked')
  })

  test('includeSynonyms lists where each value could come from, highest precedence first', async () => {
    const res = await admin.call(describeConfigsHandler, 2, {
      resources: [{ resourceType: TOPIC, resourceName: 't', configurationKeys: ['retention.ms', 'segment.bytes'] }], includeSynonyms: true
    })
    assert.deepEqual(find(res, 'retention.ms').synonyms, [
      { name: 'retention.ms', value: '123456789', source: Source.TOPIC_CONFIG },
      { name: 'log.retention.ms', value: '604800000', source: Source.DEFAULT_CONFIG }
    ])
    assert.deepEqual(find(res, 'segment.bytes').synonyms.map((s: any) => s.source), [Source.STATIC_BROKER_CONFIG, Source.DEFAULT_CONFIG])
  })

  test('v3 answers config types and, when asked, documentation', async () => {
    const res = await admin.call(describeConfigsHandler, 3, {
      resources: [{ resourceType: TOPIC, resourceName: 't', configurationKeys: ['retention.ms', 'cleanup.policy', 'preallocate'] }],
      includeSynonyms: false,
      includeDocumentation: true
    })
    assert.equal(find(res, 'retention.ms').configType, 5, 'LONG')
    assert.equal(find(res, 'cleanup.policy').configType, 7, 'LIST')
    assert.equal(find(res, 'preallocate').configType, 1, 'BOOLEAN')
    assert.ok(find(res, 'retention.ms').documentation.length > 0)
    const plain = await admin.call(describeConfigsHandler, 4, {
      resources: [{ resourceType: TOPIC, resourceName: 't', configurationKeys: ['retention.ms'] }], includeSynonyms: false, includeDocumentation: false
    })
    assert.equal(find(plain, 'retention.ms').documentation, null)
  })

  test('an unknown topic is UNKNOWN_TOPIC_OR_PARTITION and an illegal name INVALID_TOPIC_EXCEPTION', async () => {
    const res = await admin.call(describeConfigsHandler, 4, {
      resources: [
        { resourceType: TOPIC, resourceName: 'ghost', configurationKeys: null },
        { resourceType: TOPIC, resourceName: 'bad/name', configurationKeys: null }
      ],
      includeSynonyms: false,
      includeDocumentation: false
    })
    assert.deepEqual(res.results.map((r: any) => r.errorCode), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.INVALID_TOPIC_EXCEPTION])
    assert.deepEqual(res.results[0].configs, [])
  })

  test('the broker resource answers the broker\'s effective settings, read-only', async () => {
    const res = await admin.call(describeConfigsHandler, 1, {
      resources: [{ resourceType: BROKER, resourceName: '1', configurationKeys: ['num.partitions', 'log.segment.bytes', 'log.retention.ms', 'message.max.bytes', 'sasl.kerberos.service.name'] }],
      includeSynonyms: false
    })
    assert.equal(res.results[0].errorCode, 0)
    const byName = Object.fromEntries(res.results[0].configs.map((c: any) => [c.name, c]))
    assert.equal(byName['num.partitions'].value, '2')
    assert.equal(byName['num.partitions'].configSource, Source.STATIC_BROKER_CONFIG)
    assert.equal(byName['log.segment.bytes'].value, '1048576')
    assert.equal(byName['log.retention.ms'].value, '604800000')
    assert.equal(byName['log.retention.ms'].configSource, Source.DEFAULT_CONFIG)
    assert.equal(byName['message.max.bytes'].value, '1048588')
    assert.equal(byName['num.partitions'].readOnly, true)
    assert.equal(byName['sasl.kerberos.service.name'], undefined, 'configs Tributary does not have are left out')
  })

  test('the broker resource "" (dynamic defaults) is empty; another broker id or resource type is INVALID_REQUEST', async () => {
    const res = await admin.call(describeConfigsHandler, 0, {
      resources: [
        { resourceType: BROKER, resourceName: '', configurationKeys: ['num.partitions'] },
        { resourceType: BROKER, resourceName: '2', configurationKeys: null },
        { resourceType: 99, resourceName: 'x', configurationKeys: null }
      ]
    })
    assert.deepEqual(res.results.map((r: any) => r.errorCode), [0, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST])
    assert.deepEqual(res.results[0].configs, [])
    assert.match(res.results[1].errorMessage, /Unexpected broker id/)
  })

  test('an empty key list means every config, as Kafka reads it', async () => {
    const res = await admin.call(describeConfigsHandler, 2, {
      resources: [{ resourceType: TOPIC, resourceName: 't', configurationKeys: [] }], includeSynonyms: false
    })
    assert.ok(res.results[0].configs.length >= 25)
  })

  test('v0 marks a topic value inherited from the broker config file as a default', async () => {
    const res = await admin.call(describeConfigsHandler, 0, {
      resources: [{ resourceType: TOPIC, resourceName: 't', configurationKeys: ['segment.bytes'] }]
    })
    assert.equal(find(res, 'segment.bytes').value, '1048576')
    assert.equal(find(res, 'segment.bytes').isDefault, true)
  })
})
