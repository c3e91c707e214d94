// The controllable clock: durations as tests write them, timers fired in
// deadline order as time is advanced, and the running mode where time also
// flows by itself.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { ControllableClock, parseDuration } from '../../src/index.js'

describe('the controllable clock', () => {
  test('reads durations in ms, s, m, h and d, and refuses anything else', () => {
    assert.deepEqual(['250ms', '30s', '5m', '1.5h', '7d'].map(parseDuration), [250, 30_000, 300_000, 5_400_000, 604_800_000])
    assert.equal(parseDuration(42), 42)
    assert.throws(() => parseDuration('30 seconds'), /cannot read duration "30 seconds"/)
    assert.throws(() => parseDuration(-1), /non-negative/)
  })

  test('a frozen clock fires due timers in deadline order, including those armed on the way, and awaits their work', async () => {
    const clock = new ControllableClock({ start: 1_000_000, frozen: true })
    const fired: Array<[string, number]> = []
    let workDone = false
    clock.setTimer(3000, () => { fired.push(['c', clock.now()]) })
    clock.setTimer(1000, () => {
      fired.push(['a', clock.now()])
      clock.setTimer(500, () => { fired.push(['b', clock.now()]) })
    })
    clock.setTimer(2500, async () => { await new Promise(resolve => setImmediate(resolve)); workDone = true })
    const cancelled = clock.setTimer(2000, () => { fired.push(['never', clock.now()]) })
    clock.clearTimer(cancelled)
    await clock.advance('2s')
    assert.deepEqual(fired, [['a', 1_001_000], ['b', 1_001_500]])
    assert.equal(clock.now(), 1_002_000)
    await clock.advance('1s')
    assert.ok(workDone, 'advance() waited for the async timer callback')
    assert.deepEqual(fired.map(f => f[0]), ['a', 'b', 'c'])
    assert.equal(clock.pendingTimers, 0)
  })

  test('a running clock follows the wall clock, fires timers by itself, and jumps when advanced', async () => {
    const clock = new ControllableClock()
    assert.ok(Math.abs(clock.now() - Date.now()) < 1000)
    await new Promise<void>(resolve => clock.setTimer(1, resolve))
    let late = false
    clock.setTimer(3_600_000, () => { late = true })
    await clock.advance('1h')
    assert.ok(late)
    assert.ok(clock.now() - Date.now() >= 3_600_000 - 1000)
  })
})
