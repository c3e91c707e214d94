// The KeyedRunner's two promises, checked with jobs held open by hand: one key
// runs in order, other keys pass it, and no more than `concurrency` run at once.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { KeyedRunner } from '../../../src/sdk/stream/keyed-runner.js'
import { backoffDelay, retryPolicy } from '../../../src/sdk/stream/retry.js'

function gate (): { open: () => void, opened: Promise<void> } {
  let open = (): void => {}
  const opened = new Promise<void>(resolve => { open = resolve })
  return { open, opened }
}

const settle = (): Promise<void> => new Promise(resolve => setImmediate(resolve))

describe('the keyed runner', () => {
  test('a key\'s jobs run one after another while another key passes', async () => {
    const runner = new KeyedRunner(10)
    const started: string[] = []
    const first = gate()
    const jobs = [
      runner.run('a', async () => { started.push('a1'); await first.opened }),
      runner.run('a', async () => { started.push('a2') }),
      runner.run('b', async () => { started.push('b1') })
    ]
    await settle()
    assert.deepEqual(started, ['a1', 'b1'])
    first.open()
    await Promise.all(jobs)
    assert.deepEqual(started, ['a1', 'b1', 'a2'])
  })

  test('no more than `concurrency` jobs run at once, and a waiting key holds no slot', async () => {
    const runner = new KeyedRunner(2)
    let running = 0
    let most = 0
    const gates = Array.from({ length: 5 }, gate)
    const jobs = gates.map((g, i) => runner.run(i === 1 ? 'k0' : `k${i}`, async () => {
      running++
      most = Math.max(most, running)
      await g.opened
      running--
    }))
    await settle()
    // k0's second job waits for its key; k2 takes the free slot
    assert.equal(running, 2)
    for (const g of gates) g.open()
    await Promise.all(jobs)
    assert.equal(most, 2)
  })
})

describe('retry backoff', () => {
  test('grows exponentially, stays between half and all of the delay, and never passes maxMs', () => {
    const policy = retryPolicy({ attempts: 10, backoff: { initialMs: 100, maxMs: 1000, multiplier: 2 } })
    assert.equal(backoffDelay(policy, 1, () => 0), 50)
    assert.equal(backoffDelay(policy, 1, () => 1), 100)
    assert.equal(backoffDelay(policy, 3, () => 1), 400)
    assert.equal(backoffDelay(policy, 8, () => 1), 1000)
    assert.equal(backoffDelay(policy, 8, () => 0), 500)
  })

  test('refuses policies that cannot work', () => {
    assert.throws(() => retryPolicy({ attempts: 0 }), { code: 'TRIB_ERR_STREAM_OPTIONS' })
    assert.throws(() => retryPolicy({ attempts: 1.5 }), /attempts/)
    assert.throws(() => retryPolicy({ backoff: { initialMs: -1 } }), /initialMs/)
  })
})
