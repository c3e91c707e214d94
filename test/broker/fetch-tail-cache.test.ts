// Fetch answered from the tail cache through a real server and real clients, with a cache small enough that
// blocks leave it and their buffers are reused (src/log/tail-cache.ts, src/broker/read-pool.ts): a cached block
// an answer carries goes back to the pool once the socket has taken the answer, and no consumer ever sees bytes
// that were overwritten by a later write.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel, type Producer } from 'kafkajs'
import { tailCachePool } from '../../src/broker/read-pool.js'
import { fetchBatches } from '../helpers/platformatic-fetch.js'
import { startInProcess, type InProcessTributary } from '../helpers/in-process-tributary.js'

const CACHE_BYTES = 128 * 1024
const VALUE_BYTES = 5000

let tributary: InProcessTributary
let bootstrap: string
let producer: Producer

before(async () => {
  tributary = await startInProcess({ fetchTailCacheBytes: CACHE_BYTES }, { prefix: 'trib-fetch-cache-' })
  bootstrap = tributary.bootstrap()
  const kafka = new Kafka({ clientId: 'fetch-cache-test', brokers: [bootstrap], logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic: 'reuse', numPartitions: 1 }, { topic: 'churn', numPartitions: 1 }] })
  await admin.disconnect()
  producer = kafka.producer()
  await producer.connect()
})

after(async () => {
  await producer.disconnect()
  await tributary.stop()
})

/** One acks=all send of `count` values of VALUE_BYTES bytes, each `${tag}:${i}:` padded with its tag's letter. */
async function send (topic: string, tag: string, count: number): Promise<void> {
  const messages = Array.from({ length: count }, (_, i) => ({ value: `${tag}:${i}:`.padEnd(VALUE_BYTES, tag[0]) }))
  await producer.send({ topic, acks: -1, messages })
}

async function readAll (topic: string, from: bigint, until: bigint): Promise<string[]> {
  const values: string[] = []
  for (let offset = from; offset < until;) {
    // an empty answer (the reader caught up with the writer) is fetched again
    const batches = await fetchBatches(bootstrap, topic, 0, offset, 1 << 20)
    for (const b of batches) {
      for (const r of b.records) {
        const at = b.firstOffset + BigInt(r.offsetDelta)
        if (at < offset) continue
        values.push(r.value?.toString() ?? '')
        offset = at + 1n
      }
    }
  }
  return values
}

test('cached blocks a fetch answer carried go back to the pool once the answer is on the socket', async () => {
  // a reader at the tail first: writes to a partition nobody reads near its tail are not cached (partition-log.ts)
  assert.deepEqual(await fetchBatches(bootstrap, 'reuse', 0, 0n, 1 << 20), [])
  // three groups of ~20 KB (each in a pooled 32 KiB buffer) fill most of the 128 KiB cache; a fetch reads all three from it
  for (const tag of ['a', 'b', 'c']) await send('reuse', tag, 4)
  assert.equal((await readAll('reuse', 0n, 12n)).length, 12)
  const idleBefore = tailCachePool.idleBytes
  // three more push the fetched ones out: each one's buffer returns to the pool and the next write takes it
  for (const tag of ['d', 'e', 'f']) await send('reuse', tag, 4)
  assert.ok(tailCachePool.idleBytes > idleBefore, `a fetched block left the cache and went back to the pool (idle ${idleBefore} -> ${tailCachePool.idleBytes})`)
})

test('a consumer reading while writes recycle the cache receives every value intact', async () => {
  const sends = 40
  const writing = (async () => { for (let s = 0; s < sends; s++) await send('churn', `${String.fromCharCode(97 + (s % 26))}${s}`, 3) })()
  const values = await readAll('churn', 0n, BigInt(sends * 3))
  await writing
  const expected = Array.from({ length: sends * 3 }, (_, n) => {
    const tag = `${String.fromCharCode(97 + (Math.floor(n / 3) % 26))}${Math.floor(n / 3)}`
    return `${tag}:${n % 3}:`.padEnd(VALUE_BYTES, tag[0])
  })
  assert.deepEqual(values, expected)
})
