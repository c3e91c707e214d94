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
  // Fetches served from the tail cache are many buffers: walk the headers
  // across them (copying at most a header split between two) rather than
  // joining megabytes to count them.
  let total = 0
  for (const c of chunks) total += c.length
  let records = 0
  let pos = 0
  let index = 0
  let chunkStart = 0
  const headerAt = (at: number): Buffer => {
    while (chunkStart + chunks[index]!.length <= at) chunkStart += chunks[index++]!.length
    const chunk = chunks[index]!
    const from = at - chunkStart
    if (from + HEADER_BYTES <= chunk.length) return chunk.subarray(from, from + HEADER_BYTES)
    const pieces = [chunk.subarray(from)]
    let have = chunk.length - from
    for (let i = index + 1; have < HEADER_BYTES; i++) {
      const next = chunks[i]!.subarray(0, HEADER_BYTES - have)
      pieces.push(next)
      have += next.length
    }
    return Buffer.concat(pieces, HEADER_BYTES)
  }
  while (pos + HEADER_BYTES <= total) {
    const header = headerAt(pos)
    const size = LOG_OVERHEAD + header.readInt32BE(LENGTH_AT)
    if (size < HEADER_BYTES || pos + size > total) break
    if (header[MAGIC_AT] === 2) records += header.readInt32BE(RECORD_COUNT_AT)
    pos += size
  }
  return records
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
