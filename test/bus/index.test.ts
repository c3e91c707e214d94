import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge'
import { startBus, TargetServer } from './harness.js'
import type { LogEngine } from '../../src/bus/storage.js'
import type { LogManager } from '../../src/log/index.js'

/** Compile-time check: the real LogManager is what the bus's storage interface describes. */
export const logManagerIsALogEngine = (log: LogManager): LogEngine => log

test('the issue snippet: an Order Created event reaches an HTTP target through a rule', async (t) => {
  const h = await startBus()
  const target = await new TargetServer().start()
  t.after(async () => { await target.close(); await h.close() })
  await h.client.send(new PutRuleCommand({ Name: 'orders', EventPattern: JSON.stringify({ source: ['order-service'], 'detail-type': ['Order Created'] }) }))
  await h.client.send(new PutTargetsCommand({ Rule: 'orders', Targets: [{ Id: 'fn', Arn: `${target.url}/hook` }] }))
  const answer = await h.client.send(new PutEventsCommand({
    Entries: [{ Source: 'order-service', DetailType: 'Order Created', Detail: JSON.stringify({ orderId: 'o-1', amount: 42 }) }],
  }))
  assert.equal(answer.FailedEntryCount, 0)
  await target.waitFor(1)
  const event = JSON.parse(target.received[0].body)
  assert.equal(event.id, answer.Entries![0].EventId)
  assert.equal(event['detail-type'], 'Order Created')
  assert.deepEqual(event.detail, { orderId: 'o-1', amount: 42 })
  assert.equal(event.account, '123456789012')
})

test('the bus routes leave GET /health to the HTTP server', async (t) => {
  const h = await startBus()
  t.after(() => h.close())
  const response = await fetch(`${h.endpoint}/health`)
  assert.equal(response.status, 200)
  assert.deepEqual(await response.json(), { status: 'ok' })
})
