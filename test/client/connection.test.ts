// The client's connection against a real broker: version negotiation, framing
// of many concurrent requests, and failures that name the address.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { BrokerProcess, freePort } from '../helpers/broker-process.js'
import { ClientError, Fetcher, KafkaClient, KafkaConnection, Producer, TopicAdmin } from '../../src/client/index.js'
import { metadataApi } from '../../src/protocol/messages/metadata.js'
import { fetchApi } from '../../src/protocol/messages/fetch.js'
import { apiVersionsApi } from '../../src/protocol/messages/api-versions.js'
import { at } from '../helpers/at.js'

let broker: BrokerProcess

before(async () => { broker = await BrokerProcess.start() })
after(async () => { await broker.cleanup() })

test('requests go at the highest version both sides speak, capped by the caller', async () => {
  const connection = await KafkaConnection.open({ host: broker.host, port: broker.kafkaPort })
  try {
    assert.equal(connection.versionFor(apiVersionsApi), apiVersionsApi.maxVersion)
    assert.equal(connection.versionFor(metadataApi), metadataApi.maxVersion)
    assert.equal(connection.versionFor(fetchApi, 12), 12)
    assert.throws(() => connection.versionFor(fetchApi, 3), /does not serve Fetch v4-3/)
    const { body, version } = await connection.request(metadataApi, { topics: null, allowAutoTopicCreation: false }, { maxVersion: 9 })
    assert.equal(version, 9, 'flexible request header v2 and response header v1 at v9')
    assert.equal(at(body.brokers, 0).port, broker.kafkaPort)
  } finally {
    connection.close()
  }
})

test('many requests in flight on one connection each get their own answer', async () => {
  const client = await KafkaClient.connect(broker.bootstrap)
  try {
    const answers = await Promise.all(Array.from({ length: 50 }, async (_, i) => await client.metadata(i % 2 === 0 ? null : [])))
    assert.equal(answers.length, 50)
    for (const a of answers) assert.equal(a.brokers.length, 1)
  } finally {
    client.close()
  }
})

/** Runs `fn` counting the bytes this process copies through Buffer.concat and Buffer#copy meanwhile. */
async function countingCopies<T> (fn: () => Promise<T>): Promise<{ result: T, copied: number }> {
  const concat = Buffer.concat
  const copy = Buffer.prototype.copy
  let copied = 0
  Buffer.concat = function (list: readonly Uint8Array[], totalLength?: number) {
    const joined = concat.call(Buffer, list, totalLength)
    copied += joined.length
    return joined
  } as typeof Buffer.concat
  Buffer.prototype.copy = function (this: Buffer, ...args: Parameters<Buffer['copy']>) {
    const n = copy.apply(this, args)
    copied += n
    return n
  }
  try {
    return { result: await fn(), copied }
  } finally {
    Buffer.concat = concat
    Buffer.prototype.copy = copy
  }
}

test('a 4 MiB answer arriving in many socket chunks is copied about once, not once per chunk', async () => {
  const client = await KafkaClient.connect(broker.bootstrap)
  try {
    await new TopicAdmin(client).create('big-answer', 1)
    const producer = new Producer(client)
    const value = Buffer.alloc(1024, 0x61)
    for (let i = 0; i < 4; i++) await producer.send('big-answer', Array.from({ length: 1000 }, () => ({ value, partition: 0 })))
    const { result, copied } = await countingCopies(() =>
      new Fetcher(client).fetch([{ topic: 'big-answer', partition: 0, offset: 0 }], { partitionMaxBytes: 8 << 20, maxWaitMs: 0 }))
    assert.equal(at(result, 0).records.length, 4000)
    const answerBytes = 4000 * 1024
    assert.ok(copied < 3 * answerBytes, `copied ${copied} bytes for an answer of about ${answerBytes}`)
  } finally {
    client.close()
  }
})

test('nothing listening is TRIB_ERR_NO_BROKER naming the address; a closed client fails fast', async () => {
  const port = await freePort()
  await assert.rejects(KafkaClient.connect(`127.0.0.1:${port}`), (err: unknown) => {
    assert.ok(err instanceof ClientError)
    assert.equal(err.code, 'TRIB_ERR_NO_BROKER')
    assert.match(err.message, new RegExp(`^no broker at 127\\.0\\.0\\.1:${port}: is \`tributary start\` running\\?`))
    return true
  })
  const connection = await KafkaConnection.open({ host: broker.host, port: broker.kafkaPort })
  connection.close()
  await assert.rejects(connection.request(metadataApi, { topics: [] }), { code: 'TRIB_ERR_CONNECTION_LOST' })
})
