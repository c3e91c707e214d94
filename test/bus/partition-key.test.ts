import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parsePartitionKey } from '../../src/bus/partition-key.js'
import type { EventEnvelope } from '../../src/bus/model.js'

const event: EventEnvelope = {
  version: '0',
  id: 'e-1',
  'detail-type': 'Order Placed',
  source: 'shop',
  account: '123456789012',
  time: '2026-12-03T12:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { customer: { id: 'c-42' }, lines: [3, 4], count: 7 },
}

test('the named fields key an event by its source, detail-type or account', () => {
  assert.equal(parsePartitionKey('source')(event), 'shop')
  assert.equal(parsePartitionKey('detail-type')(event), 'Order Placed')
  assert.equal(parsePartitionKey('account')(event), '123456789012')
})

test('a JSONPath keys an event by the value it finds in the event', () => {
  assert.equal(parsePartitionKey('$.detail.customer.id')(event), 'c-42')
  assert.equal(parsePartitionKey("$.detail['customer'].id")(event), 'c-42')
  assert.equal(parsePartitionKey('$.detail.lines[1]')(event), '4', 'a number is keyed by its JSON text')
  assert.equal(parsePartitionKey('$.detail.customer')(event), '{"id":"c-42"}', 'an object is keyed by its JSON text')
})

test('an event the JSONPath finds nothing in is keyed by its source', () => {
  assert.equal(parsePartitionKey('$.detail.tenant')(event), 'shop')
  assert.equal(parsePartitionKey('$.detail.customer.id')({ ...event, detail: 'not an object' }), 'shop')
})

test('a key that is neither a field nor a JSONPath without wildcards is refused with a config error naming it', () => {
  for (const bad of ['time', '', 'detail.customer', '$.detail.*', '$.detail[*].id', '$', '$.detail[']) {
    assert.throws(() => parsePartitionKey(bad), (err: Error & { code?: string }) => err.code === 'TRIB_ERR_CONFIG' && err.message.includes(`"${bad}"`), bad)
  }
})
