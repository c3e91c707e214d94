/* eslint-disable @typescript-eslint/no-explicit-any -- answers read from the CLI's JSON output or decoded untyped from raw frames; tests check them field by field */
// Hostile and broken Kafka clients against a real broker process: each attack
// is answered (or its connection closed) without harming anyone else. During
// and after every attack another client's produce and fetch keep working, the
// broker stays up, and its resident memory stays under a generous bound.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { Kafka, logLevel, type Producer } from 'kafkajs'
import { BrokerProcess } from '../helpers/broker-process.js'
import { consumeAll } from '../helpers/kcat.js'
import { RawKafkaConnection, requestFrame } from '../helpers/raw-kafka.js'
import { batchClaiming, batchWithCodec, batchWithRecordBytes, bombBatch } from '../helpers/hostile-batches.js'
import { decodeBuffer, encodeToBuffer } from '../../src/protocol/codec.js'
import { produceApi } from '../../src/protocol/messages/produce.js'
import { fetchApi } from '../../src/protocol/messages/fetch.js'
import { encodeBatch } from '../../src/protocol/records/batch-codec.js'
import { Compression } from '../../src/protocol/records/batch-header.js'
import { at } from '../helpers/at.js'

const MIB = 1024 * 1024
const FETCH_MAX_BYTES = 4 * MIB
const READ_TIMEOUT_MS = 1000
/** Generous for a loaded machine; the attacks below grew the broker by 600 MB to GBs before the fixes. */
const RSS_BOUND_MB = 450
const Code = { INVALID_RECORD: 87, UNSUPPORTED_COMPRESSION_TYPE: 76, MESSAGE_TOO_LARGE: 10, TOPIC_AUTHORIZATION_FAILED: 29 } as const
const PRODUCE_VERSION = 8
const FETCH_VERSION = 11

function rssMb (pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (match === null) throw new Error('TRIB_ERR_TEST: no VmRSS')
  return Number(at(match, 1)) / 1024
}

function produceRequest (correlationId: number, topic: string, records: Buffer): Buffer {
  const body = encodeToBuffer(produceApi.request, PRODUCE_VERSION, {
    transactionalId: null, acks: -1, timeoutMs: 10_000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }]
  })
  return requestFrame(0, PRODUCE_VERSION, correlationId, body)
}

function fetchRequest (correlationId: number, partitions: Array<{ topic: string, times: number }>, maxBytes = 0x7fffffff): Buffer {
  const body = encodeToBuffer(fetchApi.request, FETCH_VERSION, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    rackId: '',
    forgottenTopicsData: [],
    topics: partitions.map(p => ({
      topic: p.topic,
      partitions: Array.from({ length: p.times }, () => ({ partition: 0, fetchOffset: 0n, partitionMaxBytes: 0x7fffffff }))
    }))
  })
  return requestFrame(1, FETCH_VERSION, correlationId, body)
}

interface ProducePartitionAnswer { errorCode: number, errorMessage: string | null, baseOffset: bigint, recordErrors: Array<{ batchIndex: number, batchIndexErrorMessage: string | null }> }

async function produceRaw (connection: RawKafkaConnection, topic: string, records: Buffer): Promise<ProducePartitionAnswer> {
  connection.write(produceRequest(7, topic, records))
  const frame = await connection.nextFrame(30_000)
  const { body } = decodeBuffer(produceApi.response, PRODUCE_VERSION, frame.subarray(4))
  return at(at(body.responses, 0).partitionResponses, 0)
}

describe('hostile clients against a running broker', () => {
  let broker: BrokerProcess
  let kafka: Kafka
  let healthyProducer: Producer
  let healthySent = 0

  before(async () => {
    broker = await BrokerProcess.start({
      env: { TRIBUTARY_FETCH_MAX_BYTES: String(FETCH_MAX_BYTES), TRIBUTARY_REQUEST_READ_TIMEOUT_MS: String(READ_TIMEOUT_MS) }
    })
    kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: 'healthy' }, { topic: 'big-a' }, { topic: 'big-b' }, { topic: 'victim', configEntries: [{ name: 'max.message.bytes', value: String(8 * MIB) }] }
      ]
    })
    await admin.disconnect()
    healthyProducer = kafka.producer()
    await healthyProducer.connect()
    // 6 MiB in each of two partitions: more than fetchMaxBytes, in ~1 MiB batches
    const value = Buffer.alloc(64 * 1024, 'b')
    for (const topic of ['big-a', 'big-b']) {
      for (let i = 0; i < 6; i++) await healthyProducer.send({ topic, acks: -1, messages: Array.from({ length: 15 }, () => ({ value })) })
    }
  })

  after(async () => {
    await healthyProducer?.disconnect().catch(() => {})
    await broker?.cleanup()
  })

  /** Another client produces a message and reads the whole topic back, and the broker's memory is bounded. */
  async function assertOthersServed (): Promise<void> {
    const value = `healthy-${healthySent++}`
    await healthyProducer.send({ topic: 'healthy', acks: -1, messages: [{ value }] })
    const seen = await consumeAll(broker.bootstrap, 'healthy')
    assert.equal(seen.at(-1)?.payload, value)
    assert.equal(broker.running, true, 'the broker is up')
    const rss = rssMb(broker.pid!)
    assert.ok(rss < RSS_BOUND_MB, `broker RSS ${rss.toFixed(0)} MB is over ${RSS_BOUND_MB} MB`)
  }

  test('a client that pipelines Fetch requests and never reads the answers stops being read; memory stays bounded', () => broker.explain(async () => {
    const socket: Socket = connect({ host: broker.host, port: broker.kafkaPort })
    await once(socket, 'connect')
    socket.pause() // never read a byte
    socket.on('error', () => {})
    try {
      // each names both 6 MiB partitions 20 times
      const request = Buffer.concat(Array.from({ length: 60 }, (_, i) => fetchRequest(i, [{ topic: 'big-a', times: 20 }, { topic: 'big-b', times: 20 }])))
      socket.write(request)
      let peak = 0
      for (let round = 0; round < 5; round++) {
        await assertOthersServed()
        peak = Math.max(peak, rssMb(broker.pid!))
      }
      assert.ok(peak < RSS_BOUND_MB, `peak RSS ${peak.toFixed(0)} MB`)
    } finally {
      socket.destroy()
    }
    await assertOthersServed()
  }))

  test('one Fetch naming a partition twenty times answers it once, within fetchMaxBytes', () => broker.explain(async () => {
    const connection = await RawKafkaConnection.open(broker.host, broker.kafkaPort)
    try {
      connection.write(fetchRequest(3, [{ topic: 'big-a', times: 20 }, { topic: 'big-b', times: 2 }, { topic: 'big-a', times: 1 }]))
      const frame = await connection.nextFrame(30_000)
      const { body } = decodeBuffer(fetchApi.response, FETCH_VERSION, frame.subarray(4))
      assert.deepEqual(body.responses.map((t: any) => [t.topic, t.partitions.length]), [['big-a', 1], ['big-b', 1]])
      let bytes = 0
      for (const t of body.responses) for (const p of t.partitions) bytes += p.records?.length ?? 0
      assert.ok(bytes > 0, 'records were returned')
      // whole batches: the cap may be passed by at most the batch that crosses it
      assert.ok(bytes <= FETCH_MAX_BYTES + 1.5 * MIB, `response carries ${bytes} bytes of records`)
    } finally {
      connection.destroy()
    }
  }))

  test('a batch whose header claims 2^31-1 records around one real record is INVALID_RECORD and moves no offset', () => broker.explain(async () => {
    const connection = await RawKafkaConnection.open(broker.host, broker.kafkaPort)
    try {
      const first = await produceRaw(connection, 'victim', encodeBatch([{ value: 'before' }]))
      assert.equal(first.errorCode, 0)
      for (let i = 0; i < 3; i++) {
        const answer = await produceRaw(connection, 'victim', batchClaiming(2 ** 31 - 1))
        assert.equal(answer.errorCode, Code.INVALID_RECORD, JSON.stringify(answer, (_, v) => typeof v === 'bigint' ? String(v) : v))
      }
      const next = await produceRaw(connection, 'victim', encodeBatch([{ value: 'after' }]))
      assert.equal(next.errorCode, 0)
      assert.equal(next.baseOffset, first.baseOffset + 1n, 'the refused batches took no offsets')
    } finally {
      connection.destroy()
    }
    await assertOthersServed()
  }))

  test('garbage records, an unknown codec and 1 GiB decompression bombs are refused and reach no consumer', () => broker.explain(async () => {
    const connection = await RawKafkaConnection.open(broker.host, broker.kafkaPort)
    try {
      const garbage = await produceRaw(connection, 'victim', batchWithRecordBytes(Buffer.alloc(64, 0xee)))
      assert.equal(garbage.errorCode, Code.INVALID_RECORD)
      assert.equal(garbage.recordErrors.length, 1, 'the record is named')
      assert.equal((await produceRaw(connection, 'victim', batchWithCodec(7))).errorCode, Code.UNSUPPORTED_COMPRESSION_TYPE)
      for (const codec of [Compression.gzip, Compression.zstd, Compression.lz4, Compression.snappy]) {
        // gzip packs about 1000:1, so its bomb stays under the topic's 8 MiB max.message.bytes at 1 GiB
        const answer = await produceRaw(connection, 'victim', bombBatch(codec, 1024))
        assert.equal(answer.errorCode, Code.MESSAGE_TOO_LARGE, `codec ${codec}: ${answer.errorMessage}`)
        await assertOthersServed()
      }
      assert.equal((await produceRaw(connection, 'victim', encodeBatch([{ value: 'still fine' }]))).errorCode, 0)
    } finally {
      connection.destroy()
    }
    const values = (await consumeAll(broker.bootstrap, 'victim')).map(m => m.payload)
    assert.ok(values.includes('still fine'))
    assert.ok(values.every(v => v === 'before' || v === 'after' || v === 'still fine'), `consumers see only real records: ${values.join(',')}`)
  }))

  test('Produce into a bus topic is refused with TOPIC_AUTHORIZATION_FAILED and writes nothing', () => broker.explain(async () => {
    const connection = await RawKafkaConnection.open(broker.host, broker.kafkaPort)
    try {
      const answer = await produceRaw(connection, 'bus.default', encodeBatch([{ value: '{"not":"an event"}' }]))
      assert.equal(answer.errorCode, Code.TOPIC_AUTHORIZATION_FAILED)
      assert.match(answer.errorMessage ?? '', /allowProduceToBusTopics/)
    } finally {
      connection.destroy()
    }
    assert.deepEqual(await consumeAll(broker.bootstrap, 'bus.default'), [])
  }))

  test('a frame that claims 100 MB and then stalls is closed after the request read timeout', () => broker.explain(async () => {
    const stalled: RawKafkaConnection[] = []
    try {
      for (let i = 0; i < 20; i++) {
        const connection = await RawKafkaConnection.open(broker.host, broker.kafkaPort)
        const head = Buffer.alloc(14)
        head.writeInt32BE(100 * 1000 * 1000, 0)
        head.writeInt16BE(0, 4) // Produce ...
        connection.write(head) // ... and nothing more
        stalled.push(connection)
      }
      await assertOthersServed()
      for (const connection of stalled) assert.equal(await connection.closesWithin(READ_TIMEOUT_MS * 10), true, 'the stalled connection was closed')
    } finally {
      for (const connection of stalled) connection.destroy()
    }
    await assertOthersServed()
  }))
})
