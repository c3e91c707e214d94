import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FrameReader } from '../../src/protocol/frame-reader.js'

function framed (...bodies: Buffer[]): Buffer {
  return Buffer.concat(bodies.flatMap(b => { const size = Buffer.alloc(4); size.writeInt32BE(b.length); return [size, b] }))
}

function body (size: number, seed: number): Buffer {
  const b = Buffer.alloc(size)
  for (let i = 0; i < size; i++) b[i] = (seed * 31 + i * 7) & 0xff
  return b
}

/** Feeds `stream` through pull mode, each read filling at most `readSizes` bytes in turn. */
function pullAll (reader: FrameReader, stream: Buffer, readSizes: number[]): boolean {
  let pos = 0
  for (let i = 0; pos < stream.length; i++) {
    const target = reader.readTarget()
    const n = Math.min(target.length, readSizes[i % readSizes.length]!, stream.length - pos)
    stream.copy(target, 0, pos, pos + n)
    pos += n
    if (!reader.filled(n)) return false
  }
  return true
}

test('push mode hands on a frame that arrives whole as a view of the chunk', () => {
  const got: Buffer[] = []
  const reader = new FrameReader(1000, f => { got.push(f); return true }, () => assert.fail('no oversize'))
  const chunk = framed(body(10, 1), body(20, 2))
  reader.push(chunk)
  assert.deepEqual(got, [body(10, 1), body(20, 2)])
  assert.equal(got[0]!.buffer, chunk.buffer)
})

test('push mode reassembles frames and size prefixes split across chunks at every byte', () => {
  const stream = framed(body(5, 1), body(300, 2), body(0, 3), body(70, 4))
  for (const step of [1, 2, 3, 7, 64]) {
    const got: Buffer[] = []
    const reader = new FrameReader(1000, f => { got.push(Buffer.from(f)); return true }, () => assert.fail('no oversize'))
    for (let i = 0; i < stream.length; i += step) reader.push(stream.subarray(i, i + step))
    assert.deepEqual(got, [body(5, 1), body(300, 2), body(0, 3), body(70, 4)], `chunks of ${step}`)
  }
})

test('pull mode yields the same frames whatever the read sizes', () => {
  const bodies = [body(5, 1), body(200_000, 2), body(0, 3), body(70, 4), body(90_000, 5), body(3, 6)]
  const stream = framed(...bodies)
  for (const sizes of [[1], [3, 5], [4096], [65536], [1_000_000], [10, 70_000, 2]]) {
    const got: Buffer[] = []
    const reader = new FrameReader(1_000_000, f => { got.push(Buffer.from(f)); return true }, () => assert.fail('no oversize'))
    assert.equal(pullAll(reader, stream, sizes), true)
    assert.deepEqual(got, bodies, `reads of ${sizes.join(',')}`)
  }
})

test('pull mode reads the rest of a large frame straight into its own buffer', () => {
  const allocated: Buffer[] = []
  const got: Buffer[] = []
  const reader = new FrameReader(1_000_000, f => { got.push(f); return true }, () => assert.fail('no oversize'),
    size => { const b = Buffer.alloc(size); allocated.push(b); return b })
  const big = body(500_000, 9)
  const stream = framed(big)
  const first = reader.readTarget()
  stream.copy(first, 0, 0, 1000)
  reader.filled(1000)
  const second = reader.readTarget()
  assert.equal(second.buffer, allocated[0]!.buffer, 'the next read lands in the frame buffer')
  assert.equal(second.length, 500_000 - 996)
  stream.copy(second, 0, 1000)
  reader.filled(second.length)
  assert.equal(got.length, 1)
  assert.equal(got[0], allocated[0])
  assert.deepEqual(got[0], big)
})

test('pull mode copies whole frames out of the staging buffer, so the next read cannot overwrite them', () => {
  const got: Buffer[] = []
  const reader = new FrameReader(1000, f => { got.push(f); return true }, () => assert.fail('no oversize'))
  const staging = reader.readTarget()
  const n = framed(body(8, 1)).copy(staging)
  reader.filled(n)
  staging.fill(0)
  assert.deepEqual(got[0], body(8, 1))
})

test('a size over the limit or negative stops reading and reports the size', () => {
  for (const size of [1001, -1]) {
    const prefix = Buffer.alloc(4)
    prefix.writeInt32BE(size)
    let reported: number | null = null
    const reader = new FrameReader(1000, () => assert.fail('no frame'), s => { reported = s })
    assert.equal(reader.push(Buffer.concat([prefix, Buffer.alloc(10)])), false)
    assert.equal(reported, size)
  }
})

test('reading stops once onFrame returns false', () => {
  let frames = 0
  const reader = new FrameReader(1000, () => { frames++; return false }, () => assert.fail('no oversize'))
  assert.equal(pullAll(reader, framed(body(4, 1), body(4, 2)), [100]), false)
  assert.equal(frames, 1)
})

test('a frame claiming 100 MB gets a buffer for what arrived, not for the claim, and grows to assemble it intact', () => {
  const allocated: number[] = []
  const got: Buffer[] = []
  const reader = new FrameReader(200_000_000, f => { got.push(f); return true }, () => assert.fail('no oversize'),
    size => { allocated.push(size); return Buffer.allocUnsafe(size) })
  const claim = Buffer.alloc(4)
  claim.writeInt32BE(100_000_000, 0)
  reader.push(Buffer.concat([claim, Buffer.alloc(10, 1)]))
  assert.ok(Math.max(...allocated) <= 1024 * 1024, `reserved ${Math.max(...allocated)} bytes up front`)

  const body = Buffer.alloc(3 * 1024 * 1024 + 5)
  for (let i = 0; i < body.length; i++) body[i] = i % 251
  const other = new FrameReader(200_000_000, f => { got.push(f); return true }, () => assert.fail('no oversize'))
  const size = Buffer.alloc(4)
  size.writeInt32BE(body.length, 0)
  const stream = Buffer.concat([size, body])
  for (let pos = 0; pos < stream.length; pos += 70_000) other.push(stream.subarray(pos, pos + 70_000))
  assert.equal(got.length, 1)
  assert.ok(got[0]!.equals(body))
})
