import { test } from 'node:test'
import assert from 'node:assert/strict'
import { GroupCommit } from '../../src/log/group-commit.js'

function controllableSync () {
  const calls: Array<{ resolve: () => void, reject: (err: unknown) => void }> = []
  const settled = async (): Promise<void> => { await new Promise(setImmediate) }
  return {
    calls,
    sync: () => new Promise<void>((resolve, reject) => { calls.push({ resolve, reject }) }),
    finishNext: async () => { calls.shift()!.resolve(); await settled() },
    /** Ends the call started `index`-th (0 = first) without removing it from the list. */
    finish: async (index: number) => { calls[index]!.resolve(); await settled() },
    fail: async (index: number, err: unknown) => { calls[index]!.reject(err); await settled() },
  }
}

test('bytes written during an fsync get their own fsync at once, and later waiters share the one after', async () => {
  let written = 10
  const s = controllableSync()
  const gc = new GroupCommit(0, () => written, s.sync, () => {})
  const first = gc.waitFor(5)
  assert.equal(s.calls.length, 1)
  written = 20
  const second = [gc.waitFor(12), gc.waitFor(15)]
  assert.equal(s.calls.length, 2, 'the second fsync starts while the first runs')
  written = 30
  const third = [gc.waitFor(22), gc.waitFor(25), gc.waitFor(29)]
  assert.equal(s.calls.length, 2, 'no third fsync while two are in flight')
  await s.finishNext()
  await first
  assert.equal(gc.durableEnd, 10)
  assert.equal(s.calls.length, 2, 'one follow-up fsync for all three waiters of the third write')
  await s.finishNext()
  await Promise.all(second)
  assert.equal(gc.durableEnd, 20)
  await s.finishNext()
  await Promise.all(third)
  assert.equal(gc.durableEnd, 30)
})

test('a later fsync that ends first vouches for nothing until the earlier one has ended', async () => {
  let written = 10
  const s = controllableSync()
  const followUps: string[] = []
  const gc = new GroupCommit(0, () => written, async () => {
    const n = s.calls.length
    await s.sync()
    return () => followUps.push(`fsync ${n}`)
  }, () => {})
  let firstDone = false
  let secondDone = false
  const first = gc.waitFor(5).then(() => { firstDone = true })
  written = 20
  const second = gc.waitFor(15).then(() => { secondDone = true })
  assert.equal(s.calls.length, 2)
  await s.finish(1)
  assert.equal(secondDone, false)
  assert.equal(gc.durableEnd, 0)
  assert.deepEqual(followUps, [])
  await s.finish(0)
  await Promise.all([first, second])
  assert.equal(firstDone && secondDone, true)
  assert.equal(gc.durableEnd, 20)
  assert.deepEqual(followUps, ['fsync 0', 'fsync 1'], 'follow-ups run in the order the fsyncs started')
})

test('when an fsync fails, the one that ran beside it fails too, even if it reported success', async () => {
  let written = 10
  const s = controllableSync()
  const errors: unknown[] = []
  const gc = new GroupCommit(0, () => written, s.sync, e => errors.push(e))
  const first = assert.rejects(gc.waitFor(5), /EIO/)
  written = 20
  const second = assert.rejects(gc.waitFor(15), /EIO/)
  await s.finish(1)
  await s.fail(0, new Error('EIO'))
  await Promise.all([first, second])
  assert.equal(gc.durableEnd, 0)
  assert.equal(errors.length, 2)
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

test('after the log is cut back below what an fsync covered, a rewritten offset gets an fsync of its own', async () => {
  let written = 10
  const s = controllableSync()
  const gc = new GroupCommit(0, () => written, s.sync, () => {})
  const first = gc.waitFor(9)
  await s.finishNext()
  await first
  gc.durableEnd = 5 // what PartitionLog does when opening cuts the log back at a corrupt batch
  written = 8
  const rewritten = gc.waitFor(7)
  assert.equal(s.calls.length, 1)
  await s.finishNext()
  await rewritten
  assert.equal(gc.durableEnd, 8)
})

test('requestSync makes everything written durable without a waiter', async () => {
  let syncs = 0
  const gc = new GroupCommit(0, () => 9, async () => { syncs++ }, () => {})
  await gc.requestSync()
  assert.equal(gc.durableEnd, 9)
  await gc.requestSync()
  assert.equal(syncs, 1)
})
