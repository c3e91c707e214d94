import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeRecords, encodeRecords } from '../../../src/protocol/records/record.js'
import { isRecordFormatError } from '../../../src/errors.js'

test('records with keys, null values and headers round-trip', () => {
  const data = encodeRecords([
    { key: 'k1', value: 'v1', headers: [{ key: 'h', value: 'x' }, { key: 'n', value: null }], timestamp: 100 },
    { key: null, value: null, timestamp: 90 },
    { value: Buffer.from([0, 1, 2]) },
  ], 100)
  const recs = decodeRecords(data, 3, { baseOffset: 10, baseTimestamp: 100 })
  assert.equal(recs[0]!.key!.toString(), 'k1')
  assert.equal(recs[0]!.value!.toString(), 'v1')
  assert.deepEqual(recs[0]!.headers.map(h => [h.key, h.value?.toString() ?? null]), [['h', 'x'], ['n', null]])
  assert.equal(recs[1]!.key, null)
  assert.equal(recs[1]!.value, null)
  assert.equal(recs[1]!.timestamp, 90)
  assert.deepEqual(recs.map(r => r.offset), [10, 11, 12])
  assert.deepEqual([...recs[2]!.value!], [0, 1, 2])
})

test('a record count larger than the data or a truncated record is corrupt', () => {
  const data = encodeRecords([{ value: 'hello' }], 0)
  assert.throws(() => decodeRecords(data, 1000, { baseOffset: 0, baseTimestamp: 0 }), isRecordFormatError)
  assert.throws(() => decodeRecords(data.subarray(0, data.length - 2), 1, { baseOffset: 0, baseTimestamp: 0 }), isRecordFormatError)
  assert.throws(() => decodeRecords(data, 2, { baseOffset: 0, baseTimestamp: 0 }), isRecordFormatError)
})

test('a field length that runs past its record is corrupt even if the batch has more bytes', () => {
  const data = encodeRecords([{ value: 'ab' }, { value: 'cd' }], 0)
  // first record: [len][attr][tsDelta][offDelta][keyLen=-1][valueLen=2]...; make valueLen 20
  const bad = Buffer.from(data)
  bad[5] = 40 // zig-zag 20
  assert.throws(() => decodeRecords(bad, 2, { baseOffset: 0, baseTimestamp: 0 }), /runs past the record/)
})

test('a zero-length record at the very end of the data is corrupt, not a RangeError', () => {
  assert.throws(() => decodeRecords(Buffer.from([0]), 1, { baseOffset: 0, baseTimestamp: 0 }), isRecordFormatError)
})

test('a record count the data could not hold at 7 bytes a record is refused before anything is allocated', () => {
  const data = encodeRecords([{ value: 'hello' }], 0)
  const padded = Buffer.concat([data, Buffer.alloc(6 * 7)])
  // 7 records would need 49 bytes: 1 real record plus 42 zero bytes cannot be 8 records
  assert.throws(() => decodeRecords(padded, padded.length, { baseOffset: 0, baseTimestamp: 0 }), /record count \d+ does not fit/)
  assert.throws(() => decodeRecords(padded, Math.floor(padded.length / 7) + 1, { baseOffset: 0, baseTimestamp: 0 }), /record count \d+ does not fit/)
})
