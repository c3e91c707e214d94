// ListOffsets by timestamp. Kafka answers with the offset of the first RECORD
// whose timestamp is >= the target (not the first batch), so the batch found
// through the time index is decoded. LogAppendTime batches stamp every record
// with the batch's maxTimestamp.
import { decodeBatch } from '../protocol/records/batch-codec.js'
import { scanSegment } from './segment-scan.js'
import type { Segment } from './segment.js'

export interface TimestampLookup {
  offset: number
  timestamp: number
}

function firstRecordAtOrAfter (batch: Buffer, ts: number, minOffset: number): TimestampLookup | null {
  for (const r of decodeBatch(batch).records) {
    if (r.offset >= minOffset && r.timestamp >= ts) return { offset: r.offset, timestamp: r.timestamp }
  }
  return null
}

/** null when no record at or after logStartOffset has a timestamp >= ts (Kafka answers -1). */
export async function findOffsetForTimestamp (segments: Segment[], logStartOffset: number, logEndOffset: number, ts: number): Promise<TimestampLookup | null> {
  if (ts === -3) return findMaxTimestamp(segments, logStartOffset)
  for (const seg of segments) {
    if (seg.nextOffset <= logStartOffset || seg.maxTimestamp < ts || seg.isEmpty) continue
    const fromRel = seg.timeIndex.lookup(ts)
    const fromPos = seg.offsetIndex.lookup(fromRel)
    let found: TimestampLookup | null = null
    let error: unknown = null
    const end = seg.size
    await scanSegment(seg.fh, fromPos, end, false, b => {
      if (b.lastOffset < logStartOffset || b.maxTimestamp < ts || b.baseOffset >= logEndOffset) return
      try {
        found = firstRecordAtOrAfter(b.bytes, ts, logStartOffset)
      } catch (err) { error = err; return false }
      if (found !== null) return false
    })
    if (error !== null) throw error
    if (found !== null) return found
  }
  return null
}

async function findMaxTimestamp (segments: Segment[], logStartOffset: number): Promise<TimestampLookup | null> {
  let best: Segment | null = null
  for (const seg of segments) {
    if (seg.nextOffset <= logStartOffset || seg.isEmpty) continue
    if (best === null || seg.maxTimestamp > best.maxTimestamp) best = seg
  }
  if (best === null) return null
  const batchOffset = best.maxTimestampBatchOffset
  let found: TimestampLookup | null = null
  await scanSegment(best.fh, best.offsetIndex.lookup(batchOffset - best.baseOffset), best.size, false, b => {
    if (b.baseOffset < batchOffset) return
    found = firstRecordAtOrAfter(b.bytes, b.maxTimestamp, logStartOffset) ?? { offset: b.lastOffset, timestamp: b.maxTimestamp }
    return false
  })
  return found
}
