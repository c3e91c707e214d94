// The console's topic, message-browser and republish endpoints against a whole
// Tributary on loopback: changes go through the broker (a Kafka client sees
// them), pages of the browser add up to the topic exactly once, in time order.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaClient, Producer, TopicAdmin } from '../../../src/client/index.js'
import { startTributary, type RunningTributary } from '../../metrics/tributary-harness.js'

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

const call = async (method: string, path: string, body?: unknown): ReturnType<RunningTributary['call']> => await t.call(method, path, body)

interface Shown { partition: number, offset: number, timestamp: number, key: { text: string }, value: { encoding: string, text: string, size: number, truncated: boolean } }

test('a topic created, altered, grown and deleted in the console is seen by a Kafka client', async () => {
  const created = await call('POST', '/api/console/topics', { name: 'console-orders', partitions: 2, configs: { 'retention.ms': '3600000' } })
  assert.equal(created.status, 201)
  const metadata = await client.metadata(['console-orders'])
  assert.equal(metadata.topics[0]?.partitions.length, 2)

  const again = await call('POST', '/api/console/topics', { name: 'console-orders', partitions: 2 })
  assert.equal(again.status, 409)
  assert.match(again.json.message, /TOPIC_ALREADY_EXISTS/)

  const altered = await call('PATCH', '/api/console/topics/console-orders/configs', { set: { 'retention.ms': '7200000' } })
  assert.equal(altered.status, 200)
  const configs = await new TopicAdmin(client).describeConfigs('console-orders')
  assert.equal(configs.find(c => c.name === 'retention.ms')?.value, '7200000')

  assert.equal((await call('POST', '/api/console/topics/console-orders/partitions', { total: 3 })).status, 200)
  const list = await call('GET', '/api/console/topics')
  const row = list.json.find((r: { name: string }) => r.name === 'console-orders')
  assert.equal(row.partitions, 3)
  assert.equal(row.retentionMs, 7200000)

  assert.equal((await call('DELETE', '/api/console/topics/console-orders')).status, 200)
  assert.equal((await client.metadata(['console-orders'])).topics[0]?.errorCode, 3, 'UNKNOWN_TOPIC_OR_PARTITION once deleted')
})

test('bad topic input is answered 400 with a message, and nothing is created', async () => {
  const bad = await call('POST', '/api/console/topics', { name: 'console-bad', partitions: 'two' })
  assert.equal(bad.status, 400)
  assert.match(bad.json.message, /partitions must be an integer/)
  assert.equal((await client.metadata(['console-bad'])).topics[0]?.errorCode, 3)
  const invalidName = await call('POST', '/api/console/topics', { name: 'no/slashes', partitions: 1 })
  assert.equal(invalidName.status, 400)
})

test('pages of the browser add up to every record once, in timestamp order, and a timestamp seek starts there', async () => {
  await new TopicAdmin(client).create('console-browse', 3)
  const producer = new Producer(client)
  const base = Date.now() - 100_000
  // 150 records spread over 3 partitions, timestamps interleaved across them
  for (let i = 0; i < 150; i += 10) {
    await producer.send('console-browse', Array.from({ length: 10 }, (_, j) => ({
      partition: (i + j) % 3, key: `k${i + j}`, value: JSON.stringify({ n: i + j, kind: (i + j) % 2 === 0 ? 'even' : 'odd' }), timestamp: base + (i + j) * 100
    })))
  }
  const seen: Shown[] = []
  let cursor = ''
  for (let page = 0; page < 20; page++) {
    const { status, json } = await call('GET', `/api/console/topics/console-browse/messages?limit=40${cursor === '' ? '' : `&cursor=${cursor}`}`)
    assert.equal(status, 200)
    seen.push(...json.records)
    cursor = json.cursor
    if (json.atEnd === true && json.records.length === 0) break
  }
  assert.equal(seen.length, 150)
  assert.deepEqual(seen.map(r => JSON.parse(r.value.text).n), Array.from({ length: 150 }, (_, i) => i))

  const fromTime = await call('GET', `/api/console/topics/console-browse/messages?from=timestamp&timestamp=${new Date(base + 12_000).toISOString()}&limit=5`)
  assert.deepEqual(fromTime.json.records.map((r: Shown) => JSON.parse(r.value.text).n), [120, 121, 122, 123, 124])

  const until = await call('GET', `/api/console/topics/console-browse/messages?from=timestamp&timestamp=${base + 14_000}&until=${base + 14_200}&limit=50`)
  assert.deepEqual(until.json.records.map((r: Shown) => JSON.parse(r.value.text).n), [140, 141, 142])

  const byPattern = await call('GET', `/api/console/topics/console-browse/messages?limit=3&pattern=${encodeURIComponent('{"kind":["odd"],"n":[{"numeric":[">",100]}]}')}`)
  assert.deepEqual(byPattern.json.records.map((r: Shown) => JSON.parse(r.value.text).n), [101, 103, 105])

  const byText = await call('GET', '/api/console/topics/console-browse/messages?limit=50&text=k14')
  assert.deepEqual(byText.json.records.map((r: Shown) => r.key.text).sort(), ['k14', 'k140', 'k141', 'k142', 'k143', 'k144', 'k145', 'k146', 'k147', 'k148', 'k149'])

  const onePartition = await call('GET', '/api/console/topics/console-browse/messages?partition=1&from=offset&offset=10&limit=2')
  assert.deepEqual(onePartition.json.records.map((r: Shown) => [r.partition, r.offset]), [[1, 10], [1, 11]])
})

test('a page is filled over several fetches when partitions hold more bytes than one fetch brings, still in time order', async () => {
  await new TopicAdmin(client).create('console-wide', 2)
  const producer = new Producer(client)
  const base = Date.now() - 100_000
  for (let i = 0; i < 120; i += 20) {
    await producer.send('console-wide', Array.from({ length: 20 }, (_, j) => ({ partition: (i + j) % 2, value: JSON.stringify({ n: i + j, pad: 'p'.repeat(10_000) }), timestamp: base + i + j })))
  }
  const first = await call('GET', '/api/console/topics/console-wide/messages?limit=50')
  assert.equal(first.json.records.length, 50, 'a full page although one fetch brings about 6 records per partition')
  const second = await call('GET', `/api/console/topics/console-wide/messages?limit=100&cursor=${first.json.cursor}`)
  const all = [...first.json.records, ...second.json.records].map((r: Shown) => JSON.parse(r.value.text).n)
  assert.deepEqual(all, Array.from({ length: 120 }, (_, i) => i))
})

test('malformed browser input is a 400 that names the parameter', async () => {
  await new TopicAdmin(client).create('console-bad-input', 1)
  const cases: Array<[string, RegExp]> = [
    ['from=offset&offset=abc', /offset must be an integer/],
    ['from=timestamp&timestamp=yesterday', /timestamp must be an ISO 8601/],
    ['from=ago&ago=15 minutes', /ago must be a duration/],
    ['pattern=' + encodeURIComponent('{"a":"not-a-list"}'), /pattern/],
    ['cursor=%%%', /cursor/],
    ['limit=100000', /limit must be at most 500/]
  ]
  for (const [query, message] of cases) {
    const { status, json } = await call('GET', `/api/console/topics/console-bad-input/messages?${query}`)
    assert.equal(status, 400, query)
    assert.match(json.message, message, query)
  }
  assert.equal((await call('GET', '/api/console/topics/console-missing/messages')).status, 400)
})

test('binary values come back as hex, a 1 MB value truncated, and republish copies a record to another topic', async () => {
  const admin = new TopicAdmin(client)
  await admin.create('console-raw', 1)
  await admin.create('console-raw-copy', 1)
  const producer = new Producer(client)
  await producer.send('console-raw', [{ value: Buffer.from([0, 1, 2, 255]) }])
  await producer.send('console-raw', [{ key: 'big', value: 'x'.repeat(1_000_000), headers: [{ key: 'h', value: 'v' }] }])
  const { json } = await call('GET', '/api/console/topics/console-raw/messages')
  const [binary, big] = json.records as Shown[]
  assert.deepEqual(binary?.value, { encoding: 'hex', text: '000102ff', size: 4, truncated: false })
  assert.equal(big?.value.truncated, true)
  assert.equal(big?.value.size, 1_000_000)
  assert.equal(big?.value.text.length, 64 * 1024)

  const republished = await call('POST', '/api/console/topics/console-raw/republish', { partition: 0, offset: 1, toTopic: 'console-raw-copy' })
  assert.equal(republished.status, 200)
  const copy = await call('GET', '/api/console/topics/console-raw-copy/messages')
  assert.equal(copy.json.records.length, 1)
  assert.equal(copy.json.records[0].key.text, 'big')
  assert.equal(copy.json.records[0].value.size, 1_000_000)
  assert.equal((await call('POST', '/api/console/topics/console-raw/republish', { partition: 0, offset: 99 })).status, 400)
})
