// Record batch v2 header layout (Kafka's DefaultRecordBatch), parsed without
// copying. The CRC (CRC32C) covers everything from attributes to the end of the
// batch, so baseOffset and partitionLeaderEpoch can be rewritten without touching it.
import { crc32c } from '@node-rs/crc32'
import { TributaryError, TributaryErrorCode } from '../../errors.js'

export const BatchOffsets = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
  records: 61,
} as const

/** Size of the header up to the first record. */
export const BATCH_HEADER_SIZE = 61
/** baseOffset + batchLength: the part of the header not counted in batchLength. */
export const BATCH_LOG_OVERHEAD = 12
/** Smallest legal batchLength for magic 2 (header without the first 12 bytes). */
export const MIN_BATCH_LENGTH = BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD

export const Compression = {
  none: 0,
  gzip: 1,
  snappy: 2,
  lz4: 3,
  zstd: 4,
} as const
export type CompressionType = typeof Compression[keyof typeof Compression]

export const AttributeBits = {
  compressionMask: 0x07,
  logAppendTime: 0x08,
  transactional: 0x10,
  control: 0x20,
  deleteHorizon: 0x40,
} as const

export const TimestampType = { createTime: 0, logAppendTime: 1 } as const

// int64 fields are JS numbers: offsets, timestamps and producer ids stay far
// below 2^53 in practice, and numbers keep the hot paths free of BigInt work.
export interface BatchHeader {
  baseOffset: number
  batchLength: number
  partitionLeaderEpoch: number
  magic: number
  crc: number
  attributes: number
  lastOffsetDelta: number
  baseTimestamp: number
  maxTimestamp: number
  producerId: number
  producerEpoch: number
  baseSequence: number
  recordCount: number
}

/** Reads a big-endian int64 as a number (exact below 2^53). */
export function readInt64 (buf: Buffer, offset: number): number {
  return buf.readInt32BE(offset) * 0x100000000 + buf.readUInt32BE(offset + 4)
}

/** Writes a number as a big-endian int64. */
export function writeInt64 (buf: Buffer, value: number, offset: number): void {
  const hi = Math.floor(value / 0x100000000)
  buf.writeInt32BE(hi, offset)
  buf.writeUInt32BE(value - hi * 0x100000000, offset + 4)
}

/** Reads the full v2 header at `offset`. Caller guarantees BATCH_HEADER_SIZE bytes are there. */
export function readBatchHeader (buf: Buffer, offset = 0): BatchHeader {
  return {
    baseOffset: readInt64(buf, offset),
    batchLength: buf.readInt32BE(offset + BatchOffsets.batchLength),
    partitionLeaderEpoch: buf.readInt32BE(offset + BatchOffsets.partitionLeaderEpoch),
    magic: buf.readInt8(offset + BatchOffsets.magic),
    crc: buf.readUInt32BE(offset + BatchOffsets.crc),
    attributes: buf.readInt16BE(offset + BatchOffsets.attributes),
    lastOffsetDelta: buf.readInt32BE(offset + BatchOffsets.lastOffsetDelta),
    baseTimestamp: readInt64(buf, offset + BatchOffsets.baseTimestamp),
    maxTimestamp: readInt64(buf, offset + BatchOffsets.maxTimestamp),
    producerId: readInt64(buf, offset + BatchOffsets.producerId),
    producerEpoch: buf.readInt16BE(offset + BatchOffsets.producerEpoch),
    baseSequence: buf.readInt32BE(offset + BatchOffsets.baseSequence),
    recordCount: buf.readInt32BE(offset + BatchOffsets.recordCount),
  }
}

export function compressionOf (attributes: number): number {
  return attributes & AttributeBits.compressionMask
}
export function isTransactional (attributes: number): boolean {
  return (attributes & AttributeBits.transactional) !== 0
}
export function isControl (attributes: number): boolean {
  return (attributes & AttributeBits.control) !== 0
}
export function timestampTypeOf (attributes: number): number {
  return (attributes & AttributeBits.logAppendTime) !== 0 ? TimestampType.logAppendTime : TimestampType.createTime
}

/** CRC32C as Kafka computes it for a v2 batch starting at `offset` of total size `size`. */
export function computeBatchCrc (buf: Buffer, offset: number, size: number): number {
  return crc32c(buf.subarray(offset + BatchOffsets.attributes, offset + size)) >>> 0
}

/** Throws CORRUPT_MESSAGE if the stored CRC does not match the batch's bytes. */
export function verifyBatchCrc (buf: Buffer, offset: number, size: number): void {
  const stored = buf.readUInt32BE(offset + BatchOffsets.crc)
  const actual = computeBatchCrc(buf, offset, size)
  if (stored !== actual) {
    throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE,
      `record batch CRC mismatch: stored ${stored}, computed ${actual}`)
  }
}
