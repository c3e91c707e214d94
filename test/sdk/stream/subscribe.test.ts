// subscribe beyond the happy path: EventBridge patterns through the bus's
// pattern engine, pause and resume, and close() draining: the handler in
// flight finishes, its offset is committed and the member leaves the group.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { startTributary, createEventStream } from '../../../src/index.js'
import { waitFor } from '../../helpers/wait.js'

describe('subscriptions', () => {
  test('a pattern subscription gets only the events the EventBridge pattern matches', async () => {
    await using t = await startTributary()
    await using stream = createEventStream({ tributary: t, partitions: 1 })
    const amounts: number[] = []
    await stream.subscribe({ type: ['order.created'], data: { amount: [{ numeric: ['>', 100] }], region: [{ prefix: 'eu-' }] } },
      { group: 'big-eu-orders' }, async event => { amounts.push((event.data as { amount: number }).amount) })
    for (const [amount, region] of [[50, 'eu-west'], [150, 'eu-west'], [300, 'us-east'], [400, 'eu-north']] as const) {
      await stream.publish('order.created', { amount, region })
    }
    // the group moves past the events the pattern filtered out as well
    await waitFor(() => t.groups().find(g => g.groupId === 'big-eu-orders')?.offsets['order.created']?.[0] === 4, 'the commit past all four')
    assert.deepEqual(amounts, [150, 400])
  })

  test('a pattern must name the types to read, and an invalid pattern is refused', async () => {
    await using t = await startTributary()
    await using stream = createEventStream({ tributary: t })
    await assert.rejects(stream.subscribe({ source: ['shop'] }, { group: 'g' }, () => {}), /must list its event types/)
    await assert.rejects(stream.subscribe({ type: 'order.created' }, { group: 'g' }, () => {}), /"type" must be an object or an array/)
    await assert.rejects(stream.subscribe('order.created', { group: '' }, () => {}), { code: 'TRIB_ERR_STREAM_OPTIONS' })
    await assert.rejects(stream.subscribe('order.created', { group: 'g', concurrency: 0 }, () => {}), /concurrency/)
    await assert.rejects(stream.subscribe('order.created', { group: 'g', retry: { attempts: 0 } }, () => {}), /attempts/)
  })

  test('a paused subscription fetches nothing until resumed', async () => {
    await using t = await startTributary()
    await using stream = createEventStream({ tributary: t })
    const seen: string[] = []
    const subscription = await stream.subscribe('invoice.sent', { group: 'billing' }, async event => { seen.push((event.data as { id: string }).id) })
    subscription.pause()
    await stream.publish('invoice.sent', { id: 'i-1' })
    // the loop goes round twice after the publish without fetching
    await once(subscription, 'idle')
    await once(subscription, 'idle')
    assert.deepEqual(seen, [])
    subscription.resume()
    await waitFor(() => seen.length === 1, 'the event after resume')
    assert.deepEqual(seen, ['i-1'])
  })

  test('close() lets the handler in flight finish, commits it and leaves the group', async () => {
    await using t = await startTributary()
    await using stream = createEventStream({ tributary: t, partitions: 1 })
    let release = (): void => {}
    const gate = new Promise<void>(resolve => { release = resolve })
    let started = false
    let finished = false
    const subscription = await stream.subscribe('report.requested', { group: 'reports' }, async () => {
      started = true
      await gate
      finished = true
    })
    await stream.publish('report.requested', { id: 'r-1' })
    await waitFor(() => started, 'the handler to start')
    const draining = once(subscription, 'draining')
    const closing = subscription.close().then(() => finished)
    await draining
    // fetching has stopped; the handler is still running and close() waits for it
    assert.equal(finished, false)
    release()
    assert.equal(await closing, true)
    const group = t.groups().find(g => g.groupId === 'reports')
    assert.equal(group?.offsets['report.requested']?.[0], 1)
    assert.deepEqual(group?.members, [])
  })

  test('publish and a subscription carry on after the broker drops every connection', async () => {
    await using t = await startTributary()
    await using stream = createEventStream({ tributary: t })
    const seen: number[] = []
    const subscription = await stream.subscribe('ping.sent', { group: 'pong' }, async event => { seen.push((event.data as { n: number }).n) })
    await stream.publish('ping.sent', { n: 1 })
    await waitFor(() => seen.includes(1), 'the first event')
    // (events.once would reject on the 'error' the subscription reports about the drop)
    const rejoined = new Promise(resolve => subscription.once('assigned', resolve))
    const reported: unknown[] = []
    subscription.on('error', err => reported.push(err))
    t.disconnectAll()
    await stream.publish('ping.sent', { n: 2 })
    await rejoined
    await waitFor(() => seen.includes(2), 'the event published after the drop')
    assert.deepEqual([...new Set(seen)].sort(), [1, 2])
    assert.ok(reported.some(err => (err as { code?: string }).code === 'TRIB_ERR_CONNECTION_LOST'), 'the drop is reported')
  })
})
