import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge'
import { startBus, TargetServer } from './harness.js'
import type { LogEngine } from '../../src/bus/storage.js'
import type { LogManager } from '../../src/log/index.js'
import { startInProcess } from '../helpers/in-process-tributary.js'
import { packageVersion } from '../../src/version.js'
import { at } from '../helpers/at.js'

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
  const event = JSON.parse(at(target.received, 0).body)
  assert.equal(event.id, at(answer.Entries ?? [], 0).EventId)
  assert.equal(event['detail-type'], 'Order Created')
  assert.deepEqual(event.detail, { orderId: 'o-1', amount: 42 })
  assert.equal(event.account, '123456789012')
})

test('the product serves GET /health beside the bus routes on one port', async (t) => {
  // The real composition (src/tributary.ts), not the bus harness: the HTTP face owns
  // /health and the bus API answers POST / on the same listener.
  const tributary = await startInProcess({}, { prefix: 'tributary-health-' })
  t.after(tributary.stop)
  const { app, httpUrl: endpoint } = tributary
  const health = await fetch(`${endpoint}/health`)
  assert.equal(health.status, 200)
  const body = await health.json() as Record<string, unknown>
  assert.deepEqual({ ...body, uptimeSeconds: 0 }, { status: 'ok', version: packageVersion, uptimeSeconds: 0, kafkaPort: app.components.broker.port, topics: app.components.log.topics().length })
  assert.equal(typeof body.uptimeSeconds, 'number')
  const buses = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.ListEventBuses' },
    body: '{}'
  })
  assert.equal(buses.status, 200)
  const answer = await buses.json() as { EventBuses: Array<{ Name: string }> }
  assert.ok(answer.EventBuses.some(b => b.Name === 'default'), JSON.stringify(answer))
})
