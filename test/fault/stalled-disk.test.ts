// The request side of the per-connection bound (src/broker/server.ts: 32 MiB
// of request bytes unanswered): a client that pipelines large Produce requests
// into a partition whose disk writes never finish is no longer read once that
// much is waiting, with acks=-1 and with acks=0 (which has no answer, so its
// bytes count until its appends are written). The broker's memory stays bounded,
// other clients keep producing and fetching, and once the disk comes back every
// request that was read is written and answered.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Kafka, logLevel, type Producer } from 'kafkajs'
import { consumeAll } from '../helpers/kcat.js'
import { requestFrame } from '../helpers/raw-kafka.js'
import { projectRoot } from '../helpers/broker-process.js'
import { waitFor } from '../helpers/wait.js'
import { encodeToBuffer } from '../../src/protocol/codec.js'
import { produceApi } from '../../src/protocol/messages/produce.js'
import { encodeBatch } from '../../src/protocol/records/batch-codec.js'
import { at } from '../helpers/at.js'

const MIB = 1024 * 1024
/** The per-connection bound under test (MAX_UNANSWERED_BYTES in src/broker/server.ts). */
const UNANSWERED_BOUND = 32 * MIB
/** What a hostile connection offers: far more than the bound, and than the RSS bound below. */
const OFFERED_BYTES = 640 * MIB
/** The bound, plus what the kernel's socket buffers on both ends and one frame in reading may hold. */
const ACCEPTED_BOUND = UNANSWERED_BOUND + 48 * MIB
const RSS_BOUND_MB = 450
const PRODUCE_VERSION = 8

function rssMb (pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (match === null) throw new Error('TRIB_ERR_TEST: no VmRSS')
  return Number(at(match, 1)) / 1024
}

function produceFrame (correlationId: number, acks: number, records: Buffer): Buffer {
  const body = encodeToBuffer(produceApi.request, PRODUCE_VERSION, {
    transactionalId: null, acks, timeoutMs: 600_000, topicData: [{ name: 'stalled', partitionData: [{ index: 0, records }] }]
  })
  return requestFrame(0, PRODUCE_VERSION, correlationId, body)
}

/** A client that writes Produce after Produce and never reads; counts what the kernel took from it. */
class PipeliningProducer {
  accepted = 0
  private constructor (readonly socket: Socket) {}

  static async start (port: number, acks: number): Promise<PipeliningProducer> {
    const socket = connect({ host: '127.0.0.1', port })
    await once(socket, 'connect')
    socket.pause() // never read an answer
    socket.on('error', () => {})
    const producer = new PipeliningProducer(socket)
    const frame = produceFrame(1, acks, encodeBatch([{ value: Buffer.alloc(512 * 1024, acks === 0 ? 'z' : 'a') }]))
    const writing = (async () => {
      for (let sent = 0; sent < OFFERED_BYTES && !socket.destroyed; sent += frame.length) {
        // the same buffer every time: this process holds one frame, not what it offers
        const more = socket.write(frame, err => { if (!err) producer.accepted += frame.length })
        if (!more) await Promise.race([once(socket, 'drain'), once(socket, 'close')])
      }
    })()
    writing.catch(() => {}) // ends when the test destroys the socket
    return producer
  }
}

describe('a partition whose disk writes never finish', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-stalled-'))
  let child: ChildProcess
  let bootstrap = ''
  let kafkaPort = 0
  let kafka: Kafka
  let healthyProducer: Producer
  let healthySent = 0

  before(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'test', 'fault', 'stalled-disk-broker.ts'), dataDir], { stdio: ['ignore', 'pipe', 'inherit'] })
    const lines = createInterface({ input: child.stdout! })
    const [line] = await once(lines, 'line') as [string]
    kafkaPort = Number(/^READY (\d+)$/.exec(line)?.[1])
    assert.ok(kafkaPort > 0, `the broker started: ${line}`)
    bootstrap = `127.0.0.1:${kafkaPort}`
    kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'stalled' }, { topic: 'healthy' }] })
    await admin.disconnect()
    healthyProducer = kafka.producer()
    await healthyProducer.connect()
  })

  after(async () => {
    await healthyProducer?.disconnect().catch(() => {})
    if (child.exitCode === null) {
      child.kill('SIGKILL')
      await once(child, 'exit')
    }
    rmSync(dataDir, { recursive: true, force: true })
  })

  async function assertOthersServed (): Promise<void> {
    const value = `healthy-${healthySent++}`
    await healthyProducer.send({ topic: 'healthy', acks: -1, messages: [{ value }] })
    const seen = await consumeAll(bootstrap, 'healthy')
    assert.equal(seen.at(-1)?.payload, value)
    const rss = rssMb(child.pid!)
    assert.ok(rss < RSS_BOUND_MB, `broker RSS ${rss.toFixed(0)} MB is over ${RSS_BOUND_MB} MB`)
  }

  const hostile: PipeliningProducer[] = []

  for (const acks of [-1, 0]) {
    test(`a client pipelining 512 KiB Produce requests with acks=${acks} is no longer read once 32 MiB wait unanswered`, async (t) => {
      const producer = await PipeliningProducer.start(kafkaPort, acks)
      hostile.push(producer)
      // the broker took the bound's worth (it did read this client) ...
      await waitFor(() => producer.accepted >= UNANSWERED_BOUND, `the broker read ${UNANSWERED_BOUND} bytes`)
      for (let round = 0; round < 5; round++) await assertOthersServed()
      t.diagnostic(`read ${(producer.accepted / MIB).toFixed(1)} MiB of ${OFFERED_BYTES / MIB} MiB offered; broker RSS ${rssMb(child.pid!).toFixed(0)} MB`)
      // ... and then stopped: the rest of what it is offered stays with the client
      assert.ok(producer.accepted < ACCEPTED_BOUND, `the broker read ${(producer.accepted / MIB).toFixed(0)} MiB of ${OFFERED_BYTES / MIB} MiB`)
    })
  }

  test('once the disk writes again, every request that was read is written and answered', async () => {
    child.kill('SIGUSR2')
    const withAnswers = at(hostile, 0).socket
    let answered = 0
    withAnswers.on('data', (data: Buffer) => { answered += data.length })
    withAnswers.resume()
    // reading resumes: the client gets answers and the broker takes more of its requests
    const before = at(hostile, 0).accepted
    await waitFor(() => answered > 0 && at(hostile, 0).accepted > before, 'answers arrive and reading resumed')
    for (const producer of hostile) producer.socket.destroy()
    await assertOthersServed()
    const stalled = await consumeAll(bootstrap, 'stalled')
    assert.ok(stalled.length * 512 * 1024 >= UNANSWERED_BOUND, `${stalled.length} records were written`)
    assert.ok(stalled.some(m => m.payload?.startsWith('z') === true) && stalled.some(m => m.payload?.startsWith('a') === true), 'both clients\' records were written')
  })
})
