import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeBatch, encodeBatch } from '../../../src/protocol/records/batch-codec.js'
import { Compression, verifyBatchCrc, readBatchHeader } from '../../../src/protocol/records/batch-header.js'
import { isMergeableBatch, mergeBatches, recordCountOf } from '../../../src/protocol/records/merge.js'

test('merged batches hold every record in order, with its own timestamp, key, value and headers, offsets running on', () => {
  const first = encodeBatch([{ key: 'a', value: 'one', timestamp: 5_000, headers: [{ key: 'h', value: '1' }] }])
  const second = encodeBatch([{ key: null, value: 'two', timestamp: 4_000 }, { key: 'c', value: null, timestamp: 9_000 }])
  const merged = mergeBatches([first, second])
  verifyBatchCrc(merged, 0, merged.length)
  const header = readBatchHeader(merged)
  assert.equal(recordCountOf(merged), 3)
  assert.equal(header.maxTimestamp, 9_000)
  const records = decodeBatch(merged).records
  assert.deepEqual(records.map(r => [r.offset, r.key?.toString() ?? null, r.value?.toString() ?? null, r.timestamp]),
    [[0, 'a', 'one', 5_000], [1, null, 'two', 4_000], [2, 'c', null, 9_000]])
  assert.deepEqual(records[0]!.headers.map(h => [h.key, h.value?.toString()]), [['h', '1']])
})

test('one batch is answered as it is', () => {
  const only = encodeBatch([{ key: 'a', value: 'one' }])
  assert.equal(mergeBatches([only]), only)
})

test('only plain batches are mergeable: not compressed, transactional, control or idempotent ones', () => {
  assert.equal(isMergeableBatch(encodeBatch([{ value: 'x' }])), true)
  assert.equal(isMergeableBatch(encodeBatch([{ value: 'x' }], { compression: Compression.gzip })), false)
  assert.equal(isMergeableBatch(encodeBatch([{ value: 'x' }], { transactional: true, producerId: 1 })), false)
  assert.equal(isMergeableBatch(encodeBatch([{ value: 'x' }], { producerId: 7, producerEpoch: 0, baseSequence: 0 })), false)
  assert.equal(isMergeableBatch(encodeBatch([{ key: Buffer.alloc(4), value: Buffer.alloc(6) }], { control: true })), false)
  assert.equal(isMergeableBatch(Buffer.alloc(10)), false)
})
