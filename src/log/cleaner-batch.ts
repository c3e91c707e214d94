// Rewriting one batch for compaction, as Kafka's cleaner does: the batch keeps
// its baseOffset, lastOffsetDelta, producer fields and codec; the records kept
// keep their bytes (so their offset and timestamp deltas); the records section
// is re-compressed with the batch's own codec and the CRC recomputed.
import {
  AttributeBits, BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, BatchOffsets, computeBatchCrc, writeInt64,
} from '../protocol/records/batch-header.js'
import { compress } from '../protocol/records/compression.js'
import { recordsSection, walkRecords } from './cleaner-records.js'
import type { BatchFacts, RawRecord } from './cleaner-records.js'

export type BatchOutcome =
  | { action: 'keep' }
  | { action: 'drop' }
  | { action: 'rewrite', bytes: Buffer }

/**
 * Applies `retain` to every record of a data batch. `retainEmpty` keeps a
 * header-only batch when no record survives (the last batch of an idempotent
 * producer, so its sequence numbers survive cleaning).
 */
export function filterBatch (batch: Buffer, facts: BatchFacts, retain: (r: RawRecord) => boolean, retainEmpty: boolean): BatchOutcome {
  const section = recordsSection(batch, facts)
  const kept: Array<[number, number]> = []
  let keptCount = 0
  let maxTimestamp = -1
  walkRecords(section, facts, r => {
    if (!retain(r)) return
    keptCount++
    if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp
    const last = kept[kept.length - 1]
    if (last !== undefined && last[1] === r.start) last[1] = r.end; else kept.push([r.start, r.end])
  })
  if (keptCount === facts.recordCount) return { action: 'keep' }
  if (keptCount === 0) return retainEmpty ? { action: 'rewrite', bytes: emptyBatch(batch) } : { action: 'drop' }
  const body = kept.length === 1 ? section.subarray(kept[0]![0], kept[0]![1]) : Buffer.concat(kept.map(([s, e]) => section.subarray(s, e)))
  const compressed = compress(facts.codec, body)
  const size = BATCH_HEADER_SIZE + compressed.length
  const out = Buffer.allocUnsafe(size)
  batch.copy(out, 0, 0, BATCH_HEADER_SIZE)
  out.writeInt32BE(size - BATCH_LOG_OVERHEAD, BatchOffsets.batchLength)
  out.writeInt32BE(keptCount, BatchOffsets.recordCount)
  // LogAppendTime batches carry the append time in maxTimestamp: it stays
  if (!facts.logAppendTime) writeInt64(out, maxTimestamp, BatchOffsets.maxTimestamp)
  compressed.copy(out, BATCH_HEADER_SIZE)
  out.writeUInt32BE(computeBatchCrc(out, 0, size), BatchOffsets.crc)
  return { action: 'rewrite', bytes: out }
}

/** A batch with the same header and no records (uncompressed, as Kafka writes one). */
export function emptyBatch (batch: Buffer): Buffer {
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE)
  batch.copy(out, 0, 0, BATCH_HEADER_SIZE)
  out.writeInt32BE(BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD, BatchOffsets.batchLength)
  const attributes = out.readInt16BE(BatchOffsets.attributes)
  out.writeInt16BE(attributes & ~AttributeBits.compressionMask, BatchOffsets.attributes)
  out.writeInt32BE(0, BatchOffsets.recordCount)
  out.writeUInt32BE(computeBatchCrc(out, 0, BATCH_HEADER_SIZE), BatchOffsets.crc)
  return out
}
