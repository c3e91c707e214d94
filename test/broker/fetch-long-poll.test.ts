// Fetch long polling through a real server and a real client (src/broker/handlers/fetch.ts, src/log/data-waiters.ts):
// a fetch parked on several partitions is answered by the write that lands on any one of them, and a fetch nothing
// arrives for is answered empty once maxWaitMs has passed.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Fetcher, KafkaClient, Producer, TopicAdmin } from '../../src/client/index.js'
import { startInProcess, type InProcessTributary } from '../helpers/in-process-tributary.js'

let tributary: InProcessTributary
let client: KafkaClient

before(async () => {
  tributary = await startInProcess({}, { prefix: 'trib-fetch-long-poll-' })
  client = await KafkaClient.connect(tributary.bootstrap())
  await new TopicAdmin(client).create('parked', 2)
  await new TopicAdmin(client).create('quiet', 1)
})

after(async () => {
  client.close()
  await tributary.stop()
})

/** Resolves once the broker has parked a fetch on each of `partitions` of `topic` (their onData was called). */
function parkedOn (topic: string, partitions: number[]): Promise<void> {
  return new Promise(resolve => {
    const pending = new Set(partitions)
    for (const p of partitions) {
      const log = tributary.app.components.log.partition(topic, p)!
      const real = log.onData.bind(log)
      log.onData = (offset, wake) => {
        const cancel = real(offset, wake)
        pending.delete(p)
        if (pending.size === 0) resolve()
        return cancel
      }
    }
  })
}

test('a fetch parked on two partitions is answered by a write to either of them, long before its maxWaitMs', async () => {
  const parked = parkedOn('parked', [0, 1])
  const answer = new Fetcher(client).fetch([{ topic: 'parked', partition: 0, offset: 0 }, { topic: 'parked', partition: 1, offset: 0 }], { maxWaitMs: 15_000 })
  await parked
  // a second connection: the first one is busy with the parked fetch
  const producerClient = await KafkaClient.connect(tributary.bootstrap())
  try {
    await new Producer(producerClient).send('parked', [{ value: Buffer.from('woke it'), partition: 1 }], { acks: -1 })
  } finally {
    producerClient.close()
  }
  const partitions = await answer
  const woken = partitions.find(p => p.partition === 1)!
  assert.deepEqual(woken.records.map(r => r.value?.toString()), ['woke it'])
  assert.deepEqual(partitions.find(p => p.partition === 0)!.records, [])
})

test('a fetch nothing arrives for is answered empty after its maxWaitMs', async () => {
  const [quiet] = await new Fetcher(client).fetch([{ topic: 'quiet', partition: 0, offset: 0 }], { maxWaitMs: 50 })
  assert.equal(quiet?.errorCode, 0)
  assert.deepEqual(quiet?.records, [])
})
