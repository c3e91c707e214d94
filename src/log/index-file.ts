// On-disk form of a segment's indexes. `.index` also carries the segment's summary
// (bytes covered, next offset, max timestamp), so a clean start needs no log scan.
// Both files: magic, format version, body, CRC32C of everything before it. A file
// that fails any check is ignored and the index is rebuilt from the log.
import { crc32c } from '@node-rs/crc32'
import { OffsetIndex } from './offset-index.js'
import { TimeIndex } from './time-index.js'

export const INDEX_FORMAT_VERSION = 1
const OFFSET_MAGIC = 0x54524958 // "TRIX"
const TIME_MAGIC = 0x54524954 // "TRIT"
const OFFSET_HEADER = 4 + 2 + 2 + 8 * 5 + 4
const TIME_HEADER = 4 + 2 + 2 + 4

export interface SegmentSummary {
  /** Bytes of the .log file the indexes describe (all verified batches). */
  coveredBytes: number
  nextOffset: number
  maxTimestamp: number
  /** Base offset of the batch holding maxTimestamp (-1 when empty). */
  maxTimestampBatchOffset: number
  createdMs: number
}

/** `count` limits the file to the first entries (a snapshot taken before later appends). */
export function encodeOffsetIndexFile (summary: SegmentSummary, index: OffsetIndex, count = index.count): Buffer {
  const entries = index.encodeEntries(count)
  const out = Buffer.allocUnsafe(OFFSET_HEADER + entries.length + 4)
  out.writeUInt32BE(OFFSET_MAGIC, 0)
  out.writeUInt16BE(INDEX_FORMAT_VERSION, 4)
  out.writeUInt16BE(0, 6)
  out.writeDoubleBE(summary.coveredBytes, 8)
  out.writeDoubleBE(summary.nextOffset, 16)
  out.writeDoubleBE(summary.maxTimestamp, 24)
  out.writeDoubleBE(summary.maxTimestampBatchOffset, 32)
  out.writeDoubleBE(summary.createdMs, 40)
  out.writeUInt32BE(count, 48)
  entries.copy(out, OFFSET_HEADER)
  out.writeUInt32BE(crc32c(out.subarray(0, out.length - 4)) >>> 0, out.length - 4)
  return out
}

function checked (buf: Buffer | null, magic: number, headerSize: number): Buffer | null {
  if (buf === null || buf.length < headerSize + 4) return null
  if (buf.readUInt32BE(0) !== magic || buf.readUInt16BE(4) !== INDEX_FORMAT_VERSION) return null
  if ((crc32c(buf.subarray(0, buf.length - 4)) >>> 0) !== buf.readUInt32BE(buf.length - 4)) return null
  return buf
}

export function decodeOffsetIndexFile (raw: Buffer | null): { summary: SegmentSummary, index: OffsetIndex } | null {
  const buf = checked(raw, OFFSET_MAGIC, OFFSET_HEADER)
  if (buf === null) return null
  const count = buf.readUInt32BE(48)
  if (OFFSET_HEADER + count * 8 + 4 !== buf.length) return null
  return {
    summary: {
      coveredBytes: buf.readDoubleBE(8),
      nextOffset: buf.readDoubleBE(16),
      maxTimestamp: buf.readDoubleBE(24),
      maxTimestampBatchOffset: buf.readDoubleBE(32),
      createdMs: buf.readDoubleBE(40),
    },
    index: OffsetIndex.decodeEntries(buf.subarray(OFFSET_HEADER), count),
  }
}

export function encodeTimeIndexFile (index: TimeIndex, count = index.count): Buffer {
  const entries = index.encodeEntries(count)
  const out = Buffer.allocUnsafe(TIME_HEADER + entries.length + 4)
  out.writeUInt32BE(TIME_MAGIC, 0)
  out.writeUInt16BE(INDEX_FORMAT_VERSION, 4)
  out.writeUInt16BE(0, 6)
  out.writeUInt32BE(count, 8)
  entries.copy(out, TIME_HEADER)
  out.writeUInt32BE(crc32c(out.subarray(0, out.length - 4)) >>> 0, out.length - 4)
  return out
}

export function decodeTimeIndexFile (raw: Buffer | null): TimeIndex | null {
  const buf = checked(raw, TIME_MAGIC, TIME_HEADER)
  if (buf === null) return null
  const count = buf.readUInt32BE(8)
  if (TIME_HEADER + count * 12 + 4 !== buf.length) return null
  return TimeIndex.decodeEntries(buf.subarray(TIME_HEADER), count)
}
