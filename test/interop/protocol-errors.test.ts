// Bad frames over a raw socket: each closes (or is answered on) its own connection only,
// other connections keep working, and data already accepted is still there.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { crc32 } from 'node:zlib'
import { Kafka, logLevel } from 'kafkajs'
import { BrokerProcess } from '../helpers/broker-process.js'
import { consumeAll } from '../helpers/kcat.js'
import { parseApiVersionsV0, RawKafkaConnection, requestFrame } from '../helpers/raw-kafka.js'
import { PATIENCE_MS } from '../helpers/wait.js'

const ApiKey = { produce: 0, metadata: 3, apiVersions: 18 } as const
const UNSUPPORTED_VERSION = 35
const UNSUPPORTED_FOR_MESSAGE_FORMAT = 43
const defaultMaxRequestBytes = 100 * 1024 * 1024

describe('protocol errors on a raw socket', () => {
  let broker: BrokerProcess

  before(async () => {
    broker = await BrokerProcess.start()
    const producer = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).producer()
    await producer.connect()
    await producer.send({ topic: 'kept', acks: -1, messages: Array.from({ length: 5 }, (_, i) => ({ value: `kept-${i}` })) })
    await producer.disconnect()
  })

  after(async () => { await broker?.cleanup() })

  const open = () => RawKafkaConnection.open(broker.host, broker.kafkaPort)

  /** A second, healthy connection still gets ApiVersions answered, and the produced data is intact. */
  async function assertBrokerUnharmed (): Promise<void> {
    const other = await open()
    try {
      other.write(requestFrame(ApiKey.apiVersions, 0, 99, Buffer.alloc(0)))
      const answer = parseApiVersionsV0(await other.nextFrame())
      assert.equal(answer.correlationId, 99)
      assert.equal(answer.errorCode, 0)
    } finally {
      other.destroy()
    }
    const kept = await consumeAll(broker.bootstrap, 'kept')
    assert.deepEqual(kept.map(m => m.payload), ['kept-0', 'kept-1', 'kept-2', 'kept-3', 'kept-4'])
  }

  test('ApiVersions v0 over a raw socket lists ApiVersions 0-3 or more', () => broker.explain(async () => {
    const connection = await open()
    try {
      connection.write(requestFrame(ApiKey.apiVersions, 0, 1, Buffer.alloc(0)))
      const answer = parseApiVersionsV0(await connection.nextFrame())
      assert.equal(answer.correlationId, 1)
      assert.equal(answer.errorCode, 0)
      const own = answer.apis.find(a => a.apiKey === ApiKey.apiVersions)
      assert.ok(own && own.minVersion === 0 && own.maxVersion >= 3, `ApiVersions entry: ${JSON.stringify(own)}`)
    } finally {
      connection.destroy()
    }
  }))

  test('an unsupported ApiVersions version gets UNSUPPORTED_VERSION in a v0 body, and the connection stays usable', () => broker.explain(async () => {
    const connection = await open()
    try {
      // v127 is flexible, so the request header is v2; the body is whatever a future version might hold.
      connection.write(requestFrame(ApiKey.apiVersions, 127, 2, Buffer.from([0x05, 0x61, 0x62, 0x63, 0x64, 0x02, 0x31, 0x00]), true))
      const frame = await connection.nextFrame()
      const answer = parseApiVersionsV0(frame)
      assert.equal(answer.correlationId, 2)
      assert.equal(answer.errorCode, UNSUPPORTED_VERSION)
      assert.equal(frame.length, 10 + answer.apis.length * 6, 'a v0 body: error code and API list only, no throttle time, no tagged fields')
      const own = answer.apis.find(a => a.apiKey === ApiKey.apiVersions)
      assert.ok(own && own.maxVersion >= 3, `Kafka lists the ApiVersions range so the client can retry: ${JSON.stringify(answer.apis)}`)

      connection.write(requestFrame(ApiKey.apiVersions, 0, 3, Buffer.alloc(0)))
      const retry = parseApiVersionsV0(await connection.nextFrame())
      assert.equal(retry.correlationId, 3)
      assert.equal(retry.errorCode, 0)
    } finally {
      connection.destroy()
    }
  }))

  test('Produce v2 carrying a magic 1 message set gets UNSUPPORTED_FOR_MESSAGE_FORMAT and appends nothing', () => broker.explain(async () => {
    // One legacy message (magic 1): offset, size, then crc over magic..value.
    const value = Buffer.from('legacy')
    const body = Buffer.alloc(1 + 1 + 8 + 4 + 4 + value.length)
    body.writeInt8(1, 0) // magic
    body.writeInt8(0, 1) // attributes
    body.writeBigInt64BE(BigInt(Date.now()), 2)
    body.writeInt32BE(-1, 10) // null key
    body.writeInt32BE(value.length, 14)
    value.copy(body, 18)
    const message = Buffer.alloc(12 + 4)
    message.writeBigInt64BE(0n, 0)
    message.writeInt32BE(4 + body.length, 8)
    message.writeUInt32BE(crc32(body), 12)
    const messageSet = Buffer.concat([message, body])

    const topic = Buffer.from('kept')
    const request = Buffer.alloc(2 + 4 + 4 + 2 + topic.length + 4 + 4 + 4)
    let at = request.writeInt16BE(-1, 0) // acks
    at = request.writeInt32BE(5000, at) // timeout
    at = request.writeInt32BE(1, at) // one topic
    at = request.writeInt16BE(topic.length, at)
    at += topic.copy(request, at)
    at = request.writeInt32BE(1, at) // one partition
    at = request.writeInt32BE(0, at) // partition 0
    request.writeInt32BE(messageSet.length, at)

    const connection = await open()
    try {
      connection.write(requestFrame(ApiKey.produce, 2, 8, Buffer.concat([request, messageSet])))
      const frame = await connection.nextFrame()
      assert.equal(frame.readInt32BE(0), 8, 'correlation id')
      assert.equal(frame.readInt32BE(4), 1, 'one topic answered')
      const nameLength = frame.readInt16BE(8)
      assert.equal(frame.subarray(10, 10 + nameLength).toString(), 'kept')
      const partitions = 10 + nameLength
      assert.equal(frame.readInt32BE(partitions), 1, 'one partition answered')
      assert.equal(frame.readInt32BE(partitions + 4), 0, 'partition 0')
      assert.equal(frame.readInt16BE(partitions + 8), UNSUPPORTED_FOR_MESSAGE_FORMAT)
    } finally {
      connection.destroy()
    }
    await assertBrokerUnharmed()
  }))

  test('a frame over the request size limit closes that connection only', () => broker.explain(async () => {
    const connection = await open()
    const size = Buffer.alloc(4)
    size.writeInt32BE(defaultMaxRequestBytes + 1, 0)
    connection.write(Buffer.concat([size, requestFrame(ApiKey.apiVersions, 0, 4, Buffer.alloc(0)).subarray(4)]))
    assert.equal(await connection.closesWithin(PATIENCE_MS), true, 'the connection was not closed')
    await assertBrokerUnharmed()
  }))

  test('a negative frame size closes that connection only', () => broker.explain(async () => {
    const connection = await open()
    connection.write(Buffer.from([0xff, 0xff, 0xff, 0xf0, 0, 18, 0, 0]))
    assert.equal(await connection.closesWithin(PATIENCE_MS), true, 'the connection was not closed')
    await assertBrokerUnharmed()
  }))

  test('a malformed Metadata request (an array count far past the frame end) closes that connection only', () => broker.explain(async () => {
    const connection = await open()
    const body = Buffer.alloc(4)
    body.writeInt32BE(1_000_000, 0) // topics: a million names announced, none sent
    connection.write(requestFrame(ApiKey.metadata, 1, 5, body))
    assert.equal(await connection.closesWithin(PATIENCE_MS), true, 'the connection was not closed')
    await assertBrokerUnharmed()
  }))

  test('a frame too short to hold a request header closes that connection only', () => broker.explain(async () => {
    const connection = await open()
    connection.write(Buffer.from([0, 0, 0, 3, 0, 18, 0]))
    assert.equal(await connection.closesWithin(PATIENCE_MS), true, 'the connection was not closed')
    await assertBrokerUnharmed()
  }))

  test('an unknown API key closes the connection without an answer', () => broker.explain(async () => {
    const connection = await open()
    connection.write(requestFrame(9999, 0, 6, Buffer.alloc(0)))
    assert.equal(await connection.closesWithin(PATIENCE_MS), true, 'the connection was not closed')
    await assert.rejects(connection.nextFrame(100), /TRIB_ERR_TEST_CLOSED/)
    await assertBrokerUnharmed()
  }))
})
