// DataWaiters (src/log/data-waiters.ts): the long-poll list a partition wakes after each write.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DataWaiters } from '../../src/log/data-waiters.js'

test('a parked waiter is called once when the end passes its offset, and not for an end at its offset', () => {
  const waiters = new DataWaiters()
  let calls = 0
  waiters.park(5, () => { calls++ })
  waiters.wake(5)
  assert.equal(calls, 0)
  waiters.wake(6)
  waiters.wake(7)
  assert.equal(calls, 1)
})

test('a cancelled waiter is never called, and the others still are', () => {
  const waiters = new DataWaiters()
  const called: string[] = []
  const cancel = waiters.park(0, () => called.push('cancelled'))
  waiters.park(0, () => called.push('kept'))
  cancel()
  waiters.wake(1)
  waiters.wake(1, true)
  assert.deepEqual(called, ['kept'])
})

test('a waiter that parks again from its callback waits for the next wake, not this one', () => {
  const waiters = new DataWaiters()
  const ends: number[] = []
  const park = (offset: number): void => { waiters.park(offset, () => { ends.push(offset); park(offset + 1) }) }
  park(0)
  waiters.wake(10)
  assert.deepEqual(ends, [0])
  waiters.wake(10)
  assert.deepEqual(ends, [0, 1])
})

test('wake with all releases every waiter whatever its offset (the partition closes)', () => {
  const waiters = new DataWaiters()
  let calls = 0
  waiters.park(100, () => { calls++ })
  waiters.park(200, () => { calls++ })
  waiters.wake(1, true)
  assert.equal(calls, 2)
})

test('wait() resolves on a wake past its offset, or when its signal aborts', async () => {
  const waiters = new DataWaiters()
  const woken = waiters.wait(0)
  waiters.wake(1)
  await woken
  const ac = new AbortController()
  const aborted = waiters.wait(0, ac.signal)
  ac.abort()
  await aborted
  let late = false
  waiters.park(0, () => { late = true })
  waiters.wake(1)
  assert.equal(late, true, 'the aborted wait left no stale entry that stops later waiters')
})
