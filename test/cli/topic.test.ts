/* eslint-disable @typescript-eslint/no-explicit-any -- answers read from the CLI's JSON output or decoded untyped from raw frames; tests check them field by field */
// `tributary topic ...` against a real broker, in table and --json form.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { BrokerProcess } from '../helpers/broker-process.js'
import { cliFor, json, runCli, type CliResult } from './cli-process.js'

let broker: BrokerProcess
let cli: ReturnType<typeof cliFor>

before(async () => {
  broker = await BrokerProcess.start()
  cli = cliFor(broker)
})
after(async () => { await broker.cleanup() })

/** Bytes in a partition's segment files, as the file system reports them. */
async function segmentFileBytes (topic: string, partition: number): Promise<number> {
  const dir = join(broker.dataDir, `${topic}-${partition}`)
  let bytes = 0
  for (const name of await readdir(dir)) if (name.endsWith('.log')) bytes += (await stat(join(dir, name))).size
  return bytes
}

/** Segment files (.log) in a partition's directory. */
async function segmentFiles (topic: string, partition: number): Promise<number> {
  return (await readdir(join(broker.dataDir, `${topic}-${partition}`))).filter(name => name.endsWith('.log')).length
}

function ok (result: CliResult): CliResult {
  assert.equal(result.status, 0, `exit ${result.status}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`)
  return result
}

test('create, list and describe a topic, as a table and as JSON', async () => {
  ok(await cli(['topic', 'create', 'orders', '-p', '3', '-c', 'retention.ms=86400000']))
  const table = ok(await cli(['topic', 'list'])).stdout
  assert.match(table, /^NAME\s+PARTITIONS$/m)
  assert.match(table, /^orders\s+3$/m)
  assert.ok(!table.includes('\u001b['), 'no colour codes when stdout is not a terminal')
  const listed = json(ok(await cli(['topic', 'list', '--json'])))
  assert.deepEqual(listed.find((t: any) => t.name === 'orders'), { name: 'orders', partitions: 3, internal: false })

  ok(await cli(['produce', 'orders', '-p', '1', 'a', 'b']))
  const described = json(ok(await cli(['topic', 'describe', 'orders', '--json'])))
  assert.equal(described.partitions.length, 3)
  const size = await segmentFileBytes('orders', 1)
  assert.ok(size > 0)
  assert.deepEqual(described.partitions[1], { partition: 1, leader: described.partitions[1].leader, logStartOffset: 0, highWatermark: 2, lastStableOffset: 2, records: 2, sizeBytes: size, segments: 1 })
  assert.equal(described.partitions[0].sizeBytes, 0)
  assert.equal(described.partitions[0].segments, 1)
  assert.deepEqual(described.configs, { 'retention.ms': '86400000' }, 'only configs that differ from the defaults')
  const text = ok(await cli(['topic', 'describe', 'orders'])).stdout
  assert.match(text, /PARTITION\s+LEADER\s+LOG-START\s+HIGH-WATERMARK\s+RECORDS\s+SIZE\s+SEGMENTS$/m)
  assert.match(text, new RegExp(`^\\s+1\\s+\\d+\\s+0\\s+2\\s+2\\s+${size} B\\s+1$`, 'm'))
  assert.match(text, /^\s+0\s+\d+\s+0\s+0\s+0\s+0 B\s+1$/m)
  assert.match(text, new RegExp(`^size:\\s+${size} B$`, 'm'))
  assert.match(text, /retention\.ms\s+86400000/)
})

test('a topic with a small segment.bytes shows each partition\'s segment count', async () => {
  ok(await cli(['topic', 'create', 'rolled', '-c', 'segment.bytes=1024']))
  for (let i = 0; i < 4; i++) ok(await cli(['produce', 'rolled', '-q', 'x'.repeat(400)]))
  const segments = await segmentFiles('rolled', 0)
  assert.ok(segments >= 2, `4 batches of ~470 bytes in 1024-byte segments: ${segments} files`)
  const described = json(ok(await cli(['topic', 'describe', 'rolled', '--json'])))
  assert.equal(described.partitions[0].segments, segments)
  assert.equal(described.partitions[0].highWatermark, 4)
  const text = ok(await cli(['topic', 'describe', 'rolled'])).stdout
  assert.match(text, new RegExp(`^\\s+0\\s+\\d+\\s+0\\s+4\\s+4\\s+\\S+ \\S+\\s+${segments}$`, 'm'))
})

test('with the HTTP endpoint unreachable, describe still answers, segments unknown', async () => {
  const unreachable = { TRIBUTARY_ENDPOINT: 'http://127.0.0.1:9' }
  const described = json(ok(await cli(['topic', 'describe', 'orders', '--json'], { env: unreachable })))
  assert.equal(described.partitions.length, 3)
  assert.ok(described.partitions.every((p: any) => p.segments === null))
  assert.equal(described.partitions[1].highWatermark, 2)
  const text = ok(await cli(['topic', 'describe', 'orders'], { env: unreachable })).stdout
  assert.match(text, /SIZE\s+SEGMENTS$/m)
  assert.match(text, /^\s+1\s+\d+\s+0\s+2\s+2\s+\S+ B\s+-$/m)
})

test('alter-config sets and removes configs, add-partitions grows the topic', async () => {
  ok(await cli(['topic', 'create', 'configured']))
  ok(await cli(['topic', 'alter-config', 'configured', '--set', 'cleanup.policy=compact', '--set', 'retention.ms=1000']))
  assert.deepEqual(json(ok(await cli(['topic', 'describe', 'configured', '--json']))).configs, { 'cleanup.policy': 'compact', 'retention.ms': '1000' })
  ok(await cli(['topic', 'alter-config', 'configured', '--delete', 'retention.ms']))
  assert.deepEqual(json(ok(await cli(['topic', 'describe', 'configured', '--json']))).configs, { 'cleanup.policy': 'compact' })

  const grown = json(ok(await cli(['topic', 'add-partitions', 'configured', '--num', '2', '--json'])))
  assert.deepEqual(grown, { name: 'configured', partitions: 3, previous: 1 })
  assert.match(ok(await cli(['topic', 'add-partitions', 'configured', '--total', '5'])).stdout, /now has 5 partitions \(was 3\)/)
})

test('trim moves the log start to an offset, delete removes the topic', async () => {
  ok(await cli(['topic', 'create', 'trimmed']))
  ok(await cli(['produce', 'trimmed', '-q', 'r0', 'r1', 'r2', 'r3', 'r4']))
  assert.deepEqual(json(ok(await cli(['topic', 'trim', 'trimmed', '--before', '3', '--json']))), [{ partition: 0, logStartOffset: 3 }])
  const consumed = ok(await cli(['consume', 'trimmed', '-e', '-f', '%o=%v\n'])).stdout
  assert.equal(consumed, '3=r3\n4=r4\n')

  assert.deepEqual(json(ok(await cli(['topic', 'delete', 'trimmed', '--json']))), [{ name: 'trimmed', deleted: true }])
  assert.ok(!json(ok(await cli(['topic', 'list', '--json']))).some((t: any) => t.name === 'trimmed'))
})

test('a missing topic exits 1 saying so; bad arguments exit 2 naming the argument', async () => {
  for (const args of [['topic', 'describe', 'ghost'], ['topic', 'delete', 'ghost'], ['topic', 'alter-config', 'ghost', '--set', 'a=b'], ['topic', 'trim', 'ghost', '--before', '1']]) {
    const result = await cli(args)
    assert.equal(result.status, 1, args.join(' '))
    assert.match(result.stderr, /topic "ghost" does not exist/)
  }
  const exists = await cli(['topic', 'create', 'orders'])
  assert.equal(exists.status, 1)
  assert.match(exists.stderr, /already exists/)

  const badCount = await cli(['topic', 'create', 'x', '-p', 'many'])
  assert.equal(badCount.status, 2)
  assert.match(badCount.stderr, /--partitions/)
  const badBefore = await cli(['topic', 'trim', 'orders', '--before', '@someday'])
  assert.equal(badBefore.status, 2)
  assert.match(badBefore.stderr, /--before/)
  const unknownFlag = await cli(['topic', 'list', '--colour'])
  assert.equal(unknownFlag.status, 2)
  assert.match(unknownFlag.stderr, /--colour/)
})

test('an empty list is [] in JSON', async () => {
  const empty = await BrokerProcess.start()
  try {
    for (const args of [['group', 'list', '--json'], ['bus', 'rules', '--json'], ['bus', 'archives', '--json']]) {
      const result = await cliFor(empty)(args)
      assert.equal(result.status, 0, result.stderr)
      assert.equal(result.stdout, '[]\n', args.join(' '))
    }
  } finally {
    await empty.cleanup()
  }
})

test('with no broker running, the command exits 1 and says what to do', async () => {
  const result = await runCli(['topic', 'list', '--brokers', '127.0.0.1:9'])
  assert.equal(result.status, 1)
  assert.equal(result.stderr.split('\n')[0], 'tributary: no broker at 127.0.0.1:9: is `tributary start` running? (ECONNREFUSED)')
})
