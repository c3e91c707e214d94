import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setBaseOffset, setLogAppendTime, setPartitionLeaderEpoch } from '../../../src/protocol/records/rewrite.js'
import { encodeBatch, decodeBatch } from '../../../src/protocol/records/batch-codec.js'
import { readBatchHeader, TimestampType, timestampTypeOf, verifyBatchCrc } from '../../../src/protocol/records/batch-header.js'

test('rewriting baseOffset and leader epoch keeps the CRC valid and shifts record offsets', () => {
  const b = encodeBatch([{ value: 'a' }, { value: 'b' }])
  setBaseOffset(b, 0, 1_000_000_000_123)
  setPartitionLeaderEpoch(b, 0, 0)
  verifyBatchCrc(b, 0, b.length)
  assert.deepEqual(decodeBatch(b).records.map(r => r.offset), [1_000_000_000_123, 1_000_000_000_124])
  assert.equal(readBatchHeader(b).partitionLeaderEpoch, 0)
})

test('LogAppendTime sets the timestamp type and max timestamp, recomputes the CRC, and stamps every record', () => {
  const b = encodeBatch([{ value: 'a', timestamp: 5 }, { value: 'b', timestamp: 9 }])
  setLogAppendTime(b, 0, b.length, 123456)
  verifyBatchCrc(b, 0, b.length)
  const h = readBatchHeader(b)
  assert.equal(timestampTypeOf(h.attributes), TimestampType.logAppendTime)
  assert.equal(h.maxTimestamp, 123456)
  assert.deepEqual(decodeBatch(b).records.map(r => r.timestamp), [123456, 123456])
})
