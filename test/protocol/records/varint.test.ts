import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readVarint, readVarlong, sizeOfVarint, writeVarint } from '../../../src/protocol/records/varint.js'

test('zig-zag varints round-trip and have the protobuf sizes', () => {
  const buf = Buffer.alloc(16)
  for (const [v, size] of [[0, 1], [-1, 1], [1, 1], [63, 1], [-64, 1], [64, 2], [300, 2], [-2147483648, 5], [2147483647, 5]] as const) {
    const end = writeVarint(buf, v, 0)
    assert.equal(end, size)
    assert.equal(sizeOfVarint(v), size)
    assert.equal(readVarint(buf, { pos: 0 }), v)
  }
})

test('varlongs hold millisecond timestamps exactly', () => {
  const buf = Buffer.alloc(16)
  for (const v of [1_700_000_000_000, -1_700_000_000_000, 2 ** 52]) {
    const end = writeVarint(buf, v, 0)
    const cur = { pos: 0 }
    assert.equal(readVarlong(buf, cur), v)
    assert.equal(cur.pos, end)
  }
})

test('a varint running off the buffer or too long is refused', () => {
  assert.throws(() => readVarint(Buffer.from([0x80, 0x80]), { pos: 0 }), /past the end/)
  assert.throws(() => readVarint(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), { pos: 0 }), /too long/)
})
