// GET /api/topics/:name: per-partition offsets, size and segment count straight
// from the log engine, checked against what the Kafka side reports.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaClient, Producer, TopicAdmin } from '../../src/client/index.js'
import { startTributary, type RunningTributary } from '../metrics/tributary-harness.js'

interface PartitionFacts { partition: number, logStartOffset: number, highWatermark: number, lastStableOffset: number, sizeBytes: number, segments: number }
interface TopicFacts { name: string, partitions: PartitionFacts[] }

let t: RunningTributary
let client: KafkaClient

before(async () => {
  t = await startTributary()
  client = await KafkaClient.connect(t.bootstrap)
})
after(async () => {
  client.close()
  await t.close()
})

async function sizesFromLogDirs (topic: string, partitions: number[]): Promise<Map<number, number>> {
  const sizes = new Map<number, number>()
  for (const dir of await new TopicAdmin(client).logDirs(new Map([[topic, partitions]]))) {
    for (const p of dir.partitions) sizes.set(p.partition, (sizes.get(p.partition) ?? 0) + p.sizeBytes)
  }
  return sizes
}

test('200 with exact offsets, size and one segment after a known produce', async () => {
  await new TopicAdmin(client).create('facts', 2)
  await new Producer(client).send('facts', [{ value: 'a', partition: 1 }, { value: 'b', partition: 1 }, { value: 'c', partition: 1 }])
  const response = await fetch(`${t.httpUrl}/api/topics/facts`)
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
  const body = await response.json() as TopicFacts
  const sizes = await sizesFromLogDirs('facts', [0, 1])
  assert.ok((sizes.get(1) ?? 0) > 0)
  assert.deepEqual(body, {
    name: 'facts',
    partitions: [
      { partition: 0, logStartOffset: 0, highWatermark: 0, lastStableOffset: 0, sizeBytes: 0, segments: 1 },
      { partition: 1, logStartOffset: 0, highWatermark: 3, lastStableOffset: 3, sizeBytes: sizes.get(1), segments: 1 }
    ]
  })
})

test('a small segment.bytes rolls the log into several segments', async () => {
  await new TopicAdmin(client).create('rolled', 1, { 'segment.bytes': '1024' })
  const producer = new Producer(client)
  for (let i = 0; i < 6; i++) await producer.send('rolled', [{ value: 'x'.repeat(400) }])
  const body = await (await fetch(`${t.httpUrl}/api/topics/rolled`)).json() as TopicFacts
  assert.equal(body.partitions.length, 1)
  const p = body.partitions[0]!
  assert.equal(p.highWatermark, 6)
  assert.ok(p.segments >= 3, `6 batches of ~470 bytes in 1024-byte segments: ${p.segments} segments`)
  assert.equal(p.sizeBytes, (await sizesFromLogDirs('rolled', [0])).get(0))
})

test('404 with a message for an unknown topic', async () => {
  const response = await fetch(`${t.httpUrl}/api/topics/ghost`)
  assert.equal(response.status, 404)
  assert.deepEqual(await response.json(), { message: 'topic ghost does not exist' })
})
