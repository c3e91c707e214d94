import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FramePool } from '../../src/broker/frame-pool.js'

test('a released frame buffer serves the next frame of the same size class', () => {
  const pool = new FramePool(1 << 24)
  const a = pool.acquire(1_000_000)
  assert.equal(a.length, 1_000_000)
  pool.release(a)
  assert.equal(pool.idleBytes, 1 << 20)
  const b = pool.acquire(600_000)
  assert.equal(b.length, 600_000)
  assert.equal(b.buffer, a.buffer)
  assert.equal(pool.idleBytes, 0)
})

test('buffers are not shared before release', () => {
  const pool = new FramePool(1 << 24)
  const a = pool.acquire(100_000)
  const b = pool.acquire(100_000)
  assert.notEqual(a.buffer, b.buffer)
})

test('releasing twice, or releasing a buffer the pool did not hand out, is ignored', () => {
  const pool = new FramePool(1 << 24)
  const a = pool.acquire(100_000)
  pool.release(a)
  pool.release(a)
  pool.release(Buffer.allocUnsafeSlow(100_000))
  assert.equal(pool.idleBytes, 131_072)
  const b = pool.acquire(100_000)
  const c = pool.acquire(100_000)
  assert.notEqual(b.buffer, c.buffer, 'one released buffer is handed out once')
})

test('idle memory stays under the cap', () => {
  const pool = new FramePool(300_000)
  const frames = [pool.acquire(100_000), pool.acquire(100_000), pool.acquire(100_000)]
  for (const f of frames) pool.release(f)
  assert.equal(pool.idleBytes, 262_144)
})

test('small frames come from Node\'s shared slab and are never pooled', () => {
  const pool = new FramePool(1 << 24)
  const small = pool.acquire(100)
  assert.equal(small.length, 100)
  pool.release(small)
  assert.equal(pool.idleBytes, 0)
})
