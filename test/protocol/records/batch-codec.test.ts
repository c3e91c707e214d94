import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeBatch, encodeBatch } from '../../../src/protocol/records/batch-codec.js'
import { Compression, compressionOf, isControl, readBatchHeader } from '../../../src/protocol/records/batch-header.js'
import { fetchV4RecordSets, produceRecordSets } from './fixtures.js'

for (const [name, codec] of Object.entries(Compression)) {
  test(`a ${name} batch round-trips through encode and decode`, () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `value-${i}-`.repeat(20), timestamp: 1_700_000_000_000 + i, headers: [{ key: 'i', value: String(i) }] }))
    const b = encodeBatch(records, { compression: codec, producerId: 9, producerEpoch: 1, baseSequence: 0 })
    assert.equal(compressionOf(readBatchHeader(b).attributes), codec)
    const d = decodeBatch(b)
    assert.equal(d.records.length, 50)
    assert.equal(d.records[49]!.value!.toString(), 'value-49-'.repeat(20))
    assert.equal(d.records[49]!.timestamp, 1_700_000_000_049)
    assert.equal(d.header.maxTimestamp, 1_700_000_000_049)
    assert.equal(d.records[7]!.headers[0]!.value!.toString(), '7')
  })
}

test('control and transactional flags are set in the attributes', () => {
  const b = encodeBatch([{ key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }], { control: true, transactional: true })
  assert.equal(isControl(readBatchHeader(b).attributes), true)
})

test('batches produced by kafkajs decode', () => {
  for (const { records } of produceRecordSets()) {
    const d = decodeBatch(records)
    assert.equal(d.records.length, d.header.recordCount)
    assert.ok(d.records.length > 0)
  }
})

test('batches served by a real broker decode, including gzip and snappy', () => {
  const plain = fetchV4RecordSets('')
  assert.equal(decodeBatch(plain[0]!.records).records[0]!.key!.toString(), 'key-0')
  const gzip = fetchV4RecordSets('gzip')
  assert.equal(compressionOf(readBatchHeader(gzip[0]!.records).attributes), Compression.gzip)
  assert.ok(decodeBatch(gzip[0]!.records).records.length > 0)
  const snappy = fetchV4RecordSets('snappy')
  assert.equal(compressionOf(readBatchHeader(snappy[0]!.records).attributes), Compression.snappy)
  assert.match(decodeBatch(snappy[0]!.records).records[0]!.value!.toString(), /^value-/)
})

test('an empty record list cannot make a batch', () => {
  assert.throws(() => encodeBatch([]), /at least one record/)
})
