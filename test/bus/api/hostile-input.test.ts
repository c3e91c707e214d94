// Deeply nested JSON in a request answers a ValidationException instead of
// overflowing the stack, and the server keeps answering (issue 8.6).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { PutEventsCommand, PutRuleCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge'
import { startBus, type BusHarness } from '../harness.js'

const DEPTH = 100_000
const deepArray = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`
const event = (detail: string): string => `{"id":"1","account":"1","source":"s","time":"2024-01-01T00:00:00Z","region":"r","detail-type":"d","detail":${detail}}`

let h: BusHarness
before(async () => { h = await startBus() })
after(async () => { await h.close() })

async function stillServes (): Promise<void> {
  const answer = await h.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{"ok":true}' }] }))
  assert.equal(answer.FailedEntryCount, 0)
  const matched = await h.client.send(new TestEventPatternCommand({ EventPattern: '{"source":["s"]}', Event: event('{}') }))
  assert.equal(matched.Result, true)
}

test('a PutEvents Detail nested 100,000 levels deep is a ValidationException and the server keeps serving', async () => {
  await assert.rejects(h.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: `{"a":${deepArray}}` }] })), {
    name: 'ValidationException', message: 'Parameter Detail is not valid. Reason: JSON nesting depth exceeds the maximum of 1000.',
  })
  await stillServes()
})

test('a TestEventPattern event nested 100,000 levels deep is a ValidationException', async () => {
  await assert.rejects(h.client.send(new TestEventPatternCommand({ EventPattern: '{"detail":{"a":[1]}}', Event: event(`{"a":${deepArray}}`) })), {
    name: 'ValidationException', message: 'Parameter Event is not valid.',
  })
  await stillServes()
})

test('a pattern nested 100,000 levels deep is a ValidationException, one nested past the limit within 4096 characters an InvalidEventPatternException', async () => {
  const deepPattern = `${'{"a":'.repeat(DEPTH)}[1]${'}'.repeat(DEPTH)}`
  await assert.rejects(h.client.send(new TestEventPatternCommand({ EventPattern: deepPattern, Event: event('{}') })), { name: 'ValidationException' })
  await assert.rejects(h.client.send(new PutRuleCommand({ Name: 'deep', EventPattern: deepPattern })), { name: 'ValidationException' })
  await assert.rejects(h.client.send(new PutRuleCommand({ Name: 'deep', EventPattern: `{"a":${'['.repeat(1500)}${']'.repeat(1500)}}` })), {
    name: 'InvalidEventPatternException', message: 'Event pattern is not valid. Reason: Pattern is nested more than 1000 levels deep',
  })
  await stillServes()
})
