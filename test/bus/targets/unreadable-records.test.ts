// Garbage in a bus topic (written by a Kafka client, or anything else that
// reaches the log) must not stop delivery: the dispatcher sets it aside in the
// bus's dead-letter topic, logs where and why, and delivers what follows (issue 8.3).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge'
import { BatchOffsets, computeBatchCrc, decodeBatch, encodeBatch } from '../../../src/protocol/records/index.js'
import { captureLog, startBus, TargetServer, type BusHarness } from '../harness.js'

/** A batch the log accepts (its CRC is right) whose records are bytes that do not decode. */
function garbageBatch (): Buffer {
  const batch = encodeBatch([{ key: 'k', value: 'a value long enough to overwrite' }])
  batch.fill(0xff, BatchOffsets.records)
  batch.writeUInt32BE(computeBatchCrc(batch, 0, batch.length), BatchOffsets.crc)
  return batch
}

/**
 * Appends straight to the bus's partition through the log engine. The log has
 * refused batches whose records do not parse since produce validation came in;
 * `unchecked` writes one anyway, as a data directory from an older version may
 * hold it (the coordinator's own appends skip that check).
 */
async function appendRaw (h: BusHarness, batch: Buffer, unchecked = false): Promise<void> {
  const partition = h.log.partition('bus.default', 0)!
  await partition.append(batch, unchecked ? { durability: 'fsynced', origin: 'coordinator' } : { durability: 'fsynced' })
}

const entry = (n: number) => ({ Source: 'orders', DetailType: 'Order Created', Detail: JSON.stringify({ n }) })

test('unreadable batches and values that are not events are dead-lettered with their offset and reason, and delivery goes on, also after a restart', async (t) => {
  const log = captureLog()
  const h = await startBus({ logger: log.logger })
  const target = await new TargetServer().start()
  t.after(async () => { await target.close(); await h.close() })
  await h.client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["orders"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'hook', Arn: target.url }] }))

  const garbage = garbageBatch()
  assert.throws(() => decodeBatch(garbage), 'the batch really does not decode')
  await appendRaw(h, garbage, true) // offset 0
  const deep = `{"id":"x","source":"orders","detail-type":"t","detail":${'['.repeat(100_000)}${']'.repeat(100_000)}}`
  await appendRaw(h, encodeBatch([{ key: null, value: 'not json' }, { key: 'k2', value: '{"hello":"world"}' }, { key: null, value: deep }])) // offsets 1-3
  await h.client.send(new PutEventsCommand({ Entries: [entry(1)] })) // offset 4

  await target.waitFor(1)
  assert.deepEqual(JSON.parse(target.received[0]!.body).detail, { n: 1 })
  const dead = await h.readTopic('__bus.dead-letter.default')
  const headers = dead.map(r => Object.fromEntries(r.headers.map(x => [x.key, x.value?.toString()])))
  assert.deepEqual(headers.map(x => [x.SOURCE_TOPIC, x.SOURCE_OFFSET, x.ERROR_CODE]), [
    ['bus.default', '0', 'UnreadableBatch'],
    ['bus.default', '1', 'NotABusEvent'],
    ['bus.default', '2', 'NotABusEvent'],
    ['bus.default', '3', 'NotABusEvent'],
  ])
  assert.deepEqual(dead[0]!.value, garbage, 'the unreadable batch is kept whole')
  assert.equal(dead[1]!.value!.toString(), 'not json')
  assert.equal(dead[2]!.key!.toString(), 'k2')
  assert.match(headers[1]!.ERROR_MESSAGE!, /not JSON/)
  assert.match(headers[3]!.ERROR_MESSAGE!, /nested too deeply/)
  const warnings = log.lines.filter(l => l.level === 40 && l.topic === 'bus.default')
  assert.deepEqual(warnings.map(l => l.offset), [0, 1, 2, 3])
  assert.ok(warnings.every(l => typeof l.reason === 'string' && l.reason !== ''))

  await h.restart()
  await h.client.send(new PutEventsCommand({ Entries: [entry(2)] }))
  await target.waitFor(2)
  assert.deepEqual(JSON.parse(target.received[1]!.body).detail, { n: 2 })
  assert.equal((await h.readTopic('__bus.dead-letter.default')).length, 4, 'what was set aside is not set aside again')
})
