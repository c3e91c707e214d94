import { test } from 'node:test'
import assert from 'node:assert/strict'
import { TimeIndex } from '../../src/log/time-index.js'

test('lookup starts at the last entry whose max-timestamp-before is below the target', () => {
  const idx = new TimeIndex(1)
  idx.append(-1, 0)
  idx.append(100, 10)
  idx.append(250, 20)
  assert.equal(idx.lookup(50), 0)
  assert.equal(idx.lookup(100), 0)
  assert.equal(idx.lookup(101), 10)
  assert.equal(idx.lookup(251), 20)
})

test('time index entries survive encoding and truncate by relative offset', () => {
  const idx = new TimeIndex()
  for (let i = 0; i < 100; i++) idx.append(1_700_000_000_000 + i, i * 2)
  const copy = TimeIndex.decodeEntries(idx.encodeEntries(), idx.count)
  assert.equal(copy.lookup(1_700_000_000_050), 98)
  copy.truncateToRelOffset(20)
  assert.equal(copy.count, 10)
})
