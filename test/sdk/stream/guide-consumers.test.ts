// The guide's example written with the SDK: order.created events published
// once, read by three services (email, analytics, order processing), each in
// its own group and so each receiving every event; the order processors run
// two members that split the partitions and keep each customer's events in
// order. Run on both transports: the embedded broker handed over as
// `{ tributary }`, and the same broker reached as any cluster, `{ brokers }`.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { z } from 'zod'
import { startTributary, createEventStream, type EventStreamOptions, type EmbeddedTributary } from '../../../src/index.js'
import { waitFor } from '../../helpers/wait.js'

const schemas = {
  'order.created': z.object({ orderId: z.string(), customer: z.string(), amount: z.number().positive() })
}

const transports: Array<[string, (t: EmbeddedTributary) => EventStreamOptions<typeof schemas>]> = [
  ['the embedded transport', t => ({ tributary: t, schemas })],
  ['the remote transport', t => ({ brokers: t.brokers, schemas })]
]

for (const [name, connect] of transports) {
  describe(`the guide's three consumers on ${name}`, () => {
    test('each group receives every order, and the order processors keep each customer in order', async () => {
      await using t = await startTributary()
      await using stream = createEventStream(connect(t))
      const emailed: string[] = []
      const analysed: number[] = []
      const processed = new Map<string, string[]>()

      await stream.subscribe('order.created', { group: 'email-service' }, async event => {
        emailed.push(event.data.orderId)
      })
      await stream.subscribe('order.created', { group: 'analytics' }, async event => {
        analysed.push(event.data.amount)
      })
      for (let member = 0; member < 2; member++) {
        await stream.subscribe('order.created', { group: 'order-processors', concurrency: 4 }, async event => {
          const list = processed.get(event.data.customer) ?? []
          list.push(event.data.orderId)
          processed.set(event.data.customer, list)
        })
      }

      const customers = ['ann', 'bob', 'cid', 'dee', 'eve', 'fay']
      const sent: Array<{ orderId: string, customer: string, amount: number }> = []
      for (let i = 0; i < 30; i++) {
        const order = { orderId: `o-${i}`, customer: customers[i % customers.length]!, amount: i + 1 }
        sent.push(order)
        await stream.publish('order.created', order, { key: order.customer })
      }

      const processedCount = (): number => [...processed.values()].reduce((n, list) => n + list.length, 0)
      await waitFor(() => emailed.length >= 30 && analysed.length >= 30 && processedCount() >= 30, 'every group to see 30 orders',
        () => `email ${emailed.length}, analytics ${analysed.length}, processors ${processedCount()}`)

      assert.deepEqual(new Set(emailed), new Set(sent.map(o => o.orderId)))
      assert.equal(analysed.reduce((a, b) => a + b, 0), sent.reduce((a, o) => a + o.amount, 0))
      for (const customer of customers) {
        const expected = sent.filter(o => o.customer === customer).map(o => o.orderId)
        // at-least-once may repeat an event across a rebalance, never reorder a customer's events
        const seen = (processed.get(customer) ?? []).filter((id, i, all) => all.indexOf(id) === i)
        assert.deepEqual(seen, expected, `orders of ${customer} in publish order`)
      }
      assert.equal(t.groups().find(g => g.groupId === 'order-processors')?.members.length, 2)
    })
  })
}
