// Splits a produce payload (one or more concatenated batches) into batches,
// checking every length against the buffer and the size limit before trusting it,
// and the CRC of each batch. Legacy message sets (magic 0 and 1) share the magic
// byte's position (offset 16), so they are recognised and refused distinctly.
import {
  BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, BatchOffsets, MIN_BATCH_LENGTH,
  readBatchHeader, verifyBatchCrc,
} from './batch-header.js'
import type { BatchHeader } from './batch-header.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'

export interface BatchSpan {
  /** Byte position of the batch inside the payload. */
  position: number
  /** Total size: batchLength + 12. */
  size: number
  header: BatchHeader
}

export interface SplitOptions {
  /** Largest allowed batch size in bytes (max.message.bytes); larger -> MESSAGE_TOO_LARGE. */
  maxBatchBytes?: number
  /** Default true. Recovery and reads of trusted data may skip it. */
  verifyCrc?: boolean
  /** Default true: a produced batch must hold records numbered 0..recordCount-1. */
  requireRecords?: boolean
}

/** Validates and splits a produce payload; throws TributaryError on the first bad batch. */
export function splitBatches (payload: Buffer, options: SplitOptions = {}): BatchSpan[] {
  const maxBatchBytes = options.maxBatchBytes ?? Number.MAX_SAFE_INTEGER
  const verifyCrc = options.verifyCrc ?? true
  const requireRecords = options.requireRecords ?? true
  const spans: BatchSpan[] = []
  let pos = 0
  if (payload.length === 0) {
    throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, 'empty record set')
  }
  while (pos < payload.length) {
    const remaining = payload.length - pos
    if (remaining < BATCH_LOG_OVERHEAD + 5) {
      throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, `truncated record batch: ${remaining} trailing bytes`)
    }
    const magic = payload.readInt8(pos + BatchOffsets.magic)
    if (magic === 0 || magic === 1) {
      throw new TributaryError(TributaryErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `message format v${magic} is not supported; use record batch v2`)
    }
    if (magic !== 2) {
      throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, `invalid magic byte ${magic}`)
    }
    const batchLength = payload.readInt32BE(pos + BatchOffsets.batchLength)
    if (batchLength < MIN_BATCH_LENGTH) {
      throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, `record batch length ${batchLength} is below the minimum ${MIN_BATCH_LENGTH}`)
    }
    const size = batchLength + BATCH_LOG_OVERHEAD
    if (size > maxBatchBytes) {
      throw new TributaryError(TributaryErrorCode.MESSAGE_TOO_LARGE, `record batch of ${size} bytes exceeds the limit of ${maxBatchBytes}`)
    }
    if (size > remaining) {
      throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, `record batch claims ${size} bytes but only ${remaining} remain`)
    }
    const header = readBatchHeader(payload, pos)
    if (verifyCrc) verifyBatchCrc(payload, pos, size)
    if (requireRecords && (header.recordCount < 1 || header.lastOffsetDelta !== header.recordCount - 1)) {
      throw new TributaryError(TributaryErrorCode.INVALID_RECORD,
        `record batch has recordCount ${header.recordCount} and lastOffsetDelta ${header.lastOffsetDelta}`)
    }
    spans.push({ position: pos, size, header })
    pos += size
  }
  return spans
}

/** Size of the first whole batch at `pos`, or -1 if the buffer does not hold a full header. */
export function peekBatchSize (buf: Buffer, pos: number): number {
  if (buf.length - pos < BATCH_LOG_OVERHEAD) return -1
  return buf.readInt32BE(pos + BatchOffsets.batchLength) + BATCH_LOG_OVERHEAD
}

export { BATCH_HEADER_SIZE }
