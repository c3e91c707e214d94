/* eslint-disable @typescript-eslint/no-explicit-any -- assert.throws/rejects validators read the thrown error's code fields */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { splitBatches } from '../../../src/protocol/records/split.js'
import { encodeBatch } from '../../../src/protocol/records/batch-codec.js'
import { BatchOffsets } from '../../../src/protocol/records/batch-header.js'
import { TributaryErrorCode } from '../../../src/errors.js'
import { produceRecordSets } from './fixtures.js'
import { at } from '../../helpers/at.js'

const code = (c: string) => (err: unknown) => (err as { code?: string }).code === c

test('concatenated batches split into spans with positions and headers', () => {
  const a = encodeBatch([{ value: 'a' }])
  const b = encodeBatch([{ value: 'b' }, { value: 'c' }])
  const spans = splitBatches(Buffer.concat([a, b]))
  assert.deepEqual(spans.map(s => [s.position, s.size, s.header.recordCount]), [[0, a.length, 1], [a.length, b.length, 2]])
})

test('real produce payloads from kafkajs split without error', () => {
  for (const { records } of produceRecordSets()) assert.ok(splitBatches(records).length >= 1)
})

test('a batch larger than the limit is MESSAGE_TOO_LARGE', () => {
  const a = encodeBatch([{ value: Buffer.alloc(1000) }])
  assert.throws(() => splitBatches(a, { maxBatchBytes: 500 }), code(TributaryErrorCode.MESSAGE_TOO_LARGE))
})

test('a length running past the payload is CORRUPT_MESSAGE', () => {
  const a = encodeBatch([{ value: 'abc' }])
  assert.throws(() => splitBatches(a.subarray(0, a.length - 1)), code(TributaryErrorCode.CORRUPT_MESSAGE))
  const lying = Buffer.from(a)
  lying.writeInt32BE(1_000_000, BatchOffsets.batchLength)
  assert.throws(() => splitBatches(lying), code(TributaryErrorCode.CORRUPT_MESSAGE))
  const tiny = Buffer.from(a)
  tiny.writeInt32BE(10, BatchOffsets.batchLength)
  assert.throws(() => splitBatches(tiny), code(TributaryErrorCode.CORRUPT_MESSAGE))
})

test('magic 0 and 1 are refused as UNSUPPORTED_FOR_MESSAGE_FORMAT, other magics as corrupt', () => {
  for (const magic of [0, 1]) {
    const a = encodeBatch([{ value: 'abc' }])
    a.writeInt8(magic, BatchOffsets.magic)
    assert.throws(() => splitBatches(a), (err: any) => err.code === TributaryErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT && err.kafkaCode === 43)
  }
  const a = encodeBatch([{ value: 'abc' }])
  a.writeInt8(7, BatchOffsets.magic)
  assert.throws(() => splitBatches(a), code(TributaryErrorCode.CORRUPT_MESSAGE))
})

test('a bad CRC is CORRUPT_MESSAGE unless checking is turned off', () => {
  const a = encodeBatch([{ value: 'abc' }])
  a[a.length - 1] = at(a, a.length - 1) ^ 1
  assert.throws(() => splitBatches(a), code(TributaryErrorCode.CORRUPT_MESSAGE))
  assert.equal(splitBatches(a, { verifyCrc: false }).length, 1)
})

test('an empty payload or one with a record count that disagrees with lastOffsetDelta is refused', () => {
  assert.throws(() => splitBatches(Buffer.alloc(0)), code(TributaryErrorCode.CORRUPT_MESSAGE))
  const a = encodeBatch([{ value: 'a' }, { value: 'b' }])
  a.writeInt32BE(5, BatchOffsets.lastOffsetDelta)
  assert.throws(() => splitBatches(a, { verifyCrc: false }), code(TributaryErrorCode.INVALID_RECORD))
})
