// Topic targets are delivered a dispatcher step at a time: all the events of a step bound for one
// topic are one append (one record batch, one fsync wait), in event order, not one append per event.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge'
import { eventually, startBus } from '../harness.js'
import { peekBatchSize } from '../../../src/protocol/records/index.js'

const queue = (n: string): string => `arn:aws:sqs:us-east-1:123456789012:${n}`
const entry = (n: number, type = 'Order Created') => ({ Source: 'orders', DetailType: type, Detail: JSON.stringify({ n }) })

/** How many record batches a one-partition topic holds. */
async function batchesIn (log: { partition: (t: string, p: number) => { read: (o: number, max: number) => Promise<{ chunks: Buffer[] }> } | undefined }, topic: string): Promise<number> {
  const { chunks } = await log.partition(topic, 0)!.read(0, 1 << 20)
  let batches = 0
  for (const chunk of chunks) {
    for (let at = 0, size = peekBatchSize(chunk, 0); size > 0 && at + size <= chunk.length; at += size, size = peekBatchSize(chunk, at)) batches++
  }
  return batches
}

test('the events of one PutEvents call bound for a queue target land in its topic as one record batch, in event order', async (t) => {
  const h = await startBus()
  t.after(() => h.close())
  await h.client.send(new PutRuleCommand({ Name: 'all-orders', EventPattern: '{"source":["orders"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'all-orders', Targets: [{ Id: 'q', Arn: queue('order-queue') }] }))
  const { Entries } = await h.client.send(new PutEventsCommand({ Entries: Array.from({ length: 10 }, (_, n) => entry(n)) }))
  const records = await eventually(async () => { const r = await h.readTopic('order-queue'); return r.length === 10 ? r : undefined })
  assert.deepEqual(records.map(r => JSON.parse(r.value!.toString()).detail.n), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  assert.deepEqual(records.map(r => r.key!.toString()), (Entries ?? []).map(e => e.EventId))
  assert.equal(await batchesIn(h.log, 'order-queue'), 1)
})

test('two rules with queue targets each get their own events of one call, one batch per topic', async (t) => {
  const h = await startBus()
  t.after(() => h.close())
  for (const type of ['Created', 'Paid']) {
    await h.client.send(new PutRuleCommand({ Name: type, EventPattern: JSON.stringify({ 'detail-type': [type] }) }))
    await h.client.send(new PutTargetsCommand({ Rule: type, Targets: [{ Id: 'q', Arn: queue(`q-${type}`) }] }))
  }
  await h.client.send(new PutEventsCommand({ Entries: Array.from({ length: 10 }, (_, n) => entry(n, n % 2 === 0 ? 'Created' : 'Paid')) }))
  const created = await eventually(async () => { const r = await h.readTopic('q-Created'); return r.length === 5 ? r : undefined })
  const paid = await eventually(async () => { const r = await h.readTopic('q-Paid'); return r.length === 5 ? r : undefined })
  assert.deepEqual(created.map(r => JSON.parse(r.value!.toString()).detail.n), [0, 2, 4, 6, 8])
  assert.deepEqual(paid.map(r => JSON.parse(r.value!.toString()).detail.n), [1, 3, 5, 7, 9])
  assert.equal(await batchesIn(h.log, 'q-Created'), 1)
  assert.equal(await batchesIn(h.log, 'q-Paid'), 1)
})
