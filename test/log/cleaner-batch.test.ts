import { test } from 'node:test'
import assert from 'node:assert/strict'
import { emptyBatch, filterBatch } from '../../src/log/cleaner-batch.js'
import { batchFacts } from '../../src/log/cleaner-records.js'
import { decodeBatch } from '../../src/protocol/records/batch-codec.js'
import { BatchOffsets, Compression, verifyBatchCrc } from '../../src/protocol/records/batch-header.js'
import { setBaseOffset, setLogAppendTime } from '../../src/protocol/records/rewrite.js'
import { keyed } from './cleaner-fixtures.js'

test('a batch whose records all stay is kept as it is, one whose records all go is dropped', () => {
  const b = keyed([['a', '1'], ['b', '2']])
  assert.deepEqual(filterBatch(b, batchFacts(b), () => true, false), { action: 'keep' })
  assert.deepEqual(filterBatch(b, batchFacts(b), () => false, false), { action: 'drop' })
})

test('a rewritten batch keeps its base offset, last offset delta, record bytes and codec, with a valid CRC', () => {
  const b = keyed([['a', '1'], ['b', '2'], ['a', '3']], { compression: Compression.zstd, producerId: 5, producerEpoch: 2, baseSequence: 9, timestamp: 1000 })
  setBaseOffset(b, 0, 40)
  const out = filterBatch(b, batchFacts(b), r => r.offset !== 40, false)
  assert.equal(out.action, 'rewrite')
  if (out.action !== 'rewrite') return
  verifyBatchCrc(out.bytes, 0, out.bytes.length)
  const d = decodeBatch(out.bytes)
  assert.deepEqual([d.header.baseOffset, d.header.lastOffsetDelta, d.header.recordCount], [40, 2, 2])
  assert.deepEqual([d.header.producerId, d.header.producerEpoch, d.header.baseSequence], [5, 2, 9])
  assert.equal(d.header.attributes & 0x07, Compression.zstd)
  assert.deepEqual(d.records.map(r => [r.offset, r.key?.toString(), r.value?.toString(), r.timestamp]), [[41, 'b', '2', 1001], [42, 'a', '3', 1002]])
  assert.equal(d.header.maxTimestamp, 1002)
})

test('a LogAppendTime batch keeps its append time when rewritten', () => {
  const b = keyed([['a', '1'], ['a', '2']], { timestamp: 1000 })
  setLogAppendTime(b, 0, b.length, 5000)
  const out = filterBatch(b, batchFacts(b), r => r.offset === 1, false)
  assert.equal(out.action, 'rewrite')
  if (out.action !== 'rewrite') return
  const d = decodeBatch(out.bytes)
  assert.equal(d.header.maxTimestamp, 5000)
  assert.deepEqual(d.records.map(r => r.timestamp), [5000])
})

test('an empty batch keeps the header, drops the codec and has no records', () => {
  const b = keyed([['a', '1']], { compression: Compression.gzip, producerId: 3, producerEpoch: 0, baseSequence: 4 })
  const e = emptyBatch(b)
  verifyBatchCrc(e, 0, e.length)
  assert.equal(e.length, 61)
  assert.equal(e.readInt16BE(BatchOffsets.attributes) & 0x07, 0)
  assert.equal(e.readInt32BE(BatchOffsets.recordCount), 0)
  assert.deepEqual(decodeBatch(e).records, [])
  const kept = filterBatch(b, batchFacts(b), () => false, true)
  assert.equal(kept.action, 'rewrite')
})
