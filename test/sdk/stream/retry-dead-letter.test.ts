// Handler failures: retries with backoff on the broker's clock (a test
// advances it instead of sleeping), the dead-letter topic after the last
// attempt with the error, the attempt count and where the event came from,
// and a failing key that never holds up the others.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { startTributary, createEventStream, DeadLetterHeader, type StoredRecord } from '../../../src/index.js'
import { waitFor } from '../../helpers/wait.js'

function header (record: StoredRecord, key: string): string | undefined {
  return record.headers.find(h => h.key === key)?.value?.toString()
}

describe('retries and the dead-letter topic', () => {
  test('a poison event is retried with backoff, then parked with its headers, while other keys go on', async () => {
    await using t = await startTributary()
    await using stream = createEventStream({ tributary: t, partitions: 1 })
    const attempts: number[] = []
    const handled: string[] = []
    const subscription = await stream.subscribe('payment.requested', {
      group: 'payments',
      retry: { attempts: 3, backoff: { initialMs: 60_000 } },
      // advancing the clock by minutes must not expire the member's own session
      sessionTimeoutMs: 600_000
    }, async event => {
      const { id, poison } = event.data as { id: string, poison?: boolean }
      if (poison === true) { attempts.push(event.attempt); throw new Error('card declined') }
      handled.push(id)
    })
    const firstRetry = once(subscription, 'retry')
    const poison = await stream.publish('payment.requested', { id: 'p1', poison: true }, { key: 'alice' })
    await stream.publish('payment.requested', { id: 'p2' }, { key: 'bob' })
    await stream.publish('payment.requested', { id: 'p3' }, { key: 'alice' })

    await firstRetry
    // bob's event passes alice's failing one; alice's next event waits its turn (order per key)
    await waitFor(() => handled.includes('p2'), 'the other key to be handled')
    assert.deepEqual(handled, ['p2'])
    assert.deepEqual(attempts, [1])

    const secondRetry = once(subscription, 'retry')
    await t.clock.advance('2m')
    await secondRetry
    const parked = once(subscription, 'dead-letter')
    await t.clock.advance('2m')
    await parked
    await waitFor(() => handled.includes('p3'), 'the poison key\'s next event to be handled')
    assert.deepEqual(attempts, [1, 2, 3])

    const [dead, ...more] = await t.records('payment.requested.dlq')
    assert.equal(more.length, 0)
    assert.ok(dead !== undefined)
    assert.deepEqual(JSON.parse(dead.value!.toString()), { id: 'p1', poison: true })
    assert.equal(dead.key?.toString(), 'alice')
    assert.equal(header(dead, DeadLetterHeader.error), 'Error: card declined')
    assert.equal(header(dead, DeadLetterHeader.attempts), '3')
    assert.equal(header(dead, DeadLetterHeader.topic), 'payment.requested')
    assert.equal(header(dead, DeadLetterHeader.partition), String(poison.partition))
    assert.equal(header(dead, DeadLetterHeader.offset), String(poison.offset))
    assert.equal(header(dead, DeadLetterHeader.group), 'payments')
    // the envelope travels with it
    assert.equal(header(dead, 'ce_id'), poison.id)
    assert.equal(header(dead, 'ce_type'), 'payment.requested')

    // once parked, the group moves past all three events
    await waitFor(() => t.groups().find(g => g.groupId === 'payments')?.offsets['payment.requested']?.[0] === 3,
      'the commit past the parked event', () => JSON.stringify(t.groups()))
  })

  test('an event that fails its schema on the way in is parked at once, without calling the handler', async () => {
    await using t = await startTributary()
    await using publisher = createEventStream({ tributary: t, partitions: 1 })
    // a publisher without the schema writes what a stricter consumer refuses
    await publisher.publish('user.signed-up', { email: 42 })
    const { z } = await import('zod')
    await using consumer = createEventStream({ tributary: t, schemas: { 'user.signed-up': z.object({ email: z.string() }) } })
    let calls = 0
    const subscription = await consumer.subscribe('user.signed-up', { group: 'welcome', deadLetter: 'welcome-rejects' }, async () => { calls++ })
    const [parked] = await once(subscription, 'dead-letter') as [{ attempts: number }]
    assert.equal(parked.attempts, 0)
    assert.equal(calls, 0)
    const [dead] = await t.records('welcome-rejects')
    assert.match(header(dead!, DeadLetterHeader.error) ?? '', /does not match its schema: email: .*string/i)
  })

  test('with deadLetter: false a failed event is dropped after its last attempt and the group moves on', async () => {
    await using t = await startTributary()
    await using stream = createEventStream({ tributary: t, partitions: 1 })
    const subscription = await stream.subscribe('cache.invalidated', { group: 'cache', retry: { attempts: 1 }, deadLetter: false }, async () => {
      throw new Error('cache is down')
    })
    const dropped = once(subscription, 'dropped')
    await stream.publish('cache.invalidated', { key: 'k' })
    const [{ attempts, error }] = await dropped as [{ attempts: number, error: Error }]
    assert.equal(attempts, 1)
    assert.equal(error.message, 'cache is down')
    await waitFor(() => t.groups().find(g => g.groupId === 'cache')?.offsets['cache.invalidated']?.[0] === 1, 'the commit past the dropped event')
    assert.equal(t.broker.log.topic('cache.invalidated.dlq'), undefined)
  })
})
