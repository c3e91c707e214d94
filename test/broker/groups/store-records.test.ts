import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeRecord, encodeRecord, RecordType, type StoreRecord } from '../../../src/broker/groups/store-records.js'

const roundTrip = (record: StoreRecord): StoreRecord => decodeRecord(encodeRecord(record))

test('every record type survives encoding, including nulls and unicode', () => {
  const records: StoreRecord[] = [
    { type: RecordType.Offsets, groupId: 'grüppe', entries: [{ topic: 'orders', partition: 2, offset: 9007199254740993n, leaderEpoch: 4, metadata: 'ünïcode ✓', commitTimestamp: 1_700_000_000_123, expireTimestamp: -1 }] },
    { type: RecordType.OffsetDeletes, groupId: 'g', entries: [{ topic: 't', partition: 0 }, { topic: 'u', partition: 5 }] },
    {
      type: RecordType.Group,
      groupId: 'g',
      protocolType: 'consumer',
      generationId: 7,
      protocolName: null,
      leaderId: null,
      stateTimestamp: 123,
      members: [{ memberId: 'm-1', groupInstanceId: null, clientId: 'c', clientHost: '/127.0.0.1', rebalanceTimeoutMs: 60000, sessionTimeoutMs: 30000, subscription: Buffer.from([0, 1, 2]), assignment: Buffer.alloc(0) }]
    },
    { type: RecordType.GroupDelete, groupId: 'g' }
  ]
  for (const r of records) assert.deepEqual(roundTrip(r), r)
})

test('a body that ends early is refused rather than half-read', () => {
  const body = encodeRecord({ type: RecordType.OffsetDeletes, groupId: 'g', entries: [{ topic: 't', partition: 0 }] })
  assert.throws(() => decodeRecord(body.subarray(0, body.length - 2)), { code: 'TRIB_ERR_GROUP_STORE_CORRUPT' })
})
