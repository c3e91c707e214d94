/* eslint-disable @typescript-eslint/no-explicit-any -- answers read from the CLI's JSON output or decoded untyped from raw frames; tests check them field by field */
// `tributary consume -g` and `tributary group ...` against a real broker, with a
// kafkajs consumer as the "other application" that holds a group open.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel } from 'kafkajs'
import { BrokerProcess } from '../helpers/broker-process.js'
import { cliFor, json, jsonLines, type CliResult } from './cli-process.js'

let broker: BrokerProcess
let cli: ReturnType<typeof cliFor>
const old = Date.UTC(2026, 0, 1)

before(async () => {
  broker = await BrokerProcess.start()
  cli = cliFor(broker)
  ok(await cli(['topic', 'create', 'work', '-p', '2']))
  ok(await cli(['produce', 'work', '-p', '0', '-q', 'a0', 'a1', 'a2']))
  ok(await cli(['produce', 'work', '-p', '1', '-q', 'b0', 'b1']))
})
after(async () => { await broker.cleanup() })

function ok (result: CliResult): CliResult {
  assert.equal(result.status, 0, `exit ${result.status}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`)
  return result
}

test('consume -g reads as a group member and commits; describe shows committed, end, lag and lag seconds', async () => {
  const read = jsonLines(ok(await cli(['consume', 'work', '-g', 'billing', '-e'])))
  assert.deepEqual(read.map(r => r.value).sort(), ['a0', 'a1', 'a2', 'b0', 'b1'])
  // Two more records on partition 0 with a timestamp far in the past: lag 2, lag seconds from that timestamp.
  ok(await cli(['produce', 'work', '-p', '0', '-t', String(old), '-q', 'a3', 'a4']))
  const described = json(ok(await cli(['group', 'describe', 'billing', '--json'])))
  assert.equal(described.state, 'Empty')
  assert.equal(described.protocolType, 'consumer')
  assert.deepEqual(described.members, [])
  assert.deepEqual(described.offsets.map((o: any) => [o.topic, o.partition, o.committed, o.end, o.lag]), [['work', 0, 3, 5, 2], ['work', 1, 2, 2, 0]])
  const expectedSeconds = (Date.now() - old) / 1000
  assert.ok(Math.abs(described.offsets[0].lagSeconds - expectedSeconds) < 120, `lag seconds ${described.offsets[0].lagSeconds} vs ${expectedSeconds}`)
  assert.equal(described.offsets[1].lagSeconds, 0)
  assert.equal(described.totalLag, 2)

  const table = ok(await cli(['group', 'describe', 'billing'])).stdout
  assert.match(table, /^state:\s+Empty$/m)
  assert.match(table, /^total lag:\s+2$/m)
  assert.match(table, /^work\s+0\s+3\s+5\s+2\s+\d+$/m)

  const listed = json(ok(await cli(['group', 'list', '--json'])))
  assert.deepEqual(listed.find((g: any) => g.groupId === 'billing'), { groupId: 'billing', protocolType: 'consumer', state: 'Empty' })
  assert.match(ok(await cli(['group', 'list'])).stdout, /^billing\s+Empty\s+consumer$/m)

  // The next member of the group starts where the last one committed.
  assert.deepEqual(jsonLines(ok(await cli(['consume', 'work', '-g', 'billing', '-e']))).map(r => r.value), ['a3', 'a4'])
})

test('seek and delete are refused while the group has members; describe shows each member', async () => {
  const kafka = new Kafka({ clientId: 'kafkajs-member', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  const consumer = kafka.consumer({ groupId: 'live', sessionTimeout: 10_000 })
  await consumer.connect()
  await consumer.subscribe({ topic: 'work', fromBeginning: true })
  const joined = new Promise(resolve => consumer.on(consumer.events.GROUP_JOIN, resolve))
  await consumer.run({ eachMessage: async () => {} })
  await joined
  try {
    const described = json(ok(await cli(['group', 'describe', 'live', '--json'])))
    assert.equal(described.state, 'Stable')
    assert.equal(described.members.length, 1)
    assert.equal(described.members[0].clientId, 'kafkajs-member')
    assert.match(described.members[0].host, /127\.0\.0\.1/)
    assert.deepEqual(described.members[0].assignment, { work: [0, 1] })
    assert.match(ok(await cli(['group', 'describe', 'live'])).stdout, /kafkajs-member\s+\S*127\.0\.0\.1\S*\s+work:0,1/)

    const seek = await cli(['group', 'seek', 'live', '--to', 'start', '--topics', 'work'])
    assert.equal(seek.status, 1)
    assert.match(seek.stderr, /group "live" has 1 active member .*stop its consumers before seeking/)
    const deleted = await cli(['group', 'delete', 'live'])
    assert.equal(deleted.status, 1)
    assert.match(deleted.stderr, /has active members/)
  } finally {
    await consumer.disconnect()
  }
})

test('seek moves committed offsets to start, end, an offset or a time', async () => {
  ok(await cli(['topic', 'create', 'seekable']))
  ok(await cli(['produce', 'seekable', '--jsonl', '-q'], { input: [0, 1, 2, 3].map(i => JSON.stringify({ value: `s${i}`, timestamp: old + i * 60_000 })).join('\n') }))
  const committed = async (): Promise<number> => json(ok(await cli(['group', 'describe', 'seeker', '--json']))).offsets[0].committed
  assert.deepEqual(json(ok(await cli(['group', 'seek', 'seeker', '--to', 'end', '--topics', 'seekable', '--json']))), [{ topic: 'seekable', partition: 0, offset: 4 }])
  assert.equal(await committed(), 4)
  ok(await cli(['group', 'seek', 'seeker', '--to', '@2026-01-01T00:02:00Z']))
  assert.equal(await committed(), 2)
  ok(await cli(['group', 'seek', 'seeker', '--to', '1']))
  assert.equal(await committed(), 1)
  assert.match(ok(await cli(['group', 'seek', 'seeker', '--to', 'start'])).stdout, /^seekable\s+0\s+0$/m)
  assert.equal(await committed(), 0)
  assert.deepEqual(jsonLines(ok(await cli(['consume', 'seekable', '-g', 'seeker', '-n', '2']))).map(r => r.value), ['s0', 's1'])
  assert.equal(await committed(), 2)

  const bad = await cli(['group', 'seek', 'seeker', '--to', 'whenever'])
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /invalid --to/)
  const unnamed = await cli(['group', 'seek', 'nobody', '--to', 'start'])
  assert.equal(unnamed.status, 1)
  assert.match(unnamed.stderr, /no committed offsets: name the topics/)
})

test('delete removes an empty group; a missing group exits 1 saying so', async () => {
  ok(await cli(['consume', 'work', '-g', 'doomed', '-n', '1']))
  assert.match(ok(await cli(['group', 'delete', 'doomed'])).stdout, /deleted group "doomed"/)
  for (const args of [['group', 'describe', 'doomed'], ['group', 'delete', 'doomed']]) {
    const result = await cli(args)
    assert.equal(result.status, 1, args.join(' '))
    assert.match(result.stderr, /group "doomed" does not exist/)
  }
})
