// At-least-once across a crash: a worker killed in the middle of a handler
// committed nothing for that event, so once the group gives up on it (its
// session times out on the broker's clock, advanced by the test) another
// member of the group is handed the partition and handles the event again.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startTributary, createEventStream } from '../../../src/index.js'
import { spawnStreamWorker } from '../../helpers/stream-worker-process.js'
import { waitFor } from '../../helpers/wait.js'

describe('a worker killed mid-handler', () => {
  test('another member of the group handles the event again', async () => {
    await using t = await startTributary({ topics: [{ name: 'order.created', partitions: 1 }] })
    await using stream = createEventStream({ tributary: t })
    const worker = spawnStreamWorker({ bootstrap: t.brokers[0]!, group: 'fulfilment', type: 'order.created', sessionTimeoutMs: 6000, mode: 'hang' })
    try {
      await worker.said('ready')
      await stream.publish('order.created', { orderId: 'o-1' }, { key: 'ann' })
      await worker.said('handling', 'o-1')
      await worker.kill()
    } finally {
      await worker.kill()
    }

    const handled: Array<{ orderId: string, attempt: number }> = []
    // a long session for the survivor: advancing the clock past the dead worker's session must not end its own
    const joining = stream.subscribe('order.created', { group: 'fulfilment', sessionTimeoutMs: 600_000 }, async event => {
      handled.push({ orderId: (event.data as { orderId: string }).orderId, attempt: event.attempt })
    })
    // the dead worker's session (6 s) and rebalance timeout (30 s) run on t.clock
    await t.clock.advance('31s')
    await joining
    await waitFor(() => handled.length > 0, 'the event to be handled again', () => JSON.stringify(t.groups()))
    assert.deepEqual(handled, [{ orderId: 'o-1', attempt: 1 }])
    assert.deepEqual(t.groups().find(g => g.groupId === 'fulfilment')?.members.length, 1)
  })
})

describe('a worker told to stop with SIGTERM', () => {
  test('finishes the handler in flight, commits it and leaves the group before it exits', async () => {
    await using t = await startTributary({ topics: [{ name: 'order.created', partitions: 1 }] })
    await using stream = createEventStream({ tributary: t })
    const worker = spawnStreamWorker({ bootstrap: t.brokers[0]!, group: 'fulfilment', type: 'order.created', sessionTimeoutMs: 600_000, mode: 'drain' })
    try {
      await worker.said('ready')
      await stream.publish('order.created', { orderId: 'o-1' }, { key: 'ann' })
      await worker.said('handling', 'o-1')
      const ended = await worker.kill('SIGTERM')
      await worker.said('handled', 'o-1')
      // the signal still ends the process, once the drain is done
      assert.deepEqual(ended, { code: null, signal: 'SIGTERM' })
    } finally {
      await worker.kill()
    }
    const group = t.groups().find(g => g.groupId === 'fulfilment')
    assert.equal(group?.offsets['order.created']?.[0], 1)
    assert.deepEqual(group?.members, [])
  })
})
