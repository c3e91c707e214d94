// replay: an event type's history read again outside any group, from an
// offset or a time, up to an offset or the end the log had when it started.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startTributary, createEventStream, type StreamEvent } from '../../../src/index.js'

async function collect<T> (events: AsyncIterable<StreamEvent<T>>): Promise<T[]> {
  const out: T[] = []
  for await (const event of events) out.push(event.data)
  return out
}

describe('replaying events', () => {
  test('from an offset, from a time, and up to an offset', async () => {
    await using t = await startTributary()
    await using stream = createEventStream({ tributary: t, partitions: 1 })
    await stream.publish('price.changed', { n: 0 })
    await stream.publish('price.changed', { n: 1 })
    // the next record's timestamp is strictly later than anything before
    const before = Date.now()
    while (Date.now() === before) await new Promise(resolve => setImmediate(resolve))
    const since = new Date()
    for (let n = 2; n < 5; n++) await stream.publish('price.changed', { n })

    assert.deepEqual(await collect(stream.replay('price.changed', { from: 3 })), [{ n: 3 }, { n: 4 }])
    assert.deepEqual(await collect(stream.replay('price.changed', { from: since })), [{ n: 2 }, { n: 3 }, { n: 4 }])
    assert.deepEqual(await collect(stream.replay('price.changed', { from: 0, to: 2 })), [{ n: 0 }, { n: 1 }])
    assert.deepEqual(await collect(stream.replay('price.changed', { from: new Date(Date.now() + 60_000) })), [])
    // nothing was committed for anyone
    assert.deepEqual(t.groups(), [])
  })

  test('a type never published replays nothing, and bad bounds are refused', async () => {
    await using t = await startTributary()
    await using stream = createEventStream({ tributary: t })
    assert.deepEqual(await collect(stream.replay('never.sent', { from: 0 })), [])
    await assert.rejects(collect(stream.replay('price.changed', { from: -1 })), { code: 'TRIB_ERR_STREAM_OPTIONS' })
    await assert.rejects(collect(stream.replay('price.changed', { from: new Date('nope') })), /valid Date/)
  })
})
