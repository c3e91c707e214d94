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

// The walk keeps its cursor in a local variable and decodes one-byte varints (most lengths, deltas and counts)
// inline; longer ones go out of line and leave the position after them in `after`. (A cursor in module scope,
// read and written through helper calls, measured ~1.8 s of CPU per GB of 100-byte records; see
// bench/produce-validation.ts.)
let after = 0

function invalid (message: string, problems?: RecordProblem[]): TributaryError {
  const err = new TributaryError(TributaryErrorCode.INVALID_RECORD, message)
  if (problems !== undefined) err.recordErrors = problems
  return err
}

/** A zigzag varint at `pos`, read no further than `limit`; sets `after`. */
function varintAt (buf: Buffer, pos: number, limit: number): number {
  let raw = 0
  let shift = 0
  for (;;) {
    if (pos >= limit) throw invalid('varint runs past the end of the record')
    const b = buf[pos++]!
    raw |= (b & 0x7f) << shift
    if ((b & 0x80) === 0) break
    shift += 7
    if (shift > 28) throw invalid('varint is too long')
  }
  after = pos
  return (raw >>> 1) ^ -(raw & 1)
}

/** A zigzag varlong at `pos`, read no further than `limit`; sets `after`. */
function varlongAt (buf: Buffer, pos: number, limit: number): number {
  let raw = 0
  let mul = 1
  for (let n = 0; ; n++) {
    if (pos >= limit) throw invalid('varlong runs past the end of the record')
    if (n >= 10) throw invalid('varlong is too long')
    const b = buf[pos++]!
    raw += (b & 0x7f) * mul
    if ((b & 0x80) === 0) break
    mul *= 128
  }
  after = pos
  return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2
}

// The messages are built here, not in skipBytesAt: with the number-in-a-template there, the optimised walk (which
// inlines skipBytesAt) converted the length to a string for every field, thrown or not (perf: NumberToString at
// ~15 % of the walk's time with 100 B records).
function fieldError (len: number, pastRecord: boolean): TributaryError {
  return invalid(pastRecord ? `field of ${len} bytes runs past the record` : `field length ${len} is negative`)
}

/** Skips a varint-length-prefixed byte field at `pos`; returns its length (-1 for null) and sets `after`. */
function skipBytesAt (buf: Buffer, pos: number, recordEnd: number): number {
  let len: number
  const first = pos < recordEnd ? buf[pos]! : 0x80
  if (first < 0x80) {
    len = (first >>> 1) ^ -(first & 1); pos++
  } else if (pos + 1 < recordEnd && buf[pos + 1]! < 0x80) { // two bytes: values of 64 B to 8 KiB
    const raw = (first & 0x7f) | (buf[pos + 1]! << 7)
    len = (raw >>> 1) ^ -(raw & 1); pos += 2
  } else { len = varintAt(buf, pos, recordEnd); pos = after }
  if (len < -1) throw fieldError(len, false)
  if (len > 0) {
    if (len > recordEnd - pos) throw fieldError(len, true)
    pos += len
  }
  after = pos
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

const WalkProblem = { tooFewRecords: 0, lengthOutsideBatch: 1, offsetDelta: 2, headerCount: 3, lengthMismatch: 4 } as const
type WalkProblemKind = typeof WalkProblem[keyof typeof WalkProblem]

/** The walk's refusals, their messages built out of line for the reason fieldError gives. */
function walkError (problem: WalkProblemKind, a: number, b = 0): TributaryError {
  switch (problem) {
    case WalkProblem.tooFewRecords: return invalid(`batch claims ${a} records but holds ${b}`)
    case WalkProblem.lengthOutsideBatch: return invalid(`record length ${a} does not fit the batch`)
    case WalkProblem.offsetDelta: return invalid(`record ${a} has offset delta ${b}; offsets must be consecutive`)
    case WalkProblem.headerCount: return invalid(`invalid header count ${a}`)
    case WalkProblem.lengthMismatch: return invalid(`record length ${a} does not match its fields`)
  }
}

/** Walks `count` records in data[start, stop); returns the largest timestamp delta. */
function walkRecords (data: Buffer, start: number, stop: number, count: number, requireKeys: boolean, firstIndex: number, problems: RecordProblem[]): number {
  let at = start
  let maxDelta = -Infinity
  let i = 0
  let b = 0
  try {
    for (; i < count; i++) {
      if (at >= stop) throw walkError(WalkProblem.tooFewRecords, count, i)
      let length: number
      b = data[at]!
      if (b < 0x80) {
        length = (b >>> 1) ^ -(b & 1); at++
      } else if (at + 1 < stop && data[at + 1]! < 0x80) { // two bytes: records of 64 B to 8 KiB
        const raw = (b & 0x7f) | (data[at + 1]! << 7)
        length = (raw >>> 1) ^ -(raw & 1); at += 2
      } else { length = varintAt(data, at, stop); at = after }
      if (length < MIN_RECORD_BYTES - 1 || length > stop - at) throw walkError(WalkProblem.lengthOutsideBatch, length)
      const recordEnd = at + length
      at++ // attributes: unused in v2 (length >= 6, so it and the next byte are inside the record)
      let timestampDelta: number
      b = data[at]!
      if (b < 0x80) { timestampDelta = (b >>> 1) ^ -(b & 1); at++ } else { timestampDelta = varlongAt(data, at, recordEnd); at = after }
      if (timestampDelta > maxDelta) maxDelta = timestampDelta
      let offsetDelta: number
      b = at < recordEnd ? data[at]! : 0x80
      if (b < 0x80) { offsetDelta = (b >>> 1) ^ -(b & 1); at++ } else { offsetDelta = varintAt(data, at, recordEnd); at = after }
      if (offsetDelta !== i) throw walkError(WalkProblem.offsetDelta, i, offsetDelta)
      const keyLength = skipBytesAt(data, at, recordEnd)
      skipBytesAt(data, after, recordEnd)
      at = after
      let headers: number
      b = at < recordEnd ? data[at]! : 0x80
      if (b < 0x80) { headers = (b >>> 1) ^ -(b & 1); at++ } else { headers = varintAt(data, at, recordEnd); at = after }
      if (headers < 0 || headers > recordEnd - at) throw walkError(WalkProblem.headerCount, headers)
      for (let k = 0; k < headers; k++) {
        if (skipBytesAt(data, at, recordEnd) < 0) throw invalid('record header key is null')
        skipBytesAt(data, after, recordEnd)
        at = after
      }
      if (at !== recordEnd) throw walkError(WalkProblem.lengthMismatch, length)
      if (requireKeys && keyLength < 0) problems.push({ batchIndex: firstIndex + i, message: 'Compacted topic cannot accept message without key' })
    }
  } catch (err) {
    if (err instanceof TributaryError && err.recordErrors === undefined) err.recordErrors = [{ batchIndex: firstIndex + i, message: err.message }]
    throw err
  }
  if (at !== stop) throw invalid(`${stop - at} bytes left after the last of ${count} records`)
  return maxDelta
}
