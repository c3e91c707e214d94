import { test } from 'node:test'
import assert from 'node:assert/strict'
import { encodeBatch } from '../../../src/protocol/records/batch-codec.js'
import { BatchOffsets, Compression, readInt64, verifyBatchCrc, writeInt64 } from '../../../src/protocol/records/batch-header.js'
import { TributaryError, TributaryErrorCode } from '../../../src/errors.js'
import { encodeRecords } from '../../../src/protocol/records/record.js'
import { splitBatches } from '../../../src/protocol/records/split.js'
import { validateRecords } from '../../../src/protocol/records/validate.js'
import { batchClaiming, batchWithCodec, batchWithRecordBytes, bombBatch, fixCrc } from '../../helpers/hostile-batches.js'

const options = { maxDecompressedBytes: 64 * 1024 * 1024, requireKeys: false }

function check (payload: Buffer, opts = options): void {
  validateRecords(payload, splitBatches(payload), opts)
}

function refusedWith (code: string, pattern?: RegExp): (err: unknown) => boolean {
  return err => err instanceof TributaryError && err.code === code && (pattern === undefined || pattern.test(err.message))
}

test('well-formed batches in every codec pass, keys and headers included', () => {
  for (const compression of [Compression.none, Compression.gzip, Compression.snappy, Compression.lz4, Compression.zstd]) {
    const batch = encodeBatch([
      { key: 'k', value: 'v', headers: [{ key: 'h', value: 'x' }], timestamp: 1000 },
      { key: null, value: null, timestamp: 1005 },
    ], { compression })
    check(Buffer.concat([batch, encodeBatch([{ value: 'second batch' }], { compression })]))
  }
})

test('a header claiming 2^31-1 records around one real record is INVALID_RECORD', () => {
  assert.throws(() => check(batchClaiming(2 ** 31 - 1)), refusedWith(TributaryErrorCode.INVALID_RECORD, /claims 2147483647 records/))
})

test('a header claiming one record more than the batch holds is INVALID_RECORD naming the missing record', () => {
  const batch = batchClaiming(3, [{ value: 'a record long enough' }, { value: 'to pass the quick size check' }])
  assert.throws(() => check(batch), (err: unknown) => err instanceof TributaryError && err.code === TributaryErrorCode.INVALID_RECORD &&
    err.recordErrors?.[0]?.batchIndex === 2)
})

test('bytes left over after the last record are INVALID_RECORD', () => {
  const records = Buffer.concat([encodeRecords([{ value: 'a' }], 0), Buffer.from([0, 0, 0])])
  assert.throws(() => check(batchWithRecordBytes(records)), refusedWith(TributaryErrorCode.INVALID_RECORD, /bytes left after/))
})

test('garbage records behind a valid CRC are INVALID_RECORD', () => {
  assert.throws(() => check(batchWithRecordBytes(Buffer.alloc(40, 0xff))), refusedWith(TributaryErrorCode.INVALID_RECORD))
})

test('offset deltas out of order are INVALID_RECORD', () => {
  const records = encodeRecords([{ value: 'a' }, { value: 'b' }], 0)
  // the second record's offset delta: [len][attr][tsDelta][offDelta]; record 1 starts after record 0
  const first = records[0]! >> 1
  records[1 + first + 3] = 2 * 5
  assert.throws(() => check(batchWithRecordBytes(records, 2)), refusedWith(TributaryErrorCode.INVALID_RECORD, /offset delta 5/))
})

test('an unknown compression codec is UNSUPPORTED_COMPRESSION_TYPE', () => {
  for (const codec of [5, 6, 7]) {
    assert.throws(() => check(batchWithCodec(codec)), refusedWith(TributaryErrorCode.UNSUPPORTED_COMPRESSION_TYPE))
  }
})

test('a 1 GiB bomb in each codec is refused at the inflation cap, not inflated', () => {
  for (const codec of [Compression.gzip, Compression.zstd, Compression.snappy, Compression.lz4]) {
    const before = process.memoryUsage().arrayBuffers
    assert.throws(() => check(bombBatch(codec, 1024), { ...options, maxDecompressedBytes: 8 * 1024 * 1024 }),
      refusedWith(TributaryErrorCode.MESSAGE_TOO_LARGE), `codec ${codec}`)
    assert.ok(process.memoryUsage().arrayBuffers - before < 256 * 1024 * 1024, `codec ${codec} held far more than the cap`)
  }
})

test('keyless records on a compacted topic are each named with Kafka\'s message', () => {
  const batch = encodeBatch([{ key: 'a', value: '1' }, { key: null, value: '2' }, { value: '3' }])
  assert.throws(() => check(batch, { ...options, requireKeys: true }), (err: unknown) => {
    assert.ok(err instanceof TributaryError)
    assert.equal(err.code, TributaryErrorCode.INVALID_RECORD)
    assert.deepEqual(err.recordErrors, [
      { batchIndex: 1, message: 'Compacted topic cannot accept message without key' },
      { batchIndex: 2, message: 'Compacted topic cannot accept message without key' },
    ])
    return true
  })
  check(encodeBatch([{ key: 'a', value: '1' }]), { ...options, requireKeys: true })
})

test('a CreateTime batch whose maxTimestamp lies gets the records\' largest timestamp and a fresh CRC', () => {
  const batch = encodeBatch([{ value: 'a', timestamp: 1000 }, { value: 'b', timestamp: 3000 }, { value: 'c', timestamp: 2000 }])
  writeInt64(batch, 99, BatchOffsets.maxTimestamp)
  fixCrc(batch)
  const spans = splitBatches(batch)
  validateRecords(batch, spans, options)
  assert.equal(readInt64(batch, BatchOffsets.maxTimestamp), 3000)
  assert.equal(spans[0]!.header.maxTimestamp, 3000)
  verifyBatchCrc(batch, 0, batch.length)
})

test('records and values of one, two and three varint bytes of length pass; a two-byte value length past its record is INVALID_RECORD', () => {
  // lengths 10, 100 and 10,000 bytes take one, two and three varint bytes: each decoding path of the walk
  const sizes = [10, 100, 10_000]
  check(encodeBatch(sizes.map(n => ({ key: 'k'.repeat(n), value: 'v'.repeat(n), headers: [{ key: 'h'.repeat(n), value: 'x'.repeat(n) }] }))))
  const records = encodeRecords([{ value: 'v'.repeat(100), timestamp: 0 }], 0)
  // [length: 2 bytes][attributes][timestamp delta][offset delta][key: -1][value length: 2 bytes][value][header count]:
  // 101 bytes would still end inside the record (taking the header count's byte); 102 run past it
  const valueLength = 2 + 1 + 1 + 1 + 1
  assert.equal(records[valueLength], 0xc8) // zigzag(100) = 200, low 7 bits with the continuation bit
  records[valueLength] = 0xcc // zigzag(102)
  assert.throws(() => check(batchWithRecordBytes(records)), refusedWith(TributaryErrorCode.INVALID_RECORD, /field of 102 bytes runs past the record/))
})
