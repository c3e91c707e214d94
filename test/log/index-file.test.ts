import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  decodeOffsetIndexFile, decodeTimeIndexFile, encodeOffsetIndexFile, encodeTimeIndexFile, INDEX_FORMAT_VERSION,
} from '../../src/log/index-file.js'
import { OffsetIndex } from '../../src/log/offset-index.js'
import { TimeIndex } from '../../src/log/time-index.js'
import { at } from '../helpers/at.js'

const summary = { coveredBytes: 123456, nextOffset: 99, maxTimestamp: 1_700_000_000_000, maxTimestampBatchOffset: 90, createdMs: 5 }

test('the offset index file carries the segment summary and entries', () => {
  const idx = new OffsetIndex()
  idx.append(3, 4096)
  const file = encodeOffsetIndexFile(summary, idx)
  assert.equal(file.readUInt16BE(4), INDEX_FORMAT_VERSION)
  const back = decodeOffsetIndexFile(file)!
  assert.deepEqual(back.summary, summary)
  assert.equal(back.index.lookup(5), 4096)
})

test('a damaged, truncated or other-version index file is ignored', () => {
  const file = encodeOffsetIndexFile(summary, new OffsetIndex())
  const flipped = Buffer.from(file); flipped.writeUInt8(flipped.readUInt8(10) ^ 1, 10)
  assert.equal(decodeOffsetIndexFile(flipped), null)
  assert.equal(decodeOffsetIndexFile(file.subarray(0, file.length - 1)), null)
  const other = Buffer.from(file); other.writeUInt16BE(99, 4)
  assert.equal(decodeOffsetIndexFile(other), null)
  assert.equal(decodeOffsetIndexFile(null), null)
})

test('the time index file round-trips and rejects damage', () => {
  const t = new TimeIndex()
  t.append(10, 1)
  t.append(20, 5)
  const file = encodeTimeIndexFile(t)
  assert.equal(decodeTimeIndexFile(file)!.lookup(15), 1)
  const flipped = Buffer.from(file); flipped[file.length - 6] = at(flipped, file.length - 6) ^ 1
  assert.equal(decodeTimeIndexFile(flipped), null)
})
