import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RuleScheduler } from '../../src/bus/scheduler.js'
import type { EventEnvelope, RuleDefinition } from '../../src/bus/model.js'
import { holdEventLoop } from '../helpers/wait.js'

function rule (createdAt: number, state: 'ENABLED' | 'DISABLED' = 'ENABLED'): RuleDefinition {
  return { name: 'tick', busName: 'default', arn: 'arn:aws:events:us-east-1:1:rule/tick', scheduleExpression: 'rate(1 minute)', state, createdAt, targets: [], tags: [] }
}

test('a scheduled rule appends a Scheduled Event addressed to that rule when its time comes', async () => {
  type Fired = { bus: string, event: EventEnvelope, headers: Array<{ key: string, value: string }> }
  let fired!: (value: Fired) => void
  const firing = new Promise<Fired>(resolve => { fired = resolve })
  const scheduler = new RuleScheduler('123456789012', 'us-east-1', async (bus, event, _text, headers) => fired({ bus, event, headers }))
  // Created 59.95 s ago, so the first firing of rate(1 minute) is 50 ms away.
  scheduler.update('k', rule(Date.now() - 59_950))
  // The scheduler's timers do not hold the process open; this one does, for the test.
  const release = holdEventLoop()
  const { bus, event, headers } = await firing
  release()
  scheduler.close()
  assert.equal(bus, 'default')
  assert.equal(event.source, 'aws.events')
  assert.equal(event['detail-type'], 'Scheduled Event')
  assert.deepEqual(event.resources, ['arn:aws:events:us-east-1:1:rule/tick'])
  assert.deepEqual(event.detail, {})
  assert.deepEqual(headers, [{ key: 'tributary-rule', value: 'tick' }])
})

test('a disabled rule is not armed', () => {
  const scheduler = new RuleScheduler('1', 'r', async () => {})
  scheduler.update('k', rule(Date.now(), 'DISABLED'))
  assert.equal(scheduler.nextFireTime('k'), null)
  scheduler.update('k', rule(0))
  assert.ok(scheduler.nextFireTime('k')! > Date.now())
  scheduler.close()
})
