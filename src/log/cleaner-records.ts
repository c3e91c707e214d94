// The cleaner's view of a batch's records: where each record's bytes start and
// end, its offset and timestamp, its key, and whether it is a tombstone. Records
// the cleaner keeps are copied byte for byte, so their offset and timestamp
// deltas (and headers) never change; only the batch around them is rebuilt.
import {
  BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, BatchOffsets, compressionOf, readInt64,
  isControl, isTransactional, timestampTypeOf, TimestampType,
} from '../protocol/records/batch-header.js'
import { decompress, DEFAULT_MAX_DECOMPRESSED_BYTES } from '../protocol/records/compression.js'
import { TributaryError, TributaryErrorCode } from '../errors.js'
import { readVarint, readVarlong } from '../protocol/records/varint.js'
import type { Cursor } from '../protocol/records/varint.js'

export interface RawRecord {
  /** Byte range of the whole record (length prefix included) in the records section. */
  start: number
  end: number
  offset: number
  timestamp: number
  /** A view into the records section; null for a keyless record. */
  key: Buffer | null
  tombstone: boolean
}

/** What the cleaner needs from a batch header, read without copying. */
export interface BatchFacts {
  baseOffset: number
  lastOffset: number
  size: number
  attributes: number
  codec: number
  control: boolean
  transactional: boolean
  producerId: number
  recordCount: number
  baseTimestamp: number
  maxTimestamp: number
  logAppendTime: boolean
}

export function batchFacts (batch: Buffer): BatchFacts {
  const attributes = batch.readInt16BE(BatchOffsets.attributes)
  const baseOffset = readInt64(batch, BatchOffsets.baseOffset)
  return {
    baseOffset,
    lastOffset: baseOffset + batch.readInt32BE(BatchOffsets.lastOffsetDelta),
    size: batch.readInt32BE(BatchOffsets.batchLength) + BATCH_LOG_OVERHEAD,
    attributes,
    codec: compressionOf(attributes),
    control: isControl(attributes),
    transactional: isTransactional(attributes),
    producerId: readInt64(batch, BatchOffsets.producerId),
    recordCount: batch.readInt32BE(BatchOffsets.recordCount),
    baseTimestamp: readInt64(batch, BatchOffsets.baseTimestamp),
    maxTimestamp: readInt64(batch, BatchOffsets.maxTimestamp),
    logAppendTime: timestampTypeOf(attributes) === TimestampType.logAppendTime,
  }
}

/** The batch's records section, decompressed with whichever of the four codecs it uses. */
export function recordsSection (batch: Buffer, facts: BatchFacts, maxBytes = DEFAULT_MAX_DECOMPRESSED_BYTES): Buffer {
  return decompress(facts.codec, batch.subarray(BATCH_HEADER_SIZE, facts.size), maxBytes)
}

function skipBytes (data: Buffer, cur: Cursor, end: number): Buffer | null {
  const len = readVarint(data, cur)
  if (len < 0) return null
  if (len > end - cur.pos) throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, 'record field runs past the record')
  const view = data.subarray(cur.pos, cur.pos + len)
  cur.pos += len
  return view
}

/** Walks the records of a decompressed records section (headers are not parsed). */
export function walkRecords (section: Buffer, facts: BatchFacts, onRecord: (r: RawRecord) => void): void {
  const cur: Cursor = { pos: 0 }
  for (let i = 0; i < facts.recordCount; i++) {
    const start = cur.pos
    const length = readVarint(section, cur)
    if (length < 0 || length > section.length - cur.pos) {
      throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, `record length ${length} runs past the batch`)
    }
    const end = cur.pos + length
    cur.pos++ // attributes
    const timestampDelta = readVarlong(section, cur)
    const offsetDelta = readVarint(section, cur)
    const key = skipBytes(section, cur, end)
    const valueLength = readVarint(section, cur)
    onRecord({
      start,
      end,
      offset: facts.baseOffset + offsetDelta,
      timestamp: facts.logAppendTime ? facts.maxTimestamp : facts.baseTimestamp + timestampDelta,
      key,
      tombstone: valueLength < 0,
    })
    cur.pos = end
  }
  if (cur.pos !== section.length) throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, 'bytes left after the last record')
}

/** Control record key: version int16, type int16 (0 abort, 1 commit). */
export const ControlType = { abort: 0, commit: 1 } as const

/** The type of a control batch's marker, or -1 if it cannot be read. */
export function controlType (batch: Buffer, facts: BatchFacts): number {
  let type = -1
  walkRecords(recordsSection(batch, facts), facts, r => {
    if (type === -1 && r.key !== null && r.key.length >= 4) type = r.key.readInt16BE(2)
  })
  return type
}
