import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Writer, ZERO_COPY_THRESHOLD, sizeOfUvarint } from '../../../src/protocol/primitives/writer.js'

test('large buffers are appended as their own chunk without copying', () => {
  const batch = Buffer.alloc(ZERO_COPY_THRESHOLD * 2, 7)
  const w = new Writer()
  w.int32(1).bytes(batch).int16(2)
  const chunks = w.toChunks()
  assert.equal(chunks.length, 3)
  assert.equal(chunks[1], batch)
  assert.equal(w.length, 4 + 4 + batch.length + 2)
  const all = w.toBuffer()
  assert.equal(all.readInt32BE(0), 1)
  assert.equal(all.readInt32BE(4), batch.length)
  assert.equal(all.readInt16BE(8 + batch.length), 2)
})

test('small buffers are copied into the scratch buffer', () => {
  const w = new Writer()
  w.raw(Buffer.from([1, 2, 3])).raw(Buffer.from([4]))
  assert.equal(w.toChunks().length, 1)
  assert.deepEqual([...w.toBuffer()], [1, 2, 3, 4])
})

test('writes larger than the scratch buffer spill into new chunks in order', () => {
  const w = new Writer(8)
  for (let i = 0; i < 1000; i++) w.int32(i)
  const all = w.toBuffer()
  assert.equal(all.length, 4000)
  for (let i = 0; i < 1000; i++) assert.equal(all.readInt32BE(i * 4), i)
})

test('a reserved slot can be filled after later writes', () => {
  const w = new Writer(8)
  const slot = w.reserve(4)
  for (let i = 0; i < 100; i++) w.int32(i)
  slot.writeInt32BE(w.length - 4)
  const all = w.toBuffer()
  assert.equal(all.readInt32BE(0), 400)
  assert.equal(all.readInt32BE(4 + 99 * 4), 99)
})

test('append takes over another writer\'s bytes', () => {
  const inner = new Writer().int16(5).raw(Buffer.alloc(ZERO_COPY_THRESHOLD, 1))
  const outer = new Writer().int8(9).append(inner)
  const all = outer.toBuffer()
  assert.equal(all.length, 1 + 2 + ZERO_COPY_THRESHOLD)
  assert.equal(all[0], 9)
  assert.equal(all.readInt16BE(1), 5)
})

test('sizeOfUvarint matches the bytes written', () => {
  for (const v of [0, 127, 128, 16383, 16384, 2 ** 21, 2 ** 32 - 1]) {
    assert.equal(sizeOfUvarint(v), new Writer().uvarint(v).length)
  }
})

test('strings longer than an int16 can hold are refused', () => {
  assert.throws(() => new Writer().string('x'.repeat(40000)), { code: 'TRIB_ERR_ENCODE' })
})

test('int64 written from a number matches the bigint encoding, negatives included', () => {
  for (const v of [0, 1, -1, 2 ** 32, -(2 ** 32) - 5, 1700000000123, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
    assert.deepEqual(new Writer().int64(v).toBuffer(), new Writer().int64(BigInt(v)).toBuffer(), String(v))
  }
})
