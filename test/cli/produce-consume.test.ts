/* eslint-disable @typescript-eslint/no-explicit-any -- answers read from the CLI's JSON output or decoded untyped from raw frames; tests check them field by field */
// `tributary produce` and `tributary consume` against a real broker: input forms,
// output forms, and every -o form against records with known timestamps.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BrokerProcess } from '../helpers/broker-process.js'
import { cliFor, json, jsonLines, type CliResult } from './cli-process.js'

let broker: BrokerProcess
let cli: ReturnType<typeof cliFor>
let dir: string

// Ten records, one a minute from 2026-01-01T00:00:00Z.
const base = Date.UTC(2026, 0, 1)
const minute = 60_000

before(async () => {
  broker = await BrokerProcess.start()
  cli = cliFor(broker)
  dir = mkdtempSync(join(tmpdir(), 'tributary-cli-'))
  ok(await cli(['topic', 'create', 'timed']))
  const lines = Array.from({ length: 10 }, (_, i) => JSON.stringify({ key: `k${i}`, value: `v${i}`, timestamp: base + i * minute }))
  ok(await cli(['produce', 'timed', '--jsonl', '-q'], { input: lines.join('\n') + '\n' }))
})
after(async () => {
  await broker.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

function ok (result: CliResult): CliResult {
  assert.equal(result.status, 0, `exit ${result.status}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`)
  return result
}

async function offsetsFor (spec: string, topic = 'timed'): Promise<number[]> {
  return jsonLines(ok(await cli(['consume', topic, '-o', spec, '-e']))).map(r => r.offset)
}

test('produce prints the partition and offset of each record, or a summary with -q', async () => {
  ok(await cli(['topic', 'create', 'plain', '-p', '2']))
  assert.equal(ok(await cli(['produce', 'plain', '-p', '1', 'one', 'two'])).stdout, 'plain/1@0\nplain/1@1\n')
  assert.deepEqual(json(ok(await cli(['produce', 'plain', '-p', '0', 'three', '--json']))), [{ topic: 'plain', partition: 0, offset: 0 }])
  assert.equal(ok(await cli(['produce', 'plain', '-p', '0', '-q'], { input: 'a\nb\nc\n' })).stdout, 'produced 3 records to plain\n')
  assert.deepEqual(json(ok(await cli(['produce', 'plain', '-p', '0', '-q', '--json'], { input: 'd\n' }))), { topic: 'plain', records: 1 })
})

test('keys, headers, tombstones, compression and acks reach the log as given', async () => {
  ok(await cli(['topic', 'create', 'shaped']))
  ok(await cli(['produce', 'shaped', '-k', 'user-1', '-H', 'trace=abc', '-H', 'origin=cli', '-z', 'gzip', '--acks', '1', '-t', String(base), 'hello']))
  ok(await cli(['produce', 'shaped', '-k', 'user-1', '--tombstone', '-z', 'zstd']))
  const file = join(dir, 'records.jsonl')
  writeFileSync(file, JSON.stringify({ key: 'user-2', value: { nested: true }, headers: { h: 'v' } }) + '\n')
  ok(await cli(['produce', 'shaped', '--jsonl', '--file', file, '-z', 'lz4']))
  const records = jsonLines(ok(await cli(['consume', 'shaped', '-e'])))
  assert.deepEqual(records.map(r => ({ key: r.key, value: r.value, headers: r.headers })), [
    { key: 'user-1', value: 'hello', headers: [{ key: 'trace', value: 'abc' }, { key: 'origin', value: 'cli' }] },
    { key: 'user-1', value: null, headers: [] },
    { key: 'user-2', value: '{"nested":true}', headers: [{ key: 'h', value: 'v' }] }
  ])
  assert.equal(records[0].timestamp, base)
})

test('keyed records land on the partition Kafka\'s default partitioner picks', async () => {
  ok(await cli(['topic', 'create', 'keyed', '-p', '6']))
  // murmur2("user-42") & 0x7fffffff % 6, as kafkajs and the Java client compute it.
  const placed = json(ok(await cli(['produce', 'keyed', '-k', 'user-42', 'x', '--json'])))
  const { Partitioners } = await import('kafkajs')
  const expected = Partitioners.DefaultPartitioner()({ topic: 'keyed', partitionMetadata: Array.from({ length: 6 }, (_, i) => ({ partitionId: i, leader: 1 })) as any, message: { key: 'user-42', value: 'x' } })
  assert.equal(placed[0].partition, expected)
})

test('consume formats: JSON Lines by default, -f format strings, --pretty', async () => {
  const first = jsonLines(ok(await cli(['consume', 'timed', '-n', '1'])))
  assert.deepEqual(first, [{ topic: 'timed', partition: 0, offset: 0, timestamp: base, key: 'k0', value: 'v0', headers: [] }])
  assert.equal(ok(await cli(['consume', 'timed', '-o', '1:3', '-f', '%t %p %o %d %k=%v|%h\\n'])).stdout, `timed 0 1 ${base + minute} k1=v1|\ntimed 0 2 ${base + 2 * minute} k2=v2|\n`)
  ok(await cli(['topic', 'create', 'pretty']))
  ok(await cli(['produce', 'pretty', '{"a":{"b":1}}']))
  const pretty = ok(await cli(['consume', 'pretty', '-e', '--pretty'])).stdout
  assert.match(pretty, /\n {2}"value": \{\n {4}"a": \{\n {6}"b": 1/)
  const array = json(ok(await cli(['consume', 'timed', '-o', '8', '-e', '--json'])))
  assert.deepEqual(array.map((r: any) => r.value), ['v8', 'v9'])
  assert.equal(ok(await cli(['consume', 'timed', '-o', 'end', '-e', '--json'])).stdout, '[]\n')
  const bad = await cli(['consume', 'timed', '-f', '%q'])
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /-f/)
})

test('-o offsets: start, end, N, +N, -N, N:M and N:', async () => {
  assert.deepEqual(await offsetsFor('start'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  assert.deepEqual(await offsetsFor('end'), [])
  assert.deepEqual(await offsetsFor('7'), [7, 8, 9])
  assert.deepEqual(await offsetsFor('+8'), [8, 9])
  assert.deepEqual(await offsetsFor('-2'), [8, 9])
  assert.deepEqual(await offsetsFor('2:5'), [2, 3, 4])
  assert.deepEqual(await offsetsFor('6:'), [6, 7, 8, 9])
  assert.deepEqual(jsonLines(ok(await cli(['consume', 'timed', '-o', '3', '-n', '2']))).map(r => r.offset), [3, 4])
})

test('-o times: epoch ms, epoch s, RFC 3339, dates and windows', async () => {
  assert.deepEqual(await offsetsFor(`@${base + 7 * minute}`), [7, 8, 9])
  assert.deepEqual(await offsetsFor(`@${(base + 8 * minute) / 1000}`), [8, 9])
  assert.deepEqual(await offsetsFor('@2026-01-01T00:06:30Z'), [7, 8, 9])
  assert.deepEqual(await offsetsFor('@2026-01-01T01:09:00+01:00'), [9])
  assert.deepEqual(await offsetsFor('@2026-01-01T00:02:00Z:2026-01-01T00:05:00Z'), [2, 3, 4])
  assert.deepEqual(await offsetsFor('@2026-01-01'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  assert.deepEqual(await offsetsFor('@2026-01-02'), [])
  // A window is bounded even without -e.
  assert.deepEqual(jsonLines(ok(await cli(['consume', 'timed', '-o', `@${base + minute}:${base + 3 * minute}`]))).map(r => r.offset), [1, 2])
})

test('-o relative times: @-1h and @-10m: (ten minutes ago until now)', async () => {
  ok(await cli(['topic', 'create', 'recent']))
  const now = Date.now()
  const lines = [now - 3 * 3_600_000, now - 30 * minute, now - 5 * minute].map((timestamp, i) => JSON.stringify({ value: `r${i}`, timestamp }))
  ok(await cli(['produce', 'recent', '--jsonl', '-q'], { input: lines.join('\n') }))
  assert.deepEqual(await offsetsFor('@-1h', 'recent'), [1, 2])
  assert.deepEqual(await offsetsFor('@-10m', 'recent'), [2])
  // No -e: the window "ten minutes ago until now" ends by itself.
  assert.deepEqual(jsonLines(ok(await cli(['consume', 'recent', '-o', '@-4h:']))).map(r => r.value), ['r0', 'r1', 'r2'])
  assert.deepEqual(jsonLines(ok(await cli(['consume', 'recent', '-o', '@-10m:']))).map(r => r.value), ['r2'])
})

test('malformed -o values are usage errors naming -o; a missing topic exits 1', async () => {
  for (const spec of ['@yesterday', 'x', '5:2', '@2026-13-01']) {
    const result = await cli(['consume', 'timed', '-o', spec, '-e'])
    assert.equal(result.status, 2, spec)
    assert.match(result.stderr, /invalid -o:/)
  }
  const missing = await cli(['consume', 'ghost', '-e'])
  assert.equal(missing.status, 1)
  assert.match(missing.stderr, /topic "ghost" does not exist/)
  const badAcks = await cli(['produce', 'timed', '--acks', '2', 'x'])
  assert.equal(badAcks.status, 2)
  assert.match(badAcks.stderr, /--acks/)
})

test('a bad JSON line stops produce with exit 1 after writing the lines before it', async () => {
  ok(await cli(['topic', 'create', 'partial']))
  const result = await cli(['produce', 'partial', '--jsonl', '-q'], { input: '{"value":"a"}\n{"value":"b"}\nnot json\n{"value":"c"}\n' })
  assert.equal(result.status, 1)
  assert.match(result.stderr, /line 3 is not JSON/)
  assert.deepEqual(jsonLines(ok(await cli(['consume', 'partial', '-e']))).map(r => r.value), ['a', 'b'])
})

test('without -e or a bound, consume follows the topic until interrupted', async () => {
  ok(await cli(['topic', 'create', 'followed']))
  ok(await cli(['produce', 'followed', 'first']))
  const result = await cli(['consume', 'followed'], { interruptWhen: '"first"' })
  assert.equal(result.status, 0)
  assert.deepEqual(jsonLines(result).map(r => r.value), ['first'])
})

test('--read-committed skips an aborted transaction that a plain consume shows', async () => {
  ok(await cli(['topic', 'create', 'txn']))
  const { Kafka, logLevel } = await import('kafkajs')
  const kafka = new Kafka({ clientId: 'txn-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  const producer = kafka.producer({ transactionalId: 'cli-txn', idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  try {
    const aborted = await producer.transaction()
    await aborted.send({ topic: 'txn', messages: [{ value: 'aborted' }] })
    await aborted.abort()
    const committed = await producer.transaction()
    await committed.send({ topic: 'txn', messages: [{ value: 'committed' }] })
    await committed.commit()
  } finally {
    await producer.disconnect()
  }
  assert.deepEqual(jsonLines(ok(await cli(['consume', 'txn', '-e']))).map(r => r.value), ['aborted', 'committed'])
  assert.deepEqual(jsonLines(ok(await cli(['consume', 'txn', '-e', '--read-committed']))).map(r => r.value), ['committed'])
})
