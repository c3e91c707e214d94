import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Reader } from '../../../src/protocol/primitives/reader.js'
import { Writer } from '../../../src/protocol/primitives/writer.js'
import { TributaryError } from '../../../src/errors.js'

function malformed (fn: () => unknown): void {
  assert.throws(fn, (err: unknown) => err instanceof TributaryError && err.code === 'TRIB_ERR_MALFORMED')
}

function overLimit (fn: () => unknown): void {
  assert.throws(fn, (err: unknown) => err instanceof TributaryError && err.code === 'TRIB_ERR_LIMIT_EXCEEDED')
}

test('fixed-width integers read back what the writer wrote, including extremes', () => {
  const w = new Writer()
  w.int8(-128).int8(127).int16(-32768).int16(32767).uint16(65535).int32(-2147483648).int32(2147483647)
    .uint32(4294967295).int64(-9223372036854775808n).int64(9223372036854775807n).float64(-1.5).bool(true).bool(false)
  const r = new Reader(w.toBuffer())
  assert.equal(r.int8(), -128)
  assert.equal(r.int8(), 127)
  assert.equal(r.int16(), -32768)
  assert.equal(r.int16(), 32767)
  assert.equal(r.uint16(), 65535)
  assert.equal(r.int32(), -2147483648)
  assert.equal(r.int32(), 2147483647)
  assert.equal(r.uint32(), 4294967295)
  assert.equal(r.int64(), -9223372036854775808n)
  assert.equal(r.int64(), 9223372036854775807n)
  assert.equal(r.float64(), -1.5)
  assert.equal(r.bool(), true)
  assert.equal(r.bool(), false)
  assert.equal(r.remaining, 0)
})

test('unsigned varints use Kafka LEB128 bytes and round trip up to 2^32-1', () => {
  assert.deepEqual([...new Writer().uvarint(300).toBuffer()], [0xac, 0x02])
  for (const v of [0, 1, 127, 128, 16383, 16384, 2 ** 28, 2 ** 32 - 1]) {
    assert.equal(new Reader(new Writer().uvarint(v).toBuffer()).uvarint(), v)
  }
})

test('signed varints and varlongs zig-zag as Kafka does', () => {
  assert.deepEqual([...new Writer().varint(-1).toBuffer()], [1])
  assert.deepEqual([...new Writer().varint(1).toBuffer()], [2])
  for (const v of [0, -1, 1, -64, 64, -2147483648, 2147483647]) {
    assert.equal(new Reader(new Writer().varint(v).toBuffer()).varint(), v)
  }
  for (const v of [0n, -1n, 1n, 1700000000000n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n, -(2n ** 53n) - 7n]) {
    assert.equal(new Reader(new Writer().varlong(v).toBuffer()).varlong(), v)
  }
  for (const v of [0, -1, 1, 1700000000000, -1700000000000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
    const bytes = new Writer().varlong(v).toBuffer()
    assert.deepEqual(bytes, new Writer().varlong(BigInt(v)).toBuffer())
    assert.equal(new Reader(bytes).varlongNumber(), v)
  }
})

test('a varint running past 5 bytes or past the end is malformed', () => {
  malformed(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).uvarint())
  malformed(() => new Reader(Buffer.from([0x80, 0x80])).uvarint())
  malformed(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f])).uvarint())
  malformed(() => new Reader(Buffer.alloc(11, 0xff)).varlong())
})

test('strings round trip in classic and compact forms, with null', () => {
  const w = new Writer()
  w.string('héllo').nullableString(null).compactString('').compactNullableString(null).compactString('topic-ü')
  const r = new Reader(w.toBuffer())
  assert.equal(r.string(), 'héllo')
  assert.equal(r.nullableString(), null)
  assert.equal(r.compactString(), '')
  assert.equal(r.compactNullableString(), null)
  assert.equal(r.compactString(), 'topic-ü')
  assert.equal(r.remaining, 0)
})

test('null where the field is not nullable is malformed', () => {
  malformed(() => new Reader(Buffer.from([0xff, 0xff])).string())
  malformed(() => new Reader(Buffer.from([0])).compactString())
  malformed(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff])).bytes())
})

test('bytes come back as views of the input, not copies', () => {
  const input = new Writer().bytes(Buffer.from('abc')).compactBytes(Buffer.from('de')).toBuffer()
  const r = new Reader(input)
  const a = r.bytes()
  const b = r.compactBytes()
  assert.equal(a.toString(), 'abc')
  assert.equal(b.toString(), 'de')
  assert.equal(a.buffer, input.buffer)
  input[input.length - 1] = 0x45
  assert.equal(b.toString(), 'dE')
})

test('a length larger than the bytes remaining throws before allocating', () => {
  // 1 MiB declared (under the limit), 3 bytes present: TRIB_ERR_MALFORMED, nothing allocated.
  malformed(() => new Reader(Buffer.from([0x00, 0x10, 0x00, 0x00, 1, 2, 3])).bytes())
  // 2 GiB declared is over the default limit: refused as such before the bytes are even counted.
  overLimit(() => new Reader(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3])).bytes())
  malformed(() => new Reader(Buffer.from([0x00, 0x05, 0x61])).string())
  overLimit(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x07])).compactBytes())
  malformed(() => new Reader(Buffer.from([0x80, 0x01, 0x61])).compactBytes())
  overLimit(() => new Reader(Buffer.from([0x7f, 0xff, 0xff, 0xff])).arrayLength())
  malformed(() => new Reader(Buffer.from([0x00, 0x01, 0x00, 0x00])).arrayLength())
  malformed(() => new Reader(Buffer.from([0x00, 0x00, 0x00, 0x03, 0, 0, 0, 0])).arrayLength(4))
})

test('configured limits cap lengths and counts even when the bytes are there', () => {
  const limits = { maxBytesLength: 4, maxStringLength: 2, maxArrayLength: 3 }
  overLimit(() => new Reader(new Writer().bytes(Buffer.alloc(5)).toBuffer(), 0, undefined, limits).bytes())
  overLimit(() => new Reader(new Writer().string('abc').toBuffer(), 0, undefined, limits).string())
  overLimit(() => new Reader(Buffer.from([0, 0, 0, 4, 1, 2, 3, 4]), 0, undefined, limits).arrayLength())
  assert.equal(new Reader(new Writer().string('ab').toBuffer(), 0, undefined, limits).string(), 'ab')
})

test('reads past the end of the window are malformed, not RangeErrors', () => {
  const buf = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])
  const r = new Reader(buf, 2, 5)
  malformed(() => r.int32())
  assert.equal(r.int16(), 0x0304)
  malformed(() => r.int16())
  malformed(() => new Reader(Buffer.alloc(7)).int64())
  malformed(() => new Reader(Buffer.alloc(15)).uuid())
})

test('uuids are 32 lower-case hex digits', () => {
  const id = '0123456789abcdef0123456789abcdef'
  const bytes = new Writer().uuid(id).uuid('01234567-89ab-cdef-0123-456789abcdef').toBuffer()
  assert.equal(bytes.length, 32)
  const r = new Reader(bytes)
  assert.equal(r.uuid(), id)
  assert.equal(r.uuid(), id)
})

test('tagged fields hand known tags a bounded reader and skip unknown ones', () => {
  const w = new Writer()
  w.uvarint(2)
  w.uvarint(0).uvarint(4).int32(42)
  w.uvarint(7).uvarint(3).int8(1).int8(2).int8(3)
  w.int8(99)
  const r = new Reader(w.toBuffer())
  const seen: Array<[number, number]> = []
  r.taggedFields((tag, field) => { if (tag === 0) seen.push([tag, field.int32()]) })
  assert.deepEqual(seen, [[0, 42]])
  assert.equal(r.int8(), 99)
})

test('a tagged field claiming more bytes than remain is malformed', () => {
  malformed(() => new Reader(Buffer.from([1, 0, 10, 1])).taggedFields())
  malformed(() => new Reader(Buffer.from([100, 0])).taggedFields())
})
