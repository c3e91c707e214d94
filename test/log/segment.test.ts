import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseSegmentFileName, Segment, segmentFileName } from '../../src/log/segment.js'
import { realFs } from '../../src/log/fs.js'
import { setBaseOffset } from '../../src/protocol/records/rewrite.js'
import { readBatchHeader } from '../../src/protocol/records/batch-header.js'
import { batch, tempDir } from './helpers.js'

async function fill (seg: Segment, count: number, recordsPerBatch = 2): Promise<void> {
  for (let i = 0; i < count; i++) {
    const b = batch(`s${i}`, recordsPerBatch, 1000 + i)
    setBaseOffset(b, 0, seg.nextOffset)
    await seg.fh.writev([b], seg.size)
    seg.onAppended(seg.size, b.length, { baseOffset: seg.nextOffset, lastOffset: seg.nextOffset + recordsPerBatch - 1, maxTimestamp: 1000 + i })
    seg.size += b.length
  }
}

test('segment file names are 20-digit base offsets', () => {
  assert.equal(segmentFileName(42, '.log'), '00000000000000000042.log')
  assert.equal(parseSegmentFileName('00000000000000000042.log'), 42)
  assert.equal(parseSegmentFileName('00000000000000000042.index'), null)
})

test('readFrom finds the batch holding the offset through the sparse index', async () => {
  const dir = await tempDir()
  const seg = await Segment.create(realFs, dir, 100, 0, () => 150)
  await fill(seg, 20)
  assert.ok(seg.offsetIndex.count > 3)
  const r = (await seg.readFrom(117, 1, true))!
  assert.equal(readBatchHeader(r.chunks[0]!).baseOffset, 116)
  assert.equal(await seg.readFrom(140, 1000, true), null)
  await seg.close()
})

test('a segment whose index covers the whole file loads without reading the log', async () => {
  const dir = await tempDir()
  const seg = await Segment.create(realFs, dir, 0, 5, () => 100)
  await fill(seg, 10)
  await seg.sync()
  await seg.writeIndexes()
  await seg.close()
  const { segment, recovery } = await Segment.load(realFs, dir, 0, () => 100, 9)
  assert.equal(recovery, null)
  assert.equal(segment.nextOffset, 20)
  assert.equal(segment.maxTimestamp, 1009)
  assert.equal(segment.createdMs, 5)
  await segment.close()
})

test('bytes beyond the index are scanned and a torn batch is truncated', async () => {
  const dir = await tempDir()
  const seg = await Segment.create(realFs, dir, 0, 0, () => 100)
  await fill(seg, 3)
  await seg.sync()
  await seg.writeIndexes()
  await fill(seg, 2)
  const good = seg.size
  const torn = batch('t', 3)
  await seg.fh.writev([torn.subarray(0, 30)], seg.size)
  await seg.close()
  const { segment, recovery } = await Segment.load(realFs, dir, 0, () => 100, 0)
  assert.equal(recovery!.stopReason, 'torn')
  assert.equal(segment.size, good)
  assert.equal(await segment.fh.size(), good)
  assert.equal(segment.nextOffset, 10)
  await segment.close()
})
