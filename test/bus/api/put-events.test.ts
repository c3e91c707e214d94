import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { CreateEventBusCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge'
import { startBus, type BusHarness } from '../harness.js'
import { at } from '../../helpers/at.js'

let h: BusHarness
before(async () => { h = await startBus({ maxEntryBytes: 1024 }) })
after(async () => { await h.close() })

test('accepted events are in topic bus.default, keyed by event id, as the envelope JSON', async () => {
  const answer = await h.client.send(new PutEventsCommand({
    Entries: [{ Source: 'order-service', DetailType: 'Order Created', Detail: '{"orderId":"o-7"}', Resources: ['arn:x'], Time: new Date('2024-05-01T10:20:30.456Z') }],
  }))
  assert.equal(answer.FailedEntryCount, 0)
  const id = at(answer.Entries ?? [], 0).EventId!
  const records = await h.readTopic('bus.default')
  const record = records.find(r => r.key?.toString() === id)
  assert.ok(record)
  assert.deepEqual(JSON.parse(record.value!.toString()), {
    version: '0',
    id,
    'detail-type': 'Order Created',
    source: 'order-service',
    account: '123456789012',
    time: '2024-05-01T10:20:30Z',
    region: 'us-east-1',
    resources: ['arn:x'],
    detail: { orderId: 'o-7' },
  })
})

test('Time defaults to now, to the second', async () => {
  const before = Math.floor(Date.now() / 1000) * 1000
  const answer = await h.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }))
  const record = (await h.readTopic('bus.default')).find(r => r.key?.toString() === at(answer.Entries ?? [], 0).EventId)!
  const time = Date.parse(JSON.parse(record.value!.toString()).time)
  assert.ok(time >= before && time <= Date.now())
})

test('a bad entry fails alone and the answer stays aligned with the request', async () => {
  const answer = await h.client.send(new PutEventsCommand({
    Entries: [
      { Source: 's', DetailType: 'd', Detail: '{"a":1}' },
      { DetailType: 'd', Detail: '{}' },
      { Source: 's', DetailType: 'd', Detail: '[1,2]' },
      { Source: 's', Detail: '{}' },
      { Source: 's', DetailType: 'd', Detail: 'not json' },
    ],
  }))
  assert.equal(answer.FailedEntryCount, 4)
  const entries = answer.Entries!
  assert.match(at(entries, 0).EventId!, /^[0-9a-f-]{36}$/)
  assert.deepEqual(entries.slice(1).map(e => e.ErrorCode), ['InvalidArgument', 'MalformedDetail', 'InvalidArgument', 'MalformedDetail'])
  assert.equal(at(entries, 1).ErrorMessage, 'Parameter Source is not valid. Reason: Source is a required argument.')
  assert.equal(at(entries, 3).ErrorMessage, 'Parameter DetailType is not valid. Reason: DetailType is a required argument.')
})

test('entries go to the bus named by EventBusName or its ARN', async () => {
  await h.client.send(new CreateEventBusCommand({ Name: 'orders' }))
  const answer = await h.client.send(new PutEventsCommand({
    Entries: [
      { Source: 's', DetailType: 'd', Detail: '{}', EventBusName: 'orders' },
      { Source: 's', DetailType: 'd', Detail: '{}', EventBusName: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' },
    ],
  }))
  assert.equal(answer.FailedEntryCount, 0)
  const keys = (await h.readTopic('bus.orders')).map(r => r.key?.toString())
  assert.deepEqual(keys, answer.Entries!.map(e => e.EventId))
})

test('more than 10 entries, or none, is a ValidationException naming entries', async () => {
  const entry = { Source: 's', DetailType: 'd', Detail: '{}' }
  await assert.rejects(h.client.send(new PutEventsCommand({ Entries: Array(11).fill(entry) })), {
    name: 'ValidationException', message: /^1 validation error detected: Value '.*' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10$/,
  })
  await assert.rejects(h.client.send(new PutEventsCommand({ Entries: [] })), { name: 'ValidationException', message: /at 'entries' .*greater than or equal to 1/ })
})

test('entries over the configured size limit are refused', async () => {
  await assert.rejects(
    h.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: JSON.stringify({ pad: 'x'.repeat(1100) }) }] })),
    { name: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' })
})
