import { test } from 'node:test'
import assert from 'node:assert/strict'
import { encodeSubscription, subscribedTopicsOf } from '../../../src/broker/groups/consumer-protocol.js'

test('the topics of a consumer subscription are read, whatever follows them', () => {
  assert.deepEqual(subscribedTopicsOf(encodeSubscription(['orders', 'payments'], Buffer.from('user data'))), ['orders', 'payments'])
  // A v1+ subscription: same head, owned partitions after the user data.
  const v1 = Buffer.concat([encodeSubscription(['orders']), Buffer.from([0, 0, 0, 0])])
  v1.writeInt16BE(1, 0)
  assert.deepEqual(subscribedTopicsOf(v1), ['orders'])
})

test('bytes that are not a consumer subscription give null', () => {
  assert.equal(subscribedTopicsOf(Buffer.alloc(0)), null)
  assert.equal(subscribedTopicsOf(Buffer.from([0, 0, 0x7f, 0xff, 0xff, 0xff])), null)
  assert.equal(subscribedTopicsOf(Buffer.from([0, 0, 0, 0, 0, 1, 0, 9, 0x61])), null)
})
