import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  AttributeBits, BATCH_HEADER_SIZE, BatchOffsets, Compression, compressionOf, computeBatchCrc, isControl,
  isTransactional, readBatchHeader, readInt64, timestampTypeOf, TimestampType, verifyBatchCrc, writeInt64,
} from '../../../src/protocol/records/batch-header.js'
import { encodeBatch } from '../../../src/protocol/records/batch-codec.js'
import { isRecordFormatError } from '../../../src/errors.js'
import { produceRecordSets } from './fixtures.js'
import { at } from '../../helpers/at.js'

test('int64 helpers round-trip negative, zero and large values', () => {
  const buf = Buffer.alloc(8)
  for (const v of [0, -1, 1, 2 ** 40 + 7, -(2 ** 40) - 3, Number.MAX_SAFE_INTEGER]) {
    writeInt64(buf, v, 0)
    assert.equal(readInt64(buf, 0), v)
    assert.equal(buf.readBigInt64BE(0), BigInt(v))
  }
})

test('a batch header is read field by field at Kafka offsets', () => {
  const b = encodeBatch([{ value: 'a', timestamp: 1000 }, { value: 'b', timestamp: 1500 }], {
    baseOffset: 42, producerId: 7, producerEpoch: 3, baseSequence: 11, transactional: true, compression: Compression.gzip,
  })
  const h = readBatchHeader(b)
  assert.equal(h.baseOffset, 42)
  assert.equal(h.batchLength, b.length - 12)
  assert.equal(h.magic, 2)
  assert.equal(h.lastOffsetDelta, 1)
  assert.equal(h.baseTimestamp, 1000)
  assert.equal(h.maxTimestamp, 1500)
  assert.equal(h.producerId, 7)
  assert.equal(h.producerEpoch, 3)
  assert.equal(h.baseSequence, 11)
  assert.equal(h.recordCount, 2)
  assert.equal(compressionOf(h.attributes), Compression.gzip)
  assert.equal(isTransactional(h.attributes), true)
  assert.equal(isControl(h.attributes), false)
  assert.equal(timestampTypeOf(h.attributes), TimestampType.createTime)
  assert.equal(timestampTypeOf(AttributeBits.logAppendTime), TimestampType.logAppendTime)
  assert.ok(b.length > BATCH_HEADER_SIZE)
})

test('the CRC covers attributes to the end and detects a flipped bit', () => {
  const b = encodeBatch([{ value: 'hello' }])
  verifyBatchCrc(b, 0, b.length)
  b[BatchOffsets.baseOffset + 3] = at(b, BatchOffsets.baseOffset + 3) ^ 0xff // outside the CRC'd range
  verifyBatchCrc(b, 0, b.length)
  b[b.length - 1] = at(b, b.length - 1) ^ 0x01
  assert.throws(() => verifyBatchCrc(b, 0, b.length), err => isRecordFormatError(err) && err.kafkaCode === 2)
})

test('CRCs written by a real Kafka client verify', () => {
  const sets = produceRecordSets()
  assert.ok(sets.length >= 5)
  for (const { records } of sets) {
    const h = readBatchHeader(records)
    assert.equal(h.magic, 2)
    assert.equal(computeBatchCrc(records, 0, h.batchLength + 12), h.crc)
  }
})
