// The worker's appends made in one event-loop turn, or while a Produce waits for
// acks=all, share one Produce request per leader, appends to one partition merged
// into one batch (src/bus/cluster/produce-coalescer.ts). A counting TCP relay
// between the engine and an in-process Tributary broker counts the Produce
// requests (API key 0 in each request frame) that really cross the wire, and can
// hold what the engine sends, as a slow acks=all would.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { defaultConfig } from '../../../src/config.js'
import { Tributary } from '../../../src/tributary.js'
import { KafkaLogEngine } from '../../../src/bus/cluster/kafka-log.js'
import { BusStorage } from '../../../src/bus/storage.js'
import { encodeBatch } from '../../../src/protocol/records/index.js'
import { waitFor } from '../../helpers/wait.js'

let dataDir: string
let app: Tributary
let relay: Server
let produceRequests = 0
const sockets = new Set<Socket>()
/** While set, what the engine sends is counted but kept here, in order, instead of reaching the broker. */
let held: Array<{ upstream: Socket, chunk: Buffer }> | null = null

function releaseHeld (): void {
  const chunks = held ?? []
  held = null
  for (const { upstream, chunk } of chunks) upstream.write(chunk)
}

/** Counts request frames with API key 0 (Produce) on a client-to-broker byte stream. */
function countProduce (): (chunk: Buffer) => void {
  let buffered = Buffer.alloc(0)
  return chunk => {
    buffered = Buffer.concat([buffered, chunk])
    while (buffered.length >= 6) {
      const size = buffered.readInt32BE(0)
      if (buffered.length < 4 + size) return
      if (buffered.readInt16BE(4) === 0) produceRequests++
      buffered = buffered.subarray(4 + size)
    }
  }
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'trib-bus-coalesce-'))
  app = new Tributary({ ...defaultConfig, topicDefaults: {}, dataDir, kafkaPort: 0, httpPort: 0, groupInitialRebalanceDelayMs: 0 }, pino({ level: 'silent' }))
  await app.start()
  const brokerPort = [...app.components.broker.ports.values()][0]!
  // The relay answers on the broker's port as far as metadata goes: the engine only ever dials the bootstrap address here.
  relay = createServer(client => {
    const upstream = connect(brokerPort, '127.0.0.1')
    sockets.add(client).add(upstream)
    const count = countProduce()
    client.on('data', (chunk: Buffer) => {
      count(chunk)
      if (held !== null) held.push({ upstream, chunk })
      else upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => client.write(chunk))
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
    client.on('error', () => {})
    upstream.on('error', () => {})
  })
  relay.listen(0, '127.0.0.1')
  await once(relay, 'listening')
})

after(async () => {
  for (const s of sockets) s.destroy()
  relay.close()
  await app.stop()
  await rm(dataDir, { recursive: true, force: true })
})

test('appends to five partitions made in one turn go to the leader in one Produce request, each answered with its own offset', async (t) => {
  const bootstrap = `127.0.0.1:${(relay.address() as { port: number }).port}`
  const engine = new KafkaLogEngine({ bootstrap, topicPrefix: 'coalesce.' })
  t.after(() => engine.close())
  await engine.open()
  const storage = new BusStorage(engine)
  await storage.ensureTopic('five', undefined, 5)
  const partitions = [0, 1, 2, 3, 4].map(i => engine.partition('five', i)!)
  // Two rounds: offsets 0 then 1 in every partition, whichever connection dials the broker first.
  for (const round of [0, 1]) {
    const before = produceRequests
    const answers = await Promise.all(partitions.map(async (p, i) => await p.append(encodeBatch([{ key: `k${i}`, value: `round ${round}` }]), { durability: 'fsynced' })))
    assert.deepEqual(answers.map(a => a.baseOffset), [round, round, round, round, round])
    assert.equal(produceRequests - before, 1)
  }
  const read = await storage.read('five', 0, undefined, 3)
  assert.deepEqual(read.records.map(r => r.value?.toString()), ['round 0', 'round 1'])
})

test('two appends to one partition in the same turn go in one request as one batch, each answered with its own offsets', async (t) => {
  const bootstrap = `127.0.0.1:${(relay.address() as { port: number }).port}`
  const engine = new KafkaLogEngine({ bootstrap, topicPrefix: 'coalesce2.' })
  t.after(() => engine.close())
  await engine.open()
  const storage = new BusStorage(engine)
  await storage.ensureTopic('one', undefined, 1)
  const partition = engine.partition('one', 0)!
  const before = produceRequests
  const answers = await Promise.all([
    partition.append(encodeBatch([{ key: 'a', value: 'a', timestamp: 1_000, headers: [{ key: 'h', value: 'ha' }] }]), { durability: 'fsynced' }),
    partition.append(encodeBatch([{ key: 'b1', value: 'b1', timestamp: 2_000 }, { key: 'b2', value: 'b2', timestamp: 2_001 }]), { durability: 'fsynced' }),
  ])
  assert.deepEqual(answers, [{ baseOffset: 0, lastOffset: 0 }, { baseOffset: 1, lastOffset: 2 }])
  assert.equal(produceRequests - before, 1)
  const records = (await storage.read('one', 0)).records
  assert.deepEqual(records.map(r => [r.offset, r.key?.toString(), r.value?.toString(), r.timestamp]), [[0, 'a', 'a', 1_000], [1, 'b1', 'b1', 2_000], [2, 'b2', 'b2', 2_001]])
  assert.deepEqual(records[0]!.headers.map(h => [h.key, h.value?.toString()]), [['h', 'ha']])
})

test('appends made in later turns while the Produce requests allowed in flight wait for acks=all go together in the next request', async (t) => {
  const bootstrap = `127.0.0.1:${(relay.address() as { port: number }).port}`
  // One produce connection, dialled before the hold, so holding it holds only Produce requests;
  // one request in flight at a time, so the appends after the first wait for its answer.
  const engine = new KafkaLogEngine({ bootstrap, topicPrefix: 'coalesce3.', produceConnections: 1, produceInFlight: 1 })
  t.after(() => engine.close())
  await engine.open()
  const storage = new BusStorage(engine)
  await storage.ensureTopic('two', undefined, 2)
  await Promise.all([0, 1].map(async i => await engine.partition('two', i)!.append(encodeBatch([{ key: 'warm', value: 'warm' }]), { durability: 'fsynced' })))
  const before = produceRequests
  held = []
  t.after(releaseHeld)
  const first = engine.partition('two', 0)!.append(encodeBatch([{ key: 'first', value: 'first' }]), { durability: 'fsynced' })
  await waitFor(() => produceRequests - before === 1, 'the first Produce on the wire')
  // Three appends, each in a turn of its own, while the first waits for its answer.
  const later: Array<Promise<{ baseOffset: number }>> = []
  for (const [i, value] of ['x', 'y', 'z'].entries()) {
    await new Promise(resolve => setImmediate(resolve))
    later.push(engine.partition('two', i % 2)!.append(encodeBatch([{ key: value, value }]), { durability: 'fsynced' }))
  }
  await new Promise(resolve => setImmediate(resolve))
  releaseHeld()
  assert.equal((await first).baseOffset, 1)
  assert.deepEqual((await Promise.all(later)).map(a => a.baseOffset), [2, 1, 3])
  assert.equal(produceRequests - before, 2)
  assert.deepEqual((await storage.read('two', 0, undefined, 0)).records.map(r => r.value?.toString()), ['warm', 'first', 'x', 'z'])
})
