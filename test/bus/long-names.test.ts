// Long bus names through the real HTTP API: before the delivery cursors moved
// into a journal, a bus of 246-250 characters never saved its cursor (its file
// name passed 255 bytes), so every event was delivered again after a restart,
// and DeleteEventBus answered 500.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CreateEventBusCommand, DeleteEventBusCommand, ListEventBusesCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand, DeleteRuleCommand } from '@aws-sdk/client-eventbridge'
import { eventually, startBus, TargetServer } from './harness.js'

test('a bus with a 250-character name keeps its delivery cursor across a restart and can be deleted', async (t) => {
  const h = await startBus()
  const target = await new TargetServer().start()
  t.after(async () => { await target.close(); await h.close() })
  const name = `long-${'n'.repeat(245)}`
  assert.equal(name.length, 250)
  await h.client.send(new CreateEventBusCommand({ Name: name }))
  await h.client.send(new PutRuleCommand({ Name: 'r', EventBusName: name, EventPattern: '{"source":["orders"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'r', EventBusName: name, Targets: [{ Id: 'hook', Arn: target.url }] }))
  await h.client.send(new PutEventsCommand({ Entries: [{ EventBusName: name, Source: 'orders', DetailType: 'x', Detail: '{}' }] }))
  await target.waitFor(1)
  await eventually(() => h.bus.dispatcher(name)!.committedOffset === 1 || undefined)
  await h.restart()
  assert.equal(h.bus.dispatcher(name)!.committedOffset, 1, 'the cursor survived the restart')
  await h.client.send(new PutEventsCommand({ Entries: [{ EventBusName: name, Source: 'orders', DetailType: 'y', Detail: '{}' }] }))
  await target.waitFor(2)
  assert.equal(target.received.length, 2, 'the first event was not delivered again')
  await h.client.send(new RemoveTargetsCommand({ Rule: 'r', EventBusName: name, Ids: ['hook'] }))
  await h.client.send(new DeleteRuleCommand({ Name: 'r', EventBusName: name }))
  await h.client.send(new DeleteEventBusCommand({ Name: name }))
  await h.restart()
  const { EventBuses } = await h.client.send(new ListEventBusesCommand({}))
  assert.deepEqual(EventBuses!.map(b => b.Name), ['default'])
})
