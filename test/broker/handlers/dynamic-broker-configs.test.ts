/* eslint-disable @typescript-eslint/no-explicit-any -- answers read from the CLI's JSON output or decoded untyped from raw frames; tests check them field by field */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { alterConfigsHandler } from '../../../src/broker/handlers/alter-configs.js'
import { incrementalAlterConfigsHandler, ConfigOperation } from '../../../src/broker/handlers/incremental-alter-configs.js'
import { describeConfigsHandler } from '../../../src/broker/handlers/describe-configs.js'
import { openHandlerContext as openAdminContext, type AdminContext } from '../../helpers/handler-context.js'

const BROKER = 4
const INVALID_REQUEST = 42
const Source = { DYNAMIC_BROKER_CONFIG: 2, STATIC_BROKER_CONFIG: 4, DEFAULT_CONFIG: 5 } as const

describe('dynamic broker configs through the config APIs', () => {
  let admin: AdminContext

  before(async () => { admin = await openAdminContext() })
  after(async () => { await admin?.close() })

  const describeBroker = async (keys: string[] | null): Promise<Record<string, any>> => {
    const res = await admin.call(describeConfigsHandler, 1, { resources: [{ resourceType: BROKER, resourceName: '1', configurationKeys: keys }], includeSynonyms: true })
    return Object.fromEntries(res.results[0].configs.map((c: any) => [c.name, c]))
  }
  const incremental = (configs: Array<{ name: string, configOperation: number, value: string | null }>, validateOnly = false): Promise<any> =>
    admin.call(incrementalAlterConfigsHandler, 0, { resources: [{ resourceType: BROKER, resourceName: '1', configs }], validateOnly })

  test('validateOnly checks and changes nothing; a wrongly typed value is refused with Kafka\'s message', async () => {
    const checked = await incremental([{ name: 'log.cleaner.threads', configOperation: ConfigOperation.SET, value: '4' }], true)
    assert.equal(checked.responses[0].errorCode, 0)
    assert.equal((await describeBroker(['log.cleaner.threads']))['log.cleaner.threads'], undefined)
    const bad = await incremental([{ name: 'log.cleaner.threads', configOperation: ConfigOperation.SET, value: 'many' }])
    assert.equal(bad.responses[0].errorCode, INVALID_REQUEST)
    assert.equal(bad.responses[0].errorMessage, 'Invalid value many for configuration log.cleaner.threads: Not a number of type INT')
  })

  test('a dynamic topic default wins over the static one in the broker and topic views, and the log follows it', async () => {
    await admin.log.createTopic('t', 1)
    const set = await incremental([{ name: 'message.max.bytes', configOperation: ConfigOperation.SET, value: '5000' }])
    assert.equal(set.responses[0].errorCode, 0)
    const entry = (await describeBroker(['message.max.bytes']))['message.max.bytes']
    assert.equal(entry.value, '5000')
    assert.equal(entry.configSource, Source.DYNAMIC_BROKER_CONFIG)
    assert.equal(entry.readOnly, false)
    assert.deepEqual(entry.synonyms.map((s: any) => s.source), [Source.DYNAMIC_BROKER_CONFIG, Source.DEFAULT_CONFIG])
    const topic = await admin.call(describeConfigsHandler, 1, { resources: [{ resourceType: 2, resourceName: 't', configurationKeys: ['max.message.bytes'] }], includeSynonyms: false })
    assert.deepEqual([topic.results[0].configs[0].value, topic.results[0].configs[0].configSource], ['5000', Source.DYNAMIC_BROKER_CONFIG])
    const { encodeBatch } = await import('../../../src/protocol/records/batch-codec.js')
    await assert.rejects(admin.log.partition('t', 0)!.append(encodeBatch([{ value: Buffer.alloc(6000) }])), { kafkaCode: 10 })
  })

  test('APPEND works on list configs, passwords are described as null, and legacy AlterConfigs replaces the whole set', async () => {
    await incremental([{ name: 'metric.reporters', configOperation: ConfigOperation.APPEND, value: 'a.Reporter' }])
    await incremental([{ name: 'metric.reporters', configOperation: ConfigOperation.APPEND, value: 'b.Reporter' }])
    await incremental([{ name: 'listener.name.plain.sasl.jaas.config', configOperation: ConfigOperation.SET, value: 'secret' }])
    let configs = await describeBroker(null)
    assert.equal(configs['metric.reporters'].value, 'a.Reporter,b.Reporter')
    assert.equal(configs['listener.name.plain.sasl.jaas.config'].value, null)
    assert.equal(configs['listener.name.plain.sasl.jaas.config'].isSensitive, true)

    const replaced = await admin.call(alterConfigsHandler, 0, { resources: [{ resourceType: BROKER, resourceName: '1', configs: [{ name: 'num.io.threads', value: '16' }] }], validateOnly: false })
    assert.equal(replaced.responses[0].errorCode, 0)
    configs = await describeBroker(null)
    assert.equal(configs['num.io.threads'].value, '16')
    assert.equal(configs['metric.reporters'], undefined, 'AlterConfigs replaced the dynamic set')
    assert.equal(configs['message.max.bytes'].configSource, Source.DEFAULT_CONFIG)
  })
})
