// Records inside a v2 batch: each is a varint length followed by attributes,
// timestamp delta, offset delta, key, value and headers, all varint-framed.
import { TributaryError, TributaryErrorCode } from '../../errors.js'
import { readVarint, readVarlong, sizeOfVarint, writeVarint } from './varint.js'
import type { Cursor } from './varint.js'

export interface RecordHeader {
  key: string
  value: Buffer | null
}

export interface DecodedRecord {
  /** Absolute offset: batch baseOffset + offsetDelta. */
  offset: number
  /** Absolute timestamp (the batch's maxTimestamp for LogAppendTime batches). */
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
  attributes: number
}

/** What a writer supplies for one record; strings are UTF-8 encoded. */
export interface RecordInput {
  key?: Buffer | string | null
  value: Buffer | string | null
  headers?: Array<{ key: string, value: Buffer | string | null }>
  /** Epoch ms; defaults to the batch's base timestamp. */
  timestamp?: number
}

export interface DecodeRecordsContext {
  baseOffset: number
  baseTimestamp: number
  /** Set for LogAppendTime batches: every record carries this timestamp. */
  logAppendTime?: number
}

/** The smallest record: length, attributes, timestamp delta, offset delta, key, value, header count. */
const MIN_RECORD_BYTES = 7
/** The same without its length prefix. */
const MIN_RECORD_BODY_BYTES = MIN_RECORD_BYTES - 1

function readBytes (buf: Buffer, cur: Cursor, end: number): Buffer | null {
  const len = readVarint(buf, cur)
  if (len < 0) return null
  if (len > end - cur.pos) throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, `record field of ${len} bytes runs past the record`)
  const out = buf.subarray(cur.pos, cur.pos + len)
  cur.pos += len
  return out
}

/** Decodes `count` records from an uncompressed records section. Values are views into `data`. */
export function decodeRecords (data: Buffer, count: number, ctx: DecodeRecordsContext): DecodedRecord[] {
  // each record takes at least 7 bytes, so a count above this is a lie (and
  // would size the array below: 64 Mi records of a 64 MiB inflated batch are 512 MiB of slots)
  if (count < 0 || count > Math.floor(data.length / MIN_RECORD_BYTES)) {
    throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, `record count ${count} does not fit in ${data.length} bytes`)
  }
  const records: DecodedRecord[] = new Array(count)
  const cur: Cursor = { pos: 0 }
  for (let i = 0; i < count; i++) {
    const length = readVarint(data, cur)
    if (length < 0 || length > data.length - cur.pos) {
      throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, `record length ${length} runs past the batch`)
    }
    const end = cur.pos + length
    if (length < MIN_RECORD_BODY_BYTES) throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, `record length ${length} is shorter than a record`)
    const attributes = data.readInt8(cur.pos++)
    const timestampDelta = readVarlong(data, cur)
    const offsetDelta = readVarint(data, cur)
    const key = readBytes(data, cur, end)
    const value = readBytes(data, cur, end)
    const headerCount = readVarint(data, cur)
    if (headerCount < 0 || headerCount > end - cur.pos) {
      throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, `header count ${headerCount} runs past the record`)
    }
    const headers: RecordHeader[] = new Array(headerCount)
    for (let h = 0; h < headerCount; h++) {
      const hk = readBytes(data, cur, end)
      if (hk === null) throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, 'record header key is null')
      headers[h] = { key: hk.toString('utf8'), value: readBytes(data, cur, end) }
    }
    if (cur.pos !== end) throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, 'record length does not match its fields')
    records[i] = {
      offset: ctx.baseOffset + offsetDelta,
      timestamp: ctx.logAppendTime ?? ctx.baseTimestamp + timestampDelta,
      key,
      value,
      headers,
      attributes,
    }
  }
  if (cur.pos !== data.length) throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, `${data.length - cur.pos} bytes left after the last record`)
  return records
}

function toBuffer (v: Buffer | string | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v
}

function sizeOfBytes (b: Buffer | null): number {
  return b === null ? 1 : sizeOfVarint(b.length) + b.length
}

function writeBytes (out: Buffer, b: Buffer | null, pos: number): number {
  if (b === null) return writeVarint(out, -1, pos)
  pos = writeVarint(out, b.length, pos)
  b.copy(out, pos)
  return pos + b.length
}

/** Encodes records (offset deltas 0..n-1) relative to baseTimestamp into one buffer. */
export function encodeRecords (records: RecordInput[], baseTimestamp: number): Buffer {
  const prepared = records.map((r, i) => {
    const key = toBuffer(r.key)
    const value = toBuffer(r.value)
    const headers = (r.headers ?? []).map(h => ({ key: Buffer.from(h.key, 'utf8'), value: toBuffer(h.value) }))
    const tsDelta = (r.timestamp ?? baseTimestamp) - baseTimestamp
    let body = 1 + sizeOfVarint(tsDelta) + sizeOfVarint(i) + sizeOfBytes(key) + sizeOfBytes(value) + sizeOfVarint(headers.length)
    for (const h of headers) body += sizeOfBytes(h.key) + sizeOfBytes(h.value)
    return { key, value, headers, tsDelta, body }
  })
  let total = 0
  for (const p of prepared) total += sizeOfVarint(p.body) + p.body
  const out = Buffer.allocUnsafe(total)
  let pos = 0
  prepared.forEach((p, i) => {
    pos = writeVarint(out, p.body, pos)
    out[pos++] = 0
    pos = writeVarint(out, p.tsDelta, pos)
    pos = writeVarint(out, i, pos)
    pos = writeBytes(out, p.key, pos)
    pos = writeBytes(out, p.value, pos)
    pos = writeVarint(out, p.headers.length, pos)
    for (const h of p.headers) {
      pos = writeBytes(out, h.key, pos)
      pos = writeBytes(out, h.value, pos)
    }
  })
  return out
}
