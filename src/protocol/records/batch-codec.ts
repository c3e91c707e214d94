// Building a whole v2 batch from records (the bus and the SDK write events with
// it) and decoding one back into records (decompressing as needed).
import {
  AttributeBits, BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, BatchOffsets, Compression,
  compressionOf, computeBatchCrc, readBatchHeader, timestampTypeOf, TimestampType, writeInt64,
} from './batch-header.js'
import type { BatchHeader } from './batch-header.js'
import { compress, decompress, DEFAULT_MAX_DECOMPRESSED_BYTES } from './compression.js'
import { decodeRecords, encodeRecords } from './record.js'
import type { DecodedRecord, RecordInput } from './record.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'

export interface EncodeBatchOptions {
  compression?: number
  baseOffset?: number
  partitionLeaderEpoch?: number
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
  transactional?: boolean
  control?: boolean
  /** Defaults to the first record's timestamp, else Date.now(). */
  baseTimestamp?: number
}

/** Builds one record batch v2 with a valid CRC. */
export function encodeBatch (records: RecordInput[], options: EncodeBatchOptions = {}): Buffer {
  if (records.length === 0) throw new TributaryError(TributaryErrorCode.INVALID_RECORD, 'a batch needs at least one record')
  const now = Date.now()
  const baseTimestamp = options.baseTimestamp ?? records[0]!.timestamp ?? now
  let maxTimestamp = -1
  for (const r of records) {
    const ts = r.timestamp ?? baseTimestamp
    if (ts > maxTimestamp) maxTimestamp = ts
  }
  const codec = options.compression ?? Compression.none
  const body = compress(codec, encodeRecords(records, baseTimestamp))
  const size = BATCH_HEADER_SIZE + body.length
  const buf = Buffer.allocUnsafe(size)
  let attributes = codec
  if (options.transactional === true) attributes |= AttributeBits.transactional
  if (options.control === true) attributes |= AttributeBits.control
  writeInt64(buf, options.baseOffset ?? 0, BatchOffsets.baseOffset)
  buf.writeInt32BE(size - BATCH_LOG_OVERHEAD, BatchOffsets.batchLength)
  buf.writeInt32BE(options.partitionLeaderEpoch ?? -1, BatchOffsets.partitionLeaderEpoch)
  buf.writeInt8(2, BatchOffsets.magic)
  buf.writeInt16BE(attributes, BatchOffsets.attributes)
  buf.writeInt32BE(records.length - 1, BatchOffsets.lastOffsetDelta)
  writeInt64(buf, baseTimestamp, BatchOffsets.baseTimestamp)
  writeInt64(buf, maxTimestamp, BatchOffsets.maxTimestamp)
  writeInt64(buf, options.producerId ?? -1, BatchOffsets.producerId)
  buf.writeInt16BE(options.producerEpoch ?? -1, BatchOffsets.producerEpoch)
  buf.writeInt32BE(options.baseSequence ?? -1, BatchOffsets.baseSequence)
  buf.writeInt32BE(records.length, BatchOffsets.recordCount)
  body.copy(buf, BATCH_HEADER_SIZE)
  buf.writeUInt32BE(computeBatchCrc(buf, 0, size), BatchOffsets.crc)
  return buf
}

export interface DecodedBatch {
  header: BatchHeader
  records: DecodedRecord[]
}

/** Decodes the batch at `position` (size from its header; CRC not checked here). */
export function decodeBatch (buf: Buffer, position = 0, maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES): DecodedBatch {
  if (buf.length - position < BATCH_HEADER_SIZE) throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, 'truncated batch header')
  const header = readBatchHeader(buf, position)
  const size = header.batchLength + BATCH_LOG_OVERHEAD
  if (header.magic !== 2) throw new TributaryError(TributaryErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `magic ${header.magic}`)
  if (header.batchLength < BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD || size > buf.length - position) {
    throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, 'batch length runs past the buffer')
  }
  const body = decompress(compressionOf(header.attributes), buf.subarray(position + BATCH_HEADER_SIZE, position + size), maxDecompressedBytes)
  const records = decodeRecords(body, header.recordCount, {
    baseOffset: header.baseOffset,
    baseTimestamp: header.baseTimestamp,
    logAppendTime: timestampTypeOf(header.attributes) === TimestampType.logAppendTime ? header.maxTimestamp : undefined,
  })
  return { header, records }
}
