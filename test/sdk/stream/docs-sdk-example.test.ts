// The complete example of docs/sdk.md, verbatim except for the import path
// (docs-sdk.test.ts checks that the two stay the same).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { z } from 'zod'
import { startTributary, createEventStream } from '../../../src/index.js'

const OrderCreated = z.object({
  orderId: z.string(),
  customer: z.string(),
  total: z.number().positive()
})

/** Resolves `done` after `n` calls of `tick`. */
function countdown (n: number): { tick: () => void, done: Promise<void> } {
  let release = (): void => {}
  const done = new Promise<void>(resolve => { release = resolve })
  return { tick: () => { if (--n === 0) release() }, done }
}

test('orders reach email, analytics and fulfilment; a failing order is parked', async () => {
  await using t = await startTributary()
  await using stream = createEventStream({ tributary: t, schemas: { 'order.created': OrderCreated } })

  const emails: string[] = []
  const emailed = countdown(3)
  await stream.subscribe('order.created', { group: 'email-service' }, async event => {
    emails.push(`thanks, ${event.data.customer}`) // event.data is typed by the schema
    emailed.tick()
  })

  let revenue = 0
  const counted = countdown(3)
  await stream.subscribe('order.created', { group: 'analytics' }, async event => {
    revenue += event.data.total
    counted.tick()
  })

  const fulfilled: string[] = []
  const shipped = countdown(2)
  const fulfilment = await stream.subscribe('order.created', {
    group: 'fulfilment',
    concurrency: 4, // in parallel across customers, in order for each customer
    retry: { attempts: 3, backoff: { initialMs: 1000 } },
    deadLetter: 'order.created.failed'
  }, async event => {
    if (event.data.orderId === 'o-13') throw new Error('warehouse rejected o-13')
    fulfilled.push(event.data.orderId)
    shipped.tick()
  })
  // the backoff waits on the embedded broker's clock: move it on instead of waiting
  fulfilment.on('retry', () => { t.clock.advance('1m').catch(() => {}) })
  const parked = once(fulfilment, 'dead-letter')

  await stream.publish('order.created', { orderId: 'o-12', customer: 'ann', total: 30 }, { key: 'ann' })
  await stream.publish('order.created', { orderId: 'o-13', customer: 'bob', total: 12 }, { key: 'bob' })
  await stream.publish('order.created', { orderId: 'o-14', customer: 'ann', total: 8 }, { key: 'ann' })
  // an invalid order is refused before anything is written
  await assert.rejects(stream.publish('order.created', { orderId: 'o-15', customer: 'cid', total: -1 }), /total/)

  await Promise.all([emailed.done, counted.done, shipped.done, parked])
  assert.equal(emails.length, 3)
  assert.equal(revenue, 50)
  const [failed] = await t.records('order.created.failed')
  const header = (name: string): string | undefined => failed?.headers.find(h => h.key === name)?.value?.toString()
  assert.equal(header('tributary-dlq-error'), 'Error: warehouse rejected o-13')
  assert.equal(header('tributary-dlq-attempts'), '3')

  assert.deepEqual(fulfilled, ['o-12', 'o-14']) // ann's orders, in order
  await fulfilment.close() // finishes the handlers in flight, commits, leaves the group

  const history: string[] = []
  for await (const event of stream.replay('order.created', { from: 0 })) history.push(event.data.orderId)
  assert.deepEqual(history.sort(), ['o-12', 'o-13', 'o-14'])
})
