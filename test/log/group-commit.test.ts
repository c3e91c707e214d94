import { test } from 'node:test'
import assert from 'node:assert/strict'
import { GroupCommit } from '../../src/log/group-commit.js'

function controllableSync () {
  const calls: Array<() => void> = []
  return {
    calls,
    sync: () => new Promise<void>(resolve => { calls.push(resolve) }),
    finishNext: async () => { calls.shift()!(); await new Promise(setImmediate) },
  }
}

test('waiters that arrive during an fsync share the next one', async () => {
  let written = 10
  const s = controllableSync()
  const gc = new GroupCommit(0, () => written, s.sync, () => {})
  const first = gc.waitFor(5)
  assert.equal(s.calls.length, 1)
  written = 20
  const later = [gc.waitFor(12), gc.waitFor(15), gc.waitFor(19)]
  assert.equal(s.calls.length, 1, 'no second fsync while one is in flight')
  await s.finishNext()
  await first
  assert.equal(gc.durableEnd, 10)
  assert.equal(s.calls.length, 1, 'one follow-up fsync for all three later waiters')
  await s.finishNext()
  await Promise.all(later)
  assert.equal(gc.durableEnd, 20)
})

test('an offset already durable resolves without an fsync, an unwritten one waits for its write', async () => {
  let written = 5
  const s = controllableSync()
  const gc = new GroupCommit(5, () => written, s.sync, () => {})
  await gc.waitFor(4)
  let done = false
  const p = gc.waitFor(7).then(() => { done = true })
  assert.equal(s.calls.length, 0)
  written = 8
  gc.kick()
  await s.finishNext()
  await p
  assert.equal(done, true)
})

test('a failed fsync rejects its waiters and reports the error', async () => {
  const errors: unknown[] = []
  const gc = new GroupCommit(0, () => 3, () => Promise.reject(new Error('EIO')), e => errors.push(e))
  await assert.rejects(gc.waitFor(2), /EIO/)
  assert.equal(errors.length, 1)
})

test('requestSync makes everything written durable without a waiter', async () => {
  let syncs = 0
  const gc = new GroupCommit(0, () => 9, async () => { syncs++ }, () => {})
  await gc.requestSync()
  assert.equal(gc.durableEnd, 9)
  await gc.requestSync()
  assert.equal(syncs, 1)
})
