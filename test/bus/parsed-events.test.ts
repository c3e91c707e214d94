// The events the bus parsed on their way in, kept by offset for their dispatcher: each is taken once,
// the store stays bounded, and a deleted bus's events go with it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge'
import { ParsedEvents, type ParsedEvent } from '../../src/bus/parsed-events.js'
import type { EventEnvelope } from '../../src/bus/model.js'
import { eventually, startBus } from './harness.js'

const parsed = (id: string): ParsedEvent => {
  const event = { version: '0', id, 'detail-type': 't', source: 's', account: '1', time: '2026-12-03T00:00:00Z', region: 'r', resources: [], detail: {} } as EventEnvelope
  return { event, text: JSON.stringify(event) }
}

test('an event kept at its offset is taken once, and an offset not kept answers undefined', () => {
  const store = new ParsedEvents()
  store.remember('bus.default', 10, [parsed('a'), undefined, parsed('c')])
  assert.equal(store.take('bus.default', 10)?.event.id, 'a')
  assert.equal(store.take('bus.default', 10), undefined, 'taken already')
  assert.equal(store.take('bus.default', 11), undefined, 'an event written without its parsed form')
  assert.equal(store.take('bus.other', 12), undefined, 'another topic')
  assert.equal(store.take('bus.default', 12)?.event.id, 'c')
})

test('past its bound the oldest kept events go first', () => {
  const store = new ParsedEvents(3)
  store.remember('bus.default', 0, [parsed('0'), parsed('1')])
  store.remember('bus.default', 2, [parsed('2'), parsed('3')])
  assert.equal(store.take('bus.default', 0), undefined)
  assert.deepEqual([1, 2, 3].map(o => store.take('bus.default', o)?.event.id), ['1', '2', '3'])
})

test('with its dispatcher far behind, the store keeps the newest events, across buses, and never more than its bound', () => {
  const store = new ParsedEvents(100)
  for (let offset = 0; offset < 50_000; offset += 10) {
    store.remember('bus.default', offset, Array.from({ length: 10 }, (_, i) => parsed(`d${offset + i}`)))
    store.remember('bus.other', offset, [parsed(`o${offset}`)])
    assert.ok(store.size <= 100)
    // the other bus's dispatcher keeps up
    assert.equal(store.take('bus.other', offset)?.event.id, `o${offset}`)
  }
  // the bound counts the last 100 remembered: the last 9 rounds of 11 and the other bus's event before them
  assert.equal(store.size, 90)
  assert.equal(store.take('bus.default', 49_909), undefined, 'evicted')
  assert.equal(store.take('bus.default', 49_910)?.event.id, 'd49910')
  assert.equal(store.take('bus.default', 49_999)?.event.id, 'd49999')
  store.forget('bus.default')
  assert.equal(store.size, 0)
  store.remember('bus.default', 50_000, [parsed('again')])
  assert.equal(store.size, 1, 'slots that pointed at the forgotten bus evict nothing')
})

test('a deleted bus\'s kept events are forgotten', () => {
  const store = new ParsedEvents()
  store.remember('bus.gone', 0, [parsed('x')])
  store.forget('bus.gone')
  assert.equal(store.take('bus.gone', 0), undefined)
})

test('events PutEvents accepted are delivered as they were sent, whether their dispatcher took them parsed or parsed them again after a restart', async (t) => {
  const h = await startBus()
  t.after(() => h.close())
  await h.client.send(new PutRuleCommand({ Name: 'all', EventPattern: '{"source":["orders"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'all', Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:123456789012:orders-queue' }] }))
  const detail = '{"n": 1, "price": 19.990}'
  const { Entries } = await h.client.send(new PutEventsCommand({ Entries: [{ Source: 'orders', DetailType: 'Created', Detail: detail }] }))
  const first = await eventually(async () => { const r = await h.readTopic('orders-queue'); return r.length === 1 ? r[0] : undefined })
  assert.equal(first!.key!.toString(), Entries?.[0]?.EventId)
  assert.ok(first!.value!.toString().endsWith(`"detail":${detail}}`), 'the Detail text as sent')
  await h.restart()
  await h.client.send(new PutEventsCommand({ Entries: [{ Source: 'orders', DetailType: 'Created', Detail: detail }] }))
  const second = await eventually(async () => { const r = await h.readTopic('orders-queue'); return r.length === 2 ? r[1] : undefined })
  assert.ok(second!.value!.toString().endsWith(`"detail":${detail}}`))
})
