import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { TestEventPatternCommand } from '@aws-sdk/client-eventbridge'
import { startBus, type BusHarness } from '../harness.js'
import { loadConformanceJson } from '../../helpers/conformance.js'

interface Case { name: string, expect: 'match' | 'no-match' | 'invalid', event?: unknown, pattern?: unknown, eventText?: string, patternText?: string, awsMessage?: string }
const cases = loadConformanceJson<Case[]>('eventbridge-patterns.json')

let h: BusHarness
before(async () => { h = await startBus() })
after(async () => { await h.close() })

test('every conformance case answers through TestEventPattern as Amazon EventBridge did', async () => {
  const failures: string[] = []
  for (const c of cases) {
    const Event = c.eventText ?? JSON.stringify(c.event)
    const EventPattern = c.patternText ?? JSON.stringify(c.pattern)
    try {
      const answer = await h.client.send(new TestEventPatternCommand({ Event, EventPattern }))
      if (c.expect === 'invalid') failures.push(`${c.name}: accepted an invalid pattern`)
      else if (answer.Result !== (c.expect === 'match')) failures.push(`${c.name}: Result ${String(answer.Result)}`)
    } catch (err) {
      const e = err as Error & { $metadata?: { httpStatusCode?: number } }
      if (c.expect !== 'invalid') failures.push(`${c.name}: ${e.name} ${e.message}`)
      else if (e.name !== 'InvalidEventPatternException' || e.$metadata?.httpStatusCode !== 400) failures.push(`${c.name}: ${e.name}`)
      else if (c.awsMessage !== undefined && e.message !== c.awsMessage) failures.push(`${c.name}: message ${e.message} != ${c.awsMessage}`)
    }
  }
  assert.deepEqual(failures, [])
  assert.equal(cases.length, 156)
})

test('TestEventPattern refuses an event without the mandatory envelope fields', async () => {
  await assert.rejects(
    h.client.send(new TestEventPatternCommand({ Event: JSON.stringify({ source: 'a' }), EventPattern: JSON.stringify({ source: ['a'] }) })),
    { name: 'ValidationException', message: 'Parameter Event is not valid.' })
})

test('TestEventPattern names the missing member in AWS words', async () => {
  await assert.rejects(
    h.client.send(new TestEventPatternCommand({ Event: undefined as unknown as string, EventPattern: '{}' })),
    { name: 'ValidationException', message: /Value null at 'event' failed to satisfy constraint: Member must not be null/ })
})
