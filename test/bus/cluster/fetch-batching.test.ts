// Under load the bus tier's reads let a batch build (src/bus/cluster/kafka-log.ts):
// a Fetch that brought a small batch is followed by the next only after
// batchWaitMs, so what arrives meanwhile comes in one Fetch; idle, or after a
// full batch, the next Fetch goes at once. The pause runs on a frozen test clock,
// so each test decides when it ends and waits for no real time.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { defaultConfig } from '../../../src/config.js'
import { Tributary } from '../../../src/tributary.js'
import { FULL_FETCH_BYTES, KafkaLogEngine } from '../../../src/bus/cluster/kafka-log.js'
import { BusStorage } from '../../../src/bus/storage.js'
import { encodeBatch } from '../../../src/protocol/records/index.js'
import { ControllableClock } from '../../../src/sdk/clock.js'

let dataDir: string
let app: Tributary
let bootstrap: string

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'trib-bus-fetch-batching-'))
  app = new Tributary({ ...defaultConfig, topicDefaults: {}, dataDir, kafkaPort: 0, httpPort: 0, groupInitialRebalanceDelayMs: 0 }, pino({ level: 'silent' }))
  await app.start()
  bootstrap = `127.0.0.1:${[...app.components.broker.ports.values()][0]!}`
})

after(async () => {
  await app.stop()
  await rm(dataDir, { recursive: true, force: true })
})

/** An engine whose batch-building pause runs on a frozen clock, and one one-partition topic on it. */
async function setUp (t: { after: (fn: () => void) => void }, prefix: string): Promise<{ clock: ControllableClock, storage: BusStorage, append: (value: string) => Promise<void> }> {
  const clock = new ControllableClock({ frozen: true })
  const engine = new KafkaLogEngine({ bootstrap, topicPrefix: prefix, clock, batchWaitMs: 5 })
  t.after(() => engine.close())
  await engine.open()
  const storage = new BusStorage(engine)
  await storage.ensureTopic('events', undefined, 1)
  const partition = engine.partition('events', 0)!
  return { clock, storage, append: async value => { await partition.append(encodeBatch([{ key: null, value }]), { durability: 'fsynced' }) } }
}

test('after a small batch the next fetch waits for the pause and brings everything that arrived meanwhile in one batch', async (t) => {
  const { clock, storage, append } = await setUp(t, 'batching1.')
  await append('e0')
  assert.deepEqual((await storage.read('events', 0)).records.map(r => r.value?.toString()), ['e0'])
  // The reader starts waiting for offset 1 (the pause is armed at once), then three events arrive one by one.
  const waiting = storage.waitForData('events', 1, new AbortController().signal)
  for (const value of ['e1', 'e2', 'e3']) await append(value)
  await clock.advance(5)
  await waiting
  // One Fetch brought all three (without the pause, a long poll answered e1 alone).
  assert.deepEqual((await storage.read('events', 1)).records.map(r => r.value?.toString()), ['e1', 'e2', 'e3'])
})

test('an idle reader is answered the first new event at once, with no pause', async (t) => {
  const { clock, storage, append } = await setUp(t, 'batching2.')
  const waiting = storage.waitForData('events', 0, new AbortController().signal)
  await append('first')
  await waiting
  assert.equal(clock.pendingTimers, 0)
  assert.deepEqual((await storage.read('events', 0)).records.map(r => r.value?.toString()), ['first'])
})

test('after a full batch the next fetch goes at once', async (t) => {
  const { clock, storage, append } = await setUp(t, 'batching3.')
  await append('x'.repeat(FULL_FETCH_BYTES + 1024))
  assert.equal((await storage.read('events', 0)).records.length, 1)
  const waiting = storage.waitForData('events', 1, new AbortController().signal)
  await append('next')
  await waiting
  assert.equal(clock.pendingTimers, 0)
  assert.deepEqual((await storage.read('events', 1)).records.map(r => r.value?.toString()), ['next'])
})
