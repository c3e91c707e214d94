import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { CreateEventBusCommand, DeleteEventBusCommand, DescribeEventBusCommand, ListEventBusesCommand, PutRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge'
import { startBus, type BusHarness } from '../harness.js'

let h: BusHarness
before(async () => { h = await startBus() })
after(async () => { await h.close() })

test('the default bus always exists', async () => {
  const bus = await h.client.send(new DescribeEventBusCommand({}))
  assert.equal(bus.Name, 'default')
  assert.equal(bus.Arn, 'arn:aws:events:us-east-1:123456789012:event-bus/default')
  assert.ok(bus.CreationTime instanceof Date)
})

test('a created bus is described, listed, gets its topic, and is gone once deleted', async () => {
  const created = await h.client.send(new CreateEventBusCommand({ Name: 'payments', Description: 'money' }))
  assert.equal(created.EventBusArn, 'arn:aws:events:us-east-1:123456789012:event-bus/payments')
  assert.equal((await h.client.send(new DescribeEventBusCommand({ Name: 'payments' }))).Description, 'money')
  assert.ok(h.log.topic('bus.payments'))
  const list = await h.client.send(new ListEventBusesCommand({ NamePrefix: 'pay' }))
  assert.deepEqual(list.EventBuses!.map(b => b.Name), ['payments'])
  await h.client.send(new DeleteEventBusCommand({ Name: 'payments' }))
  await assert.rejects(h.client.send(new DescribeEventBusCommand({ Name: 'payments' })), { name: 'ResourceNotFoundException', message: 'Event bus payments does not exist.' })
  assert.equal(h.log.topic('bus.payments'), undefined)
})

test('creating a bus twice is ResourceAlreadyExistsException', async () => {
  await h.client.send(new CreateEventBusCommand({ Name: 'twice' }))
  await assert.rejects(h.client.send(new CreateEventBusCommand({ Name: 'twice' })), { name: 'ResourceAlreadyExistsException', message: 'Event bus twice already exists.' })
})

test('the default bus cannot be deleted', async () => {
  await assert.rejects(h.client.send(new DeleteEventBusCommand({ Name: 'default' })), { name: 'ValidationException' })
})

test('a bad bus name is refused naming the field and the pattern', async () => {
  await assert.rejects(h.client.send(new CreateEventBusCommand({ Name: 'bad name' })), {
    name: 'ValidationException',
    message: "1 validation error detected: Value 'bad name' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+",
  })
})

test('deleting a bus deletes its rules', async () => {
  await h.client.send(new CreateEventBusCommand({ Name: 'short-lived' }))
  await h.client.send(new PutRuleCommand({ Name: 'r', EventBusName: 'short-lived', EventPattern: '{"source":["a"]}' }))
  await h.client.send(new DeleteEventBusCommand({ Name: 'short-lived' }))
  await h.client.send(new CreateEventBusCommand({ Name: 'short-lived' }))
  const answer = await h.client.send(new PutEventsCommand({ Entries: [{ Source: 'a', DetailType: 'd', Detail: '{}', EventBusName: 'short-lived' }] }))
  assert.equal(answer.FailedEntryCount, 0)
  assert.equal(h.bus.catalog.rule('short-lived', 'r'), undefined)
})

test('ListEventBuses pages with Limit and NextToken', async () => {
  for (const n of ['page-a', 'page-b', 'page-c']) await h.client.send(new CreateEventBusCommand({ Name: n }))
  const first = await h.client.send(new ListEventBusesCommand({ NamePrefix: 'page-', Limit: 2 }))
  assert.deepEqual(first.EventBuses!.map(b => b.Name), ['page-a', 'page-b'])
  const second = await h.client.send(new ListEventBusesCommand({ NamePrefix: 'page-', Limit: 2, NextToken: first.NextToken }))
  assert.deepEqual(second.EventBuses!.map(b => b.Name), ['page-c'])
  assert.equal(second.NextToken, undefined)
})

test('buses survive a restart', async () => {
  await h.client.send(new CreateEventBusCommand({ Name: 'durable' }))
  await h.restart()
  assert.equal((await h.client.send(new DescribeEventBusCommand({ Name: 'durable' }))).Name, 'durable')
})
