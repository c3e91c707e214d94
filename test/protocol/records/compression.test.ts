/* eslint-disable @typescript-eslint/no-explicit-any -- assert.throws/rejects validators read the thrown error's code fields */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import snappy from 'snappy'
import { compressFrameSync } from 'lz4-napi'
import { compress as zstdCompress } from 'zstd-napi'
import { compress, decompress } from '../../../src/protocol/records/compression.js'
import { Compression } from '../../../src/protocol/records/batch-header.js'
import { isXerialFramed, snappyCompressXerial } from '../../../src/protocol/records/snappy-xerial.js'
import { lz4FrameSizeBound } from '../../../src/protocol/records/lz4-frame.js'
import { TributaryErrorCode } from '../../../src/errors.js'

const tooLarge = (err: unknown) => (err as { code?: string }).code === TributaryErrorCode.MESSAGE_TOO_LARGE
const corrupt = (err: unknown) => (err as { code?: string }).code === TributaryErrorCode.CORRUPT_MESSAGE
const data = Buffer.from('abcdefgh'.repeat(20_000))

test('every codec round-trips 160 KB', () => {
  for (const codec of Object.values(Compression)) {
    assert.deepEqual(decompress(codec, compress(codec, data)), data)
  }
})

test('snappy is written in xerial framing and both xerial and raw snappy are read', () => {
  const x = snappyCompressXerial(data)
  assert.ok(isXerialFramed(x))
  assert.deepEqual(decompress(Compression.snappy, x), data)
  assert.deepEqual(decompress(Compression.snappy, snappy.compressSync(data)), data)
})

test('a bomb is refused before its output is allocated, for every codec', () => {
  const huge = Buffer.alloc(8 * 1024 * 1024)
  assert.throws(() => decompress(Compression.gzip, gzipSync(huge), 1024 * 1024), tooLarge)
  assert.throws(() => decompress(Compression.snappy, snappy.compressSync(huge), 1024 * 1024), tooLarge)
  assert.throws(() => decompress(Compression.snappy, snappyCompressXerial(huge), 1024 * 1024), tooLarge)
  assert.throws(() => decompress(Compression.lz4, compressFrameSync(huge), 1024 * 1024), tooLarge)
  assert.throws(() => decompress(Compression.zstd, zstdCompress(huge), 1024 * 1024), tooLarge)
})

test('a raw snappy block that only claims a huge size is refused from its preamble', () => {
  // preamble says 2^31 bytes, no data follows
  const liar = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08])
  assert.throws(() => decompress(Compression.snappy, liar, 1024 * 1024), tooLarge)
})

test('the lz4 size bound is at least the real size and garbage is corrupt', () => {
  const frame = compressFrameSync(data)
  assert.ok(lz4FrameSizeBound(frame) >= data.length)
  assert.throws(() => decompress(Compression.lz4, Buffer.from('not lz4 at all')), corrupt)
  assert.throws(() => decompress(Compression.zstd, Buffer.from('not zstd at all')), corrupt)
  assert.throws(() => decompress(Compression.gzip, Buffer.from('not gzip at all')), corrupt)
})

test('an unknown codec is UNSUPPORTED_COMPRESSION_TYPE', () => {
  assert.throws(() => decompress(6, data), (err: any) => err.code === TributaryErrorCode.UNSUPPORTED_COMPRESSION_TYPE)
})

test('lz4 frames of every shape (random, runs, overlapping repeats, several blocks) decode to what was compressed', () => {
  for (const size of [0, 1, 13, 1000, 65535, 65537, 300_000]) {
    const shapes = [
      Buffer.from(Array.from({ length: size }, (_, i) => (i * 2654435761) >>> 24)),
      Buffer.alloc(size, 7),
      Buffer.from(Array.from({ length: size }, (_, i) => Math.floor(i / 200) % 7 + (i % 3))),
      Buffer.from('the quick brown fox jumps over '.repeat(Math.ceil(size / 31) + 1)).subarray(0, size)
    ]
    for (const shape of shapes) assert.ok(decompress(Compression.lz4, compressFrameSync(shape)).equals(shape), `size ${size}`)
  }
})
