// The trace ring keeps a fixed number of events and passes every call on to
// the observer it wraps (the metrics), so tracing never costs a metric.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { TraceRing } from '../../../src/http/console/trace-ring.js'
import type { BusObserver } from '../../../src/bus/index.js'

test('the oldest events leave the ring once it holds its capacity', () => {
  const ring = new TraceRing(undefined, { capacity: 3, now: () => 1 })
  ring.eventsAppended('default', ['a', 'b', 'c', 'd'], 1)
  assert.equal(ring.size, 3)
  assert.equal(ring.trace('a'), undefined)
  assert.deepEqual(ring.recent(10), ['d', 'c', 'b'])
})

test('one event\'s steps are bounded, so a target failing forever cannot grow a trace', () => {
  const ring = new TraceRing(undefined, { maxStepsPerEvent: 5, now: () => 1 })
  ring.eventsAppended('default', ['e'], 1)
  for (let i = 0; i < 100; i++) ring.invocationStarted('default', 'r', 't', 1, i, 'e')
  assert.equal(ring.trace('e')?.length, 5)
  assert.equal(ring.targetCounts('default', 'r', 't').attempts, 100, 'the counts still count every attempt')
})

test('every call reaches the wrapped observer', () => {
  const calls: string[] = []
  const inner: BusObserver = {
    ruleMatched: (bus, rule) => { calls.push(`matched ${bus}/${rule}`) },
    invocationStarted: (_bus, _rule, target, _at, retry) => { calls.push(`started ${target} ${retry}`) },
    invocationFinished: (_bus, _rule, target, outcome) => { calls.push(`finished ${target} ${outcome}`) }
  }
  const ring = new TraceRing(inner)
  ring.ruleMatched('default', 'r', 1, 'e')
  ring.invocationStarted('default', 'r', 't', 0, 0, 'e')
  ring.invocationFinished('default', 'r', 't', 'dead-lettered', 'e', 'boom')
  assert.deepEqual(calls, ['matched default/r', 'started t 0', 'finished t dead-lettered'])
  assert.deepEqual(ring.targetCounts('default', 'r', 't'), { attempts: 1, succeeded: 0, failed: 0, deadLettered: 1, lastError: 'boom' })
})

test('after many times its capacity the ring holds exactly the newest events, partial traces included, oldest out first', () => {
  const ring = new TraceRing(undefined, { capacity: 100, now: () => 1 })
  for (let i = 0; i < 10_000; i++) {
    // every 7th event is first seen at delivery (accepted before a restart): it starts a partial trace
    if (i % 7 === 0) ring.invocationStarted('default', 'r', 't', 1, 0, `e${i}`)
    else ring.eventsAppended('default', [`e${i}`], 1)
    ring.ruleMatched('default', 'r', 1, `e${i}`)
  }
  assert.equal(ring.size, 100)
  assert.deepEqual(ring.recent(3), ['e9999', 'e9998', 'e9997'])
  assert.equal(ring.trace('e9899'), undefined)
  assert.equal(ring.trace('e9900')?.length, 2)
  assert.equal(ring.trace('e9905')?.[0]?.kind, 'attempt')
})
