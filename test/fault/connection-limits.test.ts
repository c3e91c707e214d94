// maxConnections and maxConnectionsPerIp against a real broker process: a host
// that opens connection after connection gets only its share, the connections
// over a bound are closed at once, and meanwhile other clients' produce and
// fetch keep working and the broker's memory stays bounded. Client hosts are
// told apart by connecting from different loopback addresses (127.0.0.2, ...).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { Kafka, logLevel, type Producer } from 'kafkajs'
import { BrokerProcess } from '../helpers/broker-process.js'
import { consumeAll } from '../helpers/kcat.js'
import { RawKafkaConnection, requestFrame } from '../helpers/raw-kafka.js'
import { waitFor } from '../helpers/wait.js'
import { decodeBuffer, encodeToBuffer } from '../../src/protocol/codec.js'
import { fetchApi } from '../../src/protocol/messages/fetch.js'

const MAX_CONNECTIONS = 24
const MAX_PER_IP = 5
const RSS_BOUND_MB = 450
const API_VERSIONS_KEY = 18
const FETCH_VERSION = 11

function rssMb (pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (match === null) throw new Error('TRIB_ERR_TEST: no VmRSS')
  return Number(match[1]) / 1024
}

/** Opens a connection and asks ApiVersions: the connection if it was answered, null if the broker closed it. */
async function servedConnection (broker: BrokerProcess, from: string): Promise<RawKafkaConnection | null> {
  const connection = await RawKafkaConnection.open(broker.host, broker.kafkaPort, from)
  connection.write(requestFrame(API_VERSIONS_KEY, 0, 1, Buffer.alloc(0)))
  try {
    await connection.nextFrame()
    return connection
  } catch (err) {
    if (!/TRIB_ERR_TEST_CLOSED/.test((err as Error).message)) throw err
    return null
  }
}

/** Opens `attempts` connections from `from`, one after another; returns those the broker served. */
async function flood (broker: BrokerProcess, from: string, attempts: number): Promise<RawKafkaConnection[]> {
  const served: RawKafkaConnection[] = []
  for (let i = 0; i < attempts; i++) {
    const connection = await servedConnection(broker, from)
    if (connection !== null) served.push(connection)
  }
  return served
}

/** Waits until `count` connections from `from` are served: the broker sees closes a little after the client does. */
async function waitForSlots (broker: BrokerProcess, from: string, count: number): Promise<RawKafkaConnection[]> {
  const served: RawKafkaConnection[] = []
  await waitFor(async () => {
    const connection = await servedConnection(broker, from)
    if (connection !== null) served.push(connection)
    return served.length === count
  }, `${count} connections served from ${from}`)
  return served
}

/** A Fetch of partition 0 of `topic` from offset 0 on an open connection; the record bytes returned. */
async function fetchRecordBytes (connection: RawKafkaConnection, topic: string): Promise<number> {
  const body = encodeToBuffer(fetchApi.request, FETCH_VERSION, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    rackId: '',
    forgottenTopicsData: [],
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }]
  })
  connection.write(requestFrame(1, FETCH_VERSION, 9, body))
  const frame = await connection.nextFrame()
  const answer = decodeBuffer(fetchApi.response, FETCH_VERSION, frame.subarray(4)).body
  const partition = answer.responses[0]?.partitions[0]
  assert.equal(partition?.errorCode, 0)
  return partition.records?.length ?? 0
}

describe('connection limits against a running broker', () => {
  let broker: BrokerProcess
  let producer: Producer
  let sent = 0

  before(async () => {
    broker = await BrokerProcess.start({
      env: { TRIBUTARY_MAX_CONNECTIONS: String(MAX_CONNECTIONS), TRIBUTARY_MAX_CONNECTIONS_PER_IP: String(MAX_PER_IP) }
    })
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'healthy', acks: -1, messages: [{ value: 'first' }] })
  })

  after(async () => {
    await producer?.disconnect().catch(() => {})
    await broker?.cleanup()
  })

  async function produceOne (): Promise<string> {
    const value = `healthy-${sent++}`
    await producer.send({ topic: 'healthy', acks: -1, messages: [{ value }] })
    return value
  }

  function assertMemoryBounded (): void {
    assert.equal(broker.running, true, 'the broker is up')
    const rss = rssMb(broker.pid!)
    assert.ok(rss < RSS_BOUND_MB, `broker RSS ${rss.toFixed(0)} MB is over ${RSS_BOUND_MB} MB`)
  }

  test('one host opening 40 connections keeps maxConnectionsPerIp of them; others produce and fetch meanwhile', () => broker.explain(async () => {
    const hostile = await flood(broker, '127.0.0.2', 40)
    try {
      assert.equal(hostile.length, MAX_PER_IP, 'the host was served exactly its share')
      const value = await produceOne()
      assert.equal((await consumeAll(broker.bootstrap, 'healthy')).at(-1)?.payload, value)
      assertMemoryBounded()
      // its connections that were let in still work
      assert.ok(await fetchRecordBytes(hostile[0]!, 'healthy') > 0)
    } finally {
      for (const c of hostile) c.destroy()
    }
    await Promise.all(hostile.map(c => c.closed))
    // closed connections give their slots back
    const again = await waitForSlots(broker, '127.0.0.2', MAX_PER_IP)
    for (const c of again) c.destroy()
    await Promise.all(again.map(c => c.closed))
  }))

  test('hosts together filling maxConnections get no more; connected clients keep producing and fetching', () => broker.explain(async () => {
    const reader = await servedConnection(broker, '127.0.0.1')
    assert.ok(reader !== null, 'a reader connected before the flood')
    const hostile: RawKafkaConnection[] = []
    try {
      // 10 hosts x 5 attempts: 50 tries at 24 slots, some of them already in use
      for (let host = 3; host < 13; host++) hostile.push(...await flood(broker, `127.0.0.${host}`, MAX_PER_IP))
      assert.ok(hostile.length < MAX_CONNECTIONS, `only the free slots were given: ${hostile.length}`)
      assert.equal(await servedConnection(broker, '127.0.0.1'), null, 'a new connection over maxConnections is closed')
      await produceOne()
      assert.ok(await fetchRecordBytes(reader, 'healthy') > 0, 'an open connection still fetches')
      assertMemoryBounded()
    } finally {
      for (const c of hostile) c.destroy()
    }
    await Promise.all(hostile.map(c => c.closed))
    for (const c of await waitForSlots(broker, '127.0.0.1', 1)) c.destroy()
    const value = await produceOne()
    assert.equal((await consumeAll(broker.bootstrap, 'healthy')).at(-1)?.payload, value, 'new clients connect once the flood is gone')
    reader.destroy()
  }))
})
