// publish: the CloudEvents envelope a plain Kafka consumer can read, typed
// data checked by the type's Standard Schema, and bad input refused with an
// error naming the cause before anything is written.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel } from 'kafkajs'
import { z } from 'zod'
import { startTributary, createEventStream } from '../../../src/index.js'
import { waitFor } from '../../helpers/wait.js'

const schemas = {
  'order.created': z.object({ orderId: z.string(), amount: z.number().positive() })
}

describe('publishing events', () => {
  test('a plain Kafka consumer reads the envelope: ce_* headers and the data as a JSON value', async () => {
    await using t = await startTributary()
    await using stream = createEventStream({ tributary: t, source: '/shop/checkout' })
    const published = await stream.publish('order.created', { orderId: 'o-7', amount: 12.5 }, { key: 'ann', headers: { tenant: 'eu' } })
    assert.equal(published.topic, 'order.created')

    const kafka = new Kafka({ brokers: t.brokers, logLevel: logLevel.NOTHING })
    const consumer = kafka.consumer({ groupId: 'plain-reader' })
    await consumer.connect()
    const seen: Array<{ key: string, value: string, headers: Record<string, string> }> = []
    try {
      await consumer.subscribe({ topic: 'order.created', fromBeginning: true })
      await consumer.run({
        eachMessage: async ({ message }) => {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]))
          seen.push({ key: String(message.key), value: String(message.value), headers })
        }
      })
      await waitFor(() => seen.length > 0, 'kafkajs to read the event')
    } finally {
      await consumer.disconnect()
    }
    const [message] = seen
    assert.deepEqual(JSON.parse(message!.value), { orderId: 'o-7', amount: 12.5 })
    assert.equal(message!.key, 'ann')
    assert.equal(message!.headers.ce_specversion, '1.0')
    assert.equal(message!.headers.ce_id, published.id)
    assert.equal(message!.headers.ce_type, 'order.created')
    assert.equal(message!.headers.ce_source, '/shop/checkout')
    assert.equal(message!.headers.ce_time, published.time)
    assert.equal(message!.headers['content-type'], 'application/json')
    assert.equal(message!.headers.tenant, 'eu')
  })

  test('typed publish refuses an invalid event with the schema\'s message and writes nothing', async () => {
    await using t = await startTributary({ topics: [{ name: 'order.created' }] })
    await using stream = createEventStream({ tributary: t, schemas })
    await assert.rejects(
      // @ts-expect-error amount must be a number: the schema types publish
      stream.publish('order.created', { orderId: 'o-1', amount: 'ten' }),
      (err: Error & { code?: string }) => err.code === 'TRIB_ERR_INVALID_EVENT' && /amount: .*expected number/i.test(err.message))
    await assert.rejects(stream.publish('order.created', { orderId: 'o-2', amount: -3 }), /amount: .*>0/)
    assert.deepEqual(await t.records('order.created'), [])
  })

  test('bad input rejects with its cause and writes nothing', async () => {
    await using t = await startTributary({ topics: [{ name: 'audit' }] })
    const stream = createEventStream({ tributary: t, topics: { 'audit.bad': 'not a topic!' } })
    const topicsBefore = t.broker.log.topics().map(topic => topic.name)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const cases: Array<[string, Promise<unknown>, string, RegExp]> = [
      ['an empty type', stream.publish('', { a: 1 }), 'TRIB_ERR_INVALID_TOPIC', /non-empty/],
      ['a type mapped to an illegal topic', stream.publish('audit.bad', { a: 1 }), 'TRIB_ERR_INVALID_TOPIC', /illegal/],
      ['a type too long for a topic', stream.publish('x'.repeat(250), { a: 1 }), 'TRIB_ERR_INVALID_TOPIC', /longer than 249/],
      ['a cyclic value', stream.publish('audit', cyclic), 'TRIB_ERR_NOT_SERIALISABLE', /circular/i],
      ['a BigInt', stream.publish('audit', { n: 1n }), 'TRIB_ERR_NOT_SERIALISABLE', /BigInt/],
      ['undefined', stream.publish('audit', undefined), 'TRIB_ERR_NOT_SERIALISABLE', /undefined/],
      ['an envelope header', stream.publish('audit', { a: 1 }, { headers: { ce_id: 'mine' } }), 'TRIB_ERR_STREAM_OPTIONS', /envelope/],
      // @ts-expect-error header values are strings
      ['a number header', stream.publish('audit', { a: 1 }, { headers: { n: 1 } }), 'TRIB_ERR_NOT_SERIALISABLE', /must be a string/]
    ]
    for (const [what, attempt, code, message] of cases) {
      await assert.rejects(attempt, (err: Error & { code?: string }) => err.code === code && message.test(err.message), what)
    }
    await stream.close()
    await assert.rejects(stream.publish('audit', { a: 1 }), { code: 'TRIB_ERR_STREAM_CLOSED' })
    await assert.rejects(stream.subscribe('audit', { group: 'g' }, () => {}), { code: 'TRIB_ERR_STREAM_CLOSED' })
    assert.deepEqual(await t.records('audit'), [])
    assert.deepEqual(t.broker.log.topics().map(topic => topic.name), topicsBefore)
  })

  test('createEventStream refuses options that cannot work', () => {
    assert.throws(() => createEventStream({}), { code: 'TRIB_ERR_STREAM_OPTIONS' })
    assert.throws(() => createEventStream({ brokers: [] }), { code: 'TRIB_ERR_STREAM_OPTIONS' })
    assert.throws(() => createEventStream({ brokers: ['h:1'], partitions: 0 }), /partitions must be an integer >= 1/)
  })
})

// Compile-time only: the data a handler receives is the schema's output type.
export async function typedHandlers (stream: ReturnType<typeof createEventStream<typeof schemas>>): Promise<void> {
  await stream.subscribe('order.created', { group: 'g' }, event => {
    const amount: number = event.data.amount
    // @ts-expect-error no such field in the schema
    return event.data.customer ?? amount
  })
}
