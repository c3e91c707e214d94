// Checks a produced batch against the records it actually holds, as Kafka's
// LogValidator does before anything is written. A CRC only proves the bytes
// arrived as the client sent them, not that they mean what the header says: a
// header claiming 2^31-1 records around one real record would move the log end
// by 2^31, garbage records would reach every consumer, and a 32 KiB zstd frame
// can inflate to a gigabyte. So, per batch:
//   - the codec is one Kafka knows (else UNSUPPORTED_COMPRESSION_TYPE);
//   - compressed records are inflated with a size cap (the codecs stop at the
//     cap, they never inflate a bomb whole) and walked like plain ones;
//   - exactly recordCount records parse, filling the records section to its
//     last byte, with offset deltas 0, 1, 2, ... (INVALID_RECORD, naming the
//     record);
//   - on a compacted topic every record has a key (INVALID_RECORD with one
//     record error per keyless record, Kafka's message);
//   - maxTimestamp is the largest record timestamp: a CreateTime batch whose
//     header says otherwise gets the right value written in (and its CRC
//     recomputed), as Kafka rewrites it, so the time index never points wrong.
// The walk reads varints in place and materialises nothing: produce stays fast
// (bench/produce-validation.ts measures it).
import { BATCH_HEADER_SIZE, BatchOffsets, compressionOf, computeBatchCrc, timestampTypeOf, TimestampType, writeInt64 } from './batch-header.js'
import { decompress } from './compression.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'
import type { BatchSpan } from './split.js'

export interface RecordValidationOptions {
  /** Most bytes a compressed batch may inflate to. */
  maxDecompressedBytes: number
  /** cleanup.policy contains compact: keyless records are refused. */
  requireKeys: boolean
}

/** One record Kafka would name in a Produce response's record_errors. */
export interface RecordProblem {
  /** Index of the record within the produced payload (counting across its batches). */
  batchIndex: number
  message: string
}

/** The smallest possible record: length, attributes, timestamp delta, offset delta, key, value, header count. */
const MIN_RECORD_BYTES = 7
const KNOWN_CODECS = 4

// The walk's cursor lives in module scope: reading it is a plain load, which
// keeps the per-record loop free of object allocation and property lookups.
let at = 0
let end = 0

function invalid (message: string, problems?: RecordProblem[]): TributaryError {
  const err = new TributaryError(TributaryErrorCode.INVALID_RECORD, message)
  if (problems !== undefined) err.recordErrors = problems
  return err
}

function varint (buf: Buffer): number {
  // most varints in a record (lengths, deltas, counts) fit one byte
  if (at < end) {
    const first = buf[at]!
    if (first < 0x80) { at++; return (first >>> 1) ^ -(first & 1) }
  }
  let raw = 0
  let shift = 0
  for (;;) {
    if (at >= end) throw invalid('varint runs past the end of the record')
    const b = buf[at++]!
    raw |= (b & 0x7f) << shift
    if ((b & 0x80) === 0) break
    shift += 7
    if (shift > 28) throw invalid('varint is too long')
  }
  return (raw >>> 1) ^ -(raw & 1)
}

function varlong (buf: Buffer): number {
  if (at < end) {
    const first = buf[at]!
    if (first < 0x80) { at++; return (first >>> 1) ^ -(first & 1) }
  }
  let raw = 0
  let mul = 1
  for (let n = 0; ; n++) {
    if (at >= end) throw invalid('varlong runs past the end of the record')
    if (n >= 10) throw invalid('varlong is too long')
    const b = buf[at++]!
    raw += (b & 0x7f) * mul
    if ((b & 0x80) === 0) break
    mul *= 128
  }
  return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2
}

/** Skips a varint-length-prefixed byte field; returns its length (-1 for null). */
function skipBytes (buf: Buffer, recordEnd: number): number {
  const len = varint(buf)
  if (len < -1) throw invalid(`field length ${len} is negative`)
  if (len > 0) {
    if (len > recordEnd - at) throw invalid(`field of ${len} bytes runs past the record`)
    at += len
  }
  return len
}

/**
 * Validates the records of every batch of a produce payload (already split and
 * CRC-checked). Throws TributaryError on the first batch-level problem; record
 * problems are collected for the whole payload and thrown together. May
 * rewrite a batch's maxTimestamp (and its CRC) in place.
 */
export function validateRecords (payload: Buffer, spans: BatchSpan[], options: RecordValidationOptions): void {
  const problems: RecordProblem[] = []
  let firstIndex = 0
  for (const span of spans) {
    validateBatch(payload, span, options, firstIndex, problems)
    firstIndex += span.header.recordCount
  }
  if (problems.length > 0) {
    throw invalid(`${problems.length} record(s) refused: ${problems[0]!.message}`, problems)
  }
}

function validateBatch (payload: Buffer, span: BatchSpan, options: RecordValidationOptions, firstIndex: number, problems: RecordProblem[]): void {
  const h = span.header
  const codec = compressionOf(h.attributes)
  if (codec > KNOWN_CODECS) {
    throw new TributaryError(TributaryErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `unknown compression codec ${codec}`)
  }
  const count = h.recordCount
  if (count < 1) throw invalid(`invalid record count ${count}`)
  if (h.lastOffsetDelta !== count - 1) {
    throw invalid(`inconsistent batch: lastOffsetDelta ${h.lastOffsetDelta} with ${count} records`)
  }
  let data = payload
  let start = span.position + BATCH_HEADER_SIZE
  let stop = span.position + span.size
  if (codec === 0) {
    if (count > (stop - start) / MIN_RECORD_BYTES) throw invalid(`batch claims ${count} records but holds ${stop - start} bytes of records`)
  } else {
    if (count > options.maxDecompressedBytes / MIN_RECORD_BYTES) throw invalid(`batch claims ${count} records, more than a batch may inflate to`)
    data = decompress(codec, payload.subarray(start, stop), options.maxDecompressedBytes)
    start = 0
    stop = data.length
  }
  const maxTimestamp = walkRecords(data, start, stop, count, options.requireKeys, firstIndex, problems) + h.baseTimestamp
  if (maxTimestamp !== h.maxTimestamp && timestampTypeOf(h.attributes) === TimestampType.createTime) {
    writeInt64(payload, maxTimestamp, span.position + BatchOffsets.maxTimestamp)
    payload.writeUInt32BE(computeBatchCrc(payload, span.position, span.size), span.position + BatchOffsets.crc)
    h.maxTimestamp = maxTimestamp
  }
}

/** Walks `count` records in data[start, stop); returns the largest timestamp delta. */
function walkRecords (data: Buffer, start: number, stop: number, count: number, requireKeys: boolean, firstIndex: number, problems: RecordProblem[]): number {
  at = start
  end = stop
  let maxDelta = -Infinity
  let i = 0
  try {
    for (; i < count; i++) {
      if (at >= stop) throw invalid(`batch claims ${count} records but holds ${i}`)
      const length = varint(data)
      if (length < MIN_RECORD_BYTES - 1 || length > stop - at) throw invalid(`record length ${length} does not fit the batch`)
      const recordEnd = at + length
      end = recordEnd
      at++ // attributes: unused in v2
      const timestampDelta = varlong(data)
      if (timestampDelta > maxDelta) maxDelta = timestampDelta
      const offsetDelta = varint(data)
      if (offsetDelta !== i) throw invalid(`record ${i} has offset delta ${offsetDelta}; offsets must be consecutive`)
      const keyLength = skipBytes(data, recordEnd)
      skipBytes(data, recordEnd)
      const headers = varint(data)
      if (headers < 0 || headers > recordEnd - at) throw invalid(`invalid header count ${headers}`)
      for (let k = 0; k < headers; k++) {
        if (skipBytes(data, recordEnd) < 0) throw invalid('record header key is null')
        skipBytes(data, recordEnd)
      }
      if (at !== recordEnd) throw invalid(`record length ${length} does not match its fields`)
      end = stop
      if (requireKeys && keyLength < 0) problems.push({ batchIndex: firstIndex + i, message: 'Compacted topic cannot accept message without key' })
    }
  } catch (err) {
    if (err instanceof TributaryError && err.recordErrors === undefined) err.recordErrors = [{ batchIndex: firstIndex + i, message: err.message }]
    throw err
  }
  if (at !== stop) throw invalid(`${stop - at} bytes left after the last of ${count} records`)
  return maxDelta
}
