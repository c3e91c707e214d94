/* eslint-disable @typescript-eslint/no-explicit-any -- answers read from the CLI's JSON output or decoded untyped from raw frames; tests check them field by field */
// Kafka-face behaviour that librdkafka's own test suite relies on, checked with
// librdkafka (python3-confluent-kafka), kafkajs and raw requests against a real
// broker process: keyless records on compacted topics, authorized operations in
// Metadata, and dynamic broker configs.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import kafkajs, { type Admin } from 'kafkajs'
import { BrokerProcess, projectRoot } from '../helpers/broker-process.js'
import { consumeAll } from '../helpers/kcat.js'
import { RawKafkaConnection, requestFrame } from '../helpers/raw-kafka.js'
import { decodeBuffer, encodeToBuffer } from '../../src/protocol/codec.js'
import { metadataApi } from '../../src/protocol/messages/metadata.js'
import { incrementalAlterConfigsApi } from '../../src/protocol/messages/incremental-alter-configs.js'
import { describeConfigsApi } from '../../src/protocol/messages/describe-configs.js'
import type { ApiSpec } from '../../src/protocol/messages/spec.js'

const { Kafka, logLevel, ConfigResourceTypes } = kafkajs
const run = promisify(execFile)
const METADATA_VERSION = 8
const NOT_PROVIDED = -2147483648
const Source = { DYNAMIC_BROKER_CONFIG: 2, DYNAMIC_DEFAULT_BROKER_CONFIG: 3 } as const
// Kafka's AclOperation codes: READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9,
// DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12
const TOPIC_OPERATIONS = [3, 4, 5, 6, 7, 8, 10, 11]
const CLUSTER_OPERATIONS = [5, 7, 8, 9, 10, 11, 12]

function bitsOf (operations: number[]): number {
  return operations.reduce((bits, op) => bits | (1 << op), 0)
}

describe('Kafka-face conformance against a running broker', () => {
  let broker: BrokerProcess
  let kafka: InstanceType<typeof Kafka>
  let admin: Admin

  before(async () => {
    broker = await BrokerProcess.start()
    kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: 'compacted', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }, { topic: 'plain' }]
    })
  })

  after(async () => {
    await admin?.disconnect().catch(() => {})
    await broker?.cleanup()
  })

  test('librdkafka producing keyless records into a compacted topic sees INVALID_RECORD for each, and none is written', () => broker.explain(async () => {
    const { stdout } = await run('/usr/bin/python3', [join(projectRoot, 'test', 'interop', 'compacted-keyless-client.py'), broker.bootstrap, 'compacted'], { timeout: 60_000 })
    const reports = stdout.trim().split('\n').map(line => JSON.parse(line) as { key: string | null, error: string | null })
    assert.equal(reports.length, 4)
    for (const report of reports.filter(r => r.key === null)) assert.equal(report.error, 'INVALID_RECORD', JSON.stringify(reports))
    // the keyed records fail with the batch, or reach the log if librdkafka sent them again on their own
    // (depending on how it batched them): the topic holds exactly the ones reported delivered
    const delivered = reports.filter(r => r.error === null).map(r => r.key)
    assert.deepEqual((await consumeAll(broker.bootstrap, 'compacted')).map(m => m.key), delivered)
  }))

  /** One request at a non-flexible version over a raw connection; the decoded response body. */
  async function call (api: ApiSpec, version: number, request: object): Promise<any> {
    const connection = await RawKafkaConnection.open(broker.host, broker.kafkaPort)
    try {
      connection.write(requestFrame(api.apiKey, version, 11, encodeToBuffer(api.request, version, request)))
      const frame = await connection.nextFrame()
      return decodeBuffer<any>(api.response, version, frame.subarray(4)).body
    } finally {
      connection.destroy()
    }
  }

  async function metadata (include: boolean): Promise<any> {
    return await call(metadataApi, METADATA_VERSION, {
      topics: [{ name: 'plain' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: include, includeTopicAuthorizedOperations: include
    })
  }

  /**
   * IncrementalAlterConfigs v0 SET on a broker resource, raw: kafkajs refuses the cluster-default name "" and
   * does not pass on the broker's error message.
   */
  async function setDynamic (resourceName: string, name: string, value: string): Promise<{ errorCode: number, errorMessage: string | null }> {
    const answer = await call(incrementalAlterConfigsApi, 0, {
      validateOnly: false, resources: [{ resourceType: 4, resourceName, configs: [{ name, configOperation: 0, value }] }]
    })
    return answer.responses[0]
  }

  test('Metadata v8 answers all 8 topic and 7 cluster operations when asked (no authorizer), "not provided" otherwise', () => broker.explain(async () => {
    const asked = await metadata(true)
    assert.equal(asked.topics[0].topicAuthorizedOperations, bitsOf(TOPIC_OPERATIONS))
    assert.equal(asked.clusterAuthorizedOperations, bitsOf(CLUSTER_OPERATIONS))
    const notAsked = await metadata(false)
    assert.equal(notAsked.topics[0].topicAuthorizedOperations, NOT_PROVIDED)
    assert.equal(notAsked.clusterAuthorizedOperations, NOT_PROVIDED)
  }))

  test('dynamic broker configs are accepted, described with their source, applied, kept across a restart; static ones stay refused', () => broker.explain(async () => {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{
        type: ConfigResourceTypes.BROKER,
        name: '1',
        configEntries: [
          { name: 'log.cleaner.threads', value: '2' },
          { name: 'message.max.bytes', value: '2000' },
          { name: 'sasl.kerberos.min.time.before.relogin', value: '60000' }
        ]
      }]
    })
    assert.equal((await setDynamic('', 'log.retention.ms', '3600000')).errorCode, 0)

    const producer = kafka.producer()
    await producer.connect()
    try {
      await assert.rejects(producer.send({ topic: 'plain', acks: -1, messages: [{ value: Buffer.alloc(3000, 'x') }] }), /larger than the max message size/)
      await producer.send({ topic: 'plain', acks: -1, messages: [{ value: 'small' }] })
    } finally {
      await producer.disconnect()
    }

    const staticOne = await setDynamic('1', 'log.dirs', '/elsewhere')
    assert.equal(staticOne.errorCode, 42)
    assert.equal(staticOne.errorMessage, 'Cannot update these configs dynamically: Set(log.dirs)')
    const perBroker = await setDynamic('', 'sasl.kerberos.min.time.before.relogin', '1')
    assert.equal(perBroker.errorCode, 42)
    assert.match(perBroker.errorMessage ?? '', /broker id must be specified/)

    await broker.stop()
    await broker.restart()
    await admin.disconnect()
    admin = kafka.admin()
    await admin.connect()
    const described = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.BROKER, name: '1' }] })
    const own = described.resources[0]!
    const entry = (name: string): any => own.configEntries.find((c: any) => c.configName === name)
    assert.equal(entry('log.cleaner.threads').configValue, '2')
    assert.equal(entry('log.cleaner.threads').configSource, Source.DYNAMIC_BROKER_CONFIG)
    assert.equal(entry('message.max.bytes').configValue, '2000')
    assert.equal(entry('message.max.bytes').configSource, Source.DYNAMIC_BROKER_CONFIG)
    assert.equal(entry('sasl.kerberos.min.time.before.relogin').configValue, '60000')
    assert.equal(entry('log.retention.ms').configSource, Source.DYNAMIC_DEFAULT_BROKER_CONFIG)
    const defaults = await call(describeConfigsApi, 1, { resources: [{ resourceType: 4, resourceName: '', configurationKeys: null }], includeSynonyms: false })
    assert.deepEqual(defaults.results[0].configs.map((c: any) => [c.name, c.value, c.configSource]), [['log.retention.ms', '3600000', Source.DYNAMIC_DEFAULT_BROKER_CONFIG]])

    const again = kafka.producer()
    await again.connect()
    try {
      await assert.rejects(again.send({ topic: 'plain', acks: -1, messages: [{ value: Buffer.alloc(3000, 'x') }] }), /larger than the max message size/, 'still applied after the restart')
    } finally {
      await again.disconnect()
    }
  }))
})
