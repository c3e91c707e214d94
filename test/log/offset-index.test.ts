import { test } from 'node:test'
import assert from 'node:assert/strict'
import { OffsetIndex } from '../../src/log/offset-index.js'

test('lookup returns the position of the last entry at or below the offset', () => {
  const idx = new OffsetIndex(2)
  idx.append(0, 0)
  idx.append(10, 4096)
  idx.append(25, 8200)
  assert.equal(idx.lookup(0), 0)
  assert.equal(idx.lookup(9), 0)
  assert.equal(idx.lookup(10), 4096)
  assert.equal(idx.lookup(24), 4096)
  assert.equal(idx.lookup(1000), 8200)
  assert.equal(new OffsetIndex().lookup(5), 0)
})

test('entries survive encoding and truncation drops entries at or past a position', () => {
  const idx = new OffsetIndex()
  for (let i = 0; i < 200; i++) idx.append(i * 3, i * 100)
  const copy = OffsetIndex.decodeEntries(idx.encodeEntries(), idx.count)
  assert.equal(copy.count, 200)
  assert.equal(copy.lookup(301), 10000)
  copy.truncateToPosition(5000)
  assert.equal(copy.count, 50)
  assert.equal(copy.lookup(1000), 4900)
})
