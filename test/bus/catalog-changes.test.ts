// The catalog's changes are all-or-nothing, and one broken definition does not
// keep the bus from starting (issue 8.1).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  CreateEventBusCommand, DescribeRuleCommand, ListEventBusesCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand,
} from '@aws-sdk/client-eventbridge'
import { FaultyFs, realFs } from '../../src/log/fs.js'
import { captureLog, startBus, TargetServer } from './harness.js'

test('a bus name longer than AWS allows is refused with a ValidationException and leaves nothing behind; 256 characters work', async (t) => {
  const h = await startBus()
  t.after(() => h.close())
  const name = 'n'.repeat(257)
  await assert.rejects(h.client.send(new CreateEventBusCommand({ Name: name })), {
    name: 'ValidationException',
    message: `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 256`,
  })
  assert.deepEqual((await h.client.send(new ListEventBusesCommand({}))).EventBuses!.map(b => b.Name), ['default'])
  await h.restart()
  assert.deepEqual((await h.client.send(new ListEventBusesCommand({}))).EventBuses!.map(b => b.Name), ['default'])
  const plain = 'p'.repeat(245)
  const longest = 'l'.repeat(256)
  for (const n of [plain, longest]) await h.client.send(new CreateEventBusCommand({ Name: n }))
  assert.ok(h.log.topic(`bus.${plain}`), 'a name that fits a topic name keeps its plain topic name')
  assert.ok(h.log.topics().some(tp => tp.name.startsWith('bus.lll') && tp.name.length <= 249), 'a longer one gets a bounded topic name')
  await h.restart()
  const names = (await h.client.send(new ListEventBusesCommand({}))).EventBuses!.map(b => b.Name)
  for (const n of [plain, longest]) assert.ok(names.includes(n), `${n.slice(0, 20)} survives a restart`)
})

test('a bus whose topic cannot be created is answered InternalException and is not kept in memory or on disk', async (t) => {
  const log = captureLog()
  const fs = new FaultyFs(realFs)
  const h = await startBus({ logger: log.logger }, { fs })
  t.after(() => h.close())
  // the log writes the new topic's metadata file next: it fails with EIO
  fs.failNext('writeFileAtomic')
  await assert.rejects(h.client.send(new CreateEventBusCommand({ Name: 'blocked' })), { name: 'InternalException' })
  assert.deepEqual((await h.client.send(new ListEventBusesCommand({}))).EventBuses!.map(b => b.Name), ['default'])
  assert.ok(log.lines.some(l => l.action === 'CreateEventBus' && typeof l.requestId === 'string' && l.level === 50), 'the failure is logged with its action and request id')
  await h.restart()
  assert.deepEqual((await h.client.send(new ListEventBusesCommand({}))).EventBuses!.map(b => b.Name), ['default'])
  await h.client.send(new CreateEventBusCommand({ Name: 'blocked' }))
  assert.ok(h.log.topic('bus.blocked'))
})

test('a bus whose catalog write fails is rolled back with its topic and delivery', async (t) => {
  const fs = new FaultyFs(realFs)
  const h = await startBus({}, { fs })
  t.after(() => h.close())
  // creating the topic writes no data; the next write is the catalog journal's record, and it fails with EIO
  fs.failNext('write')
  await assert.rejects(h.client.send(new CreateEventBusCommand({ Name: 'unsaved' })), { name: 'InternalException' })
  assert.deepEqual((await h.client.send(new ListEventBusesCommand({}))).EventBuses!.map(b => b.Name), ['default'])
  assert.equal(h.log.topic('bus.unsaved'), undefined, 'the topic made for it is gone')
  assert.equal(h.bus.dispatcher('unsaved'), undefined, 'no delivery runs for it')
  await h.client.send(new CreateEventBusCommand({ Name: 'unsaved' }))
  assert.ok(h.bus.dispatcher('unsaved'))
})

test('a rule whose catalog write fails is rolled back: not described, not matched', async (t) => {
  const fs = new FaultyFs(realFs)
  const h = await startBus({}, { fs })
  const target = await new TargetServer().start()
  t.after(async () => { await target.close(); await h.close() })
  await h.client.send(new PutRuleCommand({ Name: 'kept', EventPattern: '{"source":["a"]}' }))
  // Every catalog journal write fails with EIO until cleared (a PutRule writes nothing else).
  fs.failNext('write', 1_000)
  await assert.rejects(h.client.send(new PutRuleCommand({ Name: 'kept', EventPattern: '{"source":["b"]}' })), { name: 'InternalException' })
  await assert.rejects(h.client.send(new PutRuleCommand({ Name: 'new', EventPattern: '{"source":["b"]}' })), { name: 'InternalException' })
  fs.failNext('write', 0)
  assert.equal((await h.client.send(new DescribeRuleCommand({ Name: 'kept' }))).EventPattern, '{"source":["a"]}')
  await assert.rejects(h.client.send(new DescribeRuleCommand({ Name: 'new' })), { name: 'ResourceNotFoundException' })
  // the running matcher went back to the old pattern too: a "b" event matches nothing, an "a" event is delivered
  await h.client.send(new PutTargetsCommand({ Rule: 'kept', Targets: [{ Id: 'hook', Arn: target.url }] }))
  await h.client.send(new PutEventsCommand({ Entries: [{ Source: 'b', DetailType: 't', Detail: '{"n":1}' }, { Source: 'a', DetailType: 't', Detail: '{"n":2}' }] }))
  await target.waitFor(1)
  await h.bus.close()
  assert.equal(target.received.length, 1)
  assert.deepEqual(JSON.parse(target.received[0]!.body).detail, { n: 2 })
  await h.bus.open()
})

test('at start a rule that no longer compiles and a bus whose topic cannot be created are logged and skipped; the rest runs', async (t) => {
  const log = captureLog()
  const fs = new FaultyFs(realFs)
  let armed = false
  // on the restart, the first topic the bus creates (the doomed bus's) cannot be written
  const h = await startBus({ logger: log.logger }, { fs, beforeBusOpen: () => { if (armed) fs.failNext('writeFileAtomic') } })
  const target = await new TargetServer().start()
  t.after(async () => { await target.close(); await h.close() })
  await h.client.send(new CreateEventBusCommand({ Name: 'doomed' }))
  await h.client.send(new PutRuleCommand({ Name: 'good', EventPattern: '{"source":["orders"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'good', Targets: [{ Id: 'hook', Arn: target.url }] }))
  // A definition an older version accepted but this one refuses, saved through the catalog itself.
  const now = Date.now()
  h.bus.catalog.rules.set('default\u0000stale', { name: 'stale', busName: 'default', arn: 'arn:aws:events:us-east-1:123456789012:rule/stale', eventPattern: '{"source":"not-a-list"}', state: 'ENABLED', createdAt: now, targets: [], tags: [] })
  await h.bus.catalog.persist()
  // The doomed bus's topic disappears and cannot be created again.
  await h.log.deleteTopic('bus.doomed')
  armed = true
  await h.restart()
  const skipped = log.lines.filter(l => typeof l.msg === 'string' && l.msg.endsWith('could not be started; skipped'))
  assert.deepEqual(skipped.map(l => [l.kind, l.name]).sort(), [['event bus', 'doomed'], ['rule', 'default/stale']])
  // everything else works: the good rule delivers, the API answers, the skipped definitions are still listed
  await h.client.send(new PutEventsCommand({ Entries: [{ Source: 'orders', DetailType: 't', Detail: '{}' }] }))
  await target.waitFor(1)
  assert.ok((await h.client.send(new ListEventBusesCommand({}))).EventBuses!.some(b => b.Name === 'doomed'))
  assert.equal((await h.client.send(new DescribeRuleCommand({ Name: 'stale' }))).EventPattern, '{"source":"not-a-list"}')
})
