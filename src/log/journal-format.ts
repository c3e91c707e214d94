// The byte layout of a journal (./journal.ts): a sequence of frames, each one
// atomic write of keyed operations. A frame's CRC covers all of its operations,
// so recovery applies a frame whole or not at all.
//
// Frame: [u32 body length][u32 CRC32C of body][body]
// Body:  [u8 layout version = 1] then operations until the body ends:
//        put:    [u8 1][u32 key bytes][key UTF-8][u32 value bytes][value]
//        delete: [u8 2][u32 key bytes][key UTF-8]
import { crc32c } from '@node-rs/crc32'

export const FRAME_HEADER_BYTES = 8
const LAYOUT_VERSION = 1
const OP_PUT = 1
const OP_DELETE = 2

/** One change: `value` null deletes the key. */
export interface JournalOp { key: string, value: Buffer | null }

/** Where a live key's value sits in the file, and what its operation costs there. */
export interface LiveEntry { valueAt: number, valueLength: number, opBytes: number }

export function opBytes (keyBytes: number, valueBytes: number | null): number {
  return valueBytes === null ? 5 + keyBytes : 9 + keyBytes + valueBytes
}

export interface EncodedFrame {
  bytes: Buffer
  /** Per operation, where its value starts within `bytes` (-1 for a delete). */
  valueOffsets: number[]
}

/** Encodes one frame holding `ops` in order. */
export function encodeFrame (ops: JournalOp[]): EncodedFrame {
  const keys = ops.map(op => Buffer.from(op.key, 'utf8'))
  let size = FRAME_HEADER_BYTES + 1
  for (let i = 0; i < ops.length; i++) size += opBytes(keys[i]!.length, ops[i]!.value?.length ?? null)
  const buf = Buffer.allocUnsafe(size)
  const valueOffsets: number[] = []
  let pos = FRAME_HEADER_BYTES
  buf.writeUInt8(LAYOUT_VERSION, pos++)
  for (let i = 0; i < ops.length; i++) {
    const key = keys[i]!
    const value = ops[i]!.value
    buf.writeUInt8(value === null ? OP_DELETE : OP_PUT, pos++)
    buf.writeUInt32BE(key.length, pos); pos += 4
    pos += key.copy(buf, pos)
    if (value === null) {
      valueOffsets.push(-1)
    } else {
      buf.writeUInt32BE(value.length, pos); pos += 4
      valueOffsets.push(pos)
      pos += value.copy(buf, pos)
    }
  }
  const body = buf.subarray(FRAME_HEADER_BYTES)
  buf.writeUInt32BE(body.length, 0)
  buf.writeUInt32BE(crc32c(body), 4)
  return { bytes: buf, valueOffsets }
}

/** One decoded operation; the value is a view into the scanned buffer at `valueAt` (absolute file position). */
export interface ScannedOp { key: string, value: Buffer | null, valueAt: number, opBytes: number }

export interface ScanResult {
  frames: number
  /** Length of the intact prefix: everything after it is torn or corrupt. */
  validBytes: number
}

/**
 * Walks the frames of `data` (the file from position `base`) and hands each
 * intact frame's operations to `onFrame`; stops at the first frame that is
 * torn, fails its CRC, or does not parse.
 */
export function scanFrames (data: Buffer, onFrame: (ops: ScannedOp[]) => void, base = 0): ScanResult {
  let pos = 0
  let frames = 0
  while (pos + FRAME_HEADER_BYTES <= data.length) {
    const length = data.readUInt32BE(pos)
    const end = pos + FRAME_HEADER_BYTES + length
    if (length < 1 || end > data.length) break
    const body = data.subarray(pos + FRAME_HEADER_BYTES, end)
    if (crc32c(body) !== data.readUInt32BE(pos + 4)) break
    const ops = decodeBody(body, base + pos + FRAME_HEADER_BYTES)
    if (ops === null) break
    onFrame(ops)
    frames++
    pos = end
  }
  return { frames, validBytes: pos }
}

/** The operations of one body, or null if it does not parse (a bug or a foreign file: treated like corruption). */
function decodeBody (body: Buffer, bodyAt: number): ScannedOp[] | null {
  if (body.readUInt8(0) !== LAYOUT_VERSION) return null
  const ops: ScannedOp[] = []
  let pos = 1
  while (pos < body.length) {
    if (pos + 5 > body.length) return null
    const op = body.readUInt8(pos)
    const keyLength = body.readUInt32BE(pos + 1)
    const keyAt = pos + 5
    if (keyAt + keyLength > body.length) return null
    const key = body.toString('utf8', keyAt, keyAt + keyLength)
    if (op === OP_DELETE) {
      ops.push({ key, value: null, valueAt: -1, opBytes: opBytes(keyLength, null) })
      pos = keyAt + keyLength
    } else if (op === OP_PUT) {
      if (keyAt + keyLength + 4 > body.length) return null
      const valueLength = body.readUInt32BE(keyAt + keyLength)
      const valueAt = keyAt + keyLength + 4
      if (valueAt + valueLength > body.length) return null
      ops.push({ key, value: body.subarray(valueAt, valueAt + valueLength), valueAt: bodyAt + valueAt, opBytes: opBytes(keyLength, valueLength) })
      pos = valueAt + valueLength
    } else {
      return null
    }
  }
  return ops
}
