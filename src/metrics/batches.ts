// Counting records in record-batch bytes without decoding them: a v2 batch
// header holds its length at byte 8 and its record count at byte 57, so a walk
// over the headers is enough (Kafka's BytesIn/MessagesIn meters do the same).
// A fetch answer may end with a partial batch (Kafka allows it): its records
// are not counted, its bytes are.
import { decodeBatch } from '../protocol/records/batch-codec.js'

const LENGTH_AT = 8
const MAGIC_AT = 16
const RECORD_COUNT_AT = 57
const HEADER_BYTES = 61
const LOG_OVERHEAD = 12

/** Records in the whole v2 batches of `chunks` (consecutive buffers of one byte stream). */
export function countRecords (chunks: readonly Buffer[]): number {
  if (chunks.length === 1) return countIn(chunks[0]!)
  if (chunks.length === 0) return 0
  // Rare: a read split over buffers. Joining costs a copy, only of what this one response holds.
  return countIn(Buffer.concat(chunks as Buffer[]))
}

function countIn (bytes: Buffer): number {
  let records = 0
  let at = 0
  while (at + HEADER_BYTES <= bytes.length) {
    const size = LOG_OVERHEAD + bytes.readInt32BE(at + LENGTH_AT)
    if (size < HEADER_BYTES || at + size > bytes.length) break
    if (bytes[at + MAGIC_AT] === 2) records += bytes.readInt32BE(at + RECORD_COUNT_AT)
    at += size
  }
  return records
}

export function byteLength (chunks: readonly Buffer[]): number {
  let n = 0
  for (const c of chunks) n += c.length
  return n
}

/**
 * The timestamp of the first record at or after `offset` in the batch that
 * starts `bytes` (records are decoded, and decompressed if need be, so the
 * answer is the record's own timestamp, not its batch's). Null if the bytes
 * do not start with a whole v2 batch.
 */
export function recordTimestampAt (bytes: Buffer, offset: number): number | null {
  if (bytes.length < HEADER_BYTES || bytes[MAGIC_AT] !== 2) return null
  const { header, records } = decodeBatch(bytes)
  for (const record of records) if (record.offset >= offset) return record.timestamp
  // every record before `offset` was compacted away: the batch's newest time is the closest
  return header.maxTimestamp
}
