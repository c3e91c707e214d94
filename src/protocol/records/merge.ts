// Several plain record batches written one after the other as one batch, for a
// producer that coalesces appends to one partition into one Produce request:
// Apache Kafka takes one record batch per partition in a Produce of v3 and later.
// Only plain batches merge (no compression, not transactional, not a control
// batch, no producer id, CreateTime): their records carry nothing a merge could
// change but their offset and timestamp deltas, which are written again.
import { BATCH_HEADER_SIZE, readBatchHeader } from './batch-header.js'
import { decodeBatch, encodeBatch } from './batch-codec.js'
import type { RecordInput } from './record.js'

/** Whether `batch` (one encoded v2 batch) can be merged with others by mergeBatches. */
export function isMergeableBatch (batch: Buffer): boolean {
  if (batch.length < BATCH_HEADER_SIZE) return false
  const header = readBatchHeader(batch, 0)
  return header.magic === 2 && header.attributes === 0 && header.producerId === -1
}

/**
 * One batch holding the records of `batches` in order, each with its own timestamp,
 * key, value and headers; offsets run on from one batch to the next (the records of
 * batches[i] start at the sum of the record counts before it). Every batch must pass
 * isMergeableBatch.
 */
export function mergeBatches (batches: Buffer[]): Buffer {
  if (batches.length === 1) return batches[0]!
  const records: RecordInput[] = []
  for (const batch of batches) {
    for (const r of decodeBatch(batch, 0).records) records.push({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp })
  }
  return encodeBatch(records)
}

/** Records in one encoded batch (its header's lastOffsetDelta + 1). */
export function recordCountOf (batch: Buffer): number {
  return readBatchHeader(batch, 0).lastOffsetDelta + 1
}
