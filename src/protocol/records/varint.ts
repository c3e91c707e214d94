// Zig-zag varints as record batches use them (protobuf encoding). Values are
// JS numbers; varlongs are exact up to 2^53, enough for timestamp deltas.
import { TributaryError, TributaryErrorCode } from '../../errors.js'

export interface Cursor { pos: number }

export function readVarint (buf: Buffer, cur: Cursor): number {
  let result = 0
  let shift = 0
  let b: number
  do {
    if (cur.pos >= buf.length) throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, 'varint runs past the end of the record')
    if (shift > 28) throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, 'varint is too long')
    b = buf[cur.pos++]!
    result |= (b & 0x7f) << shift
    shift += 7
  } while (b & 0x80)
  return (result >>> 1) ^ -(result & 1)
}

export function readVarlong (buf: Buffer, cur: Cursor): number {
  let result = 0
  let mul = 1
  let b: number
  let n = 0
  do {
    if (cur.pos >= buf.length) throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, 'varlong runs past the end of the record')
    if (++n > 10) throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, 'varlong is too long')
    b = buf[cur.pos++]!
    result += (b & 0x7f) * mul
    mul *= 128
  } while (b & 0x80)
  // zig-zag decode without bit ops (which would truncate to 32 bits)
  return result % 2 === 0 ? result / 2 : -(result + 1) / 2
}

export function sizeOfVarint (value: number): number {
  return sizeOfUnsigned(value >= 0 ? value * 2 : -value * 2 - 1)
}

function sizeOfUnsigned (u: number): number {
  let size = 1
  while (u >= 128) { u = Math.floor(u / 128); size++ }
  return size
}

/** Writes a zig-zag varint/varlong at `pos`, returns the position after it. */
export function writeVarint (buf: Buffer, value: number, pos: number): number {
  let u = value >= 0 ? value * 2 : -value * 2 - 1
  while (u >= 128) {
    buf[pos++] = (u % 128) | 0x80
    u = Math.floor(u / 128)
  }
  buf[pos++] = u
  return pos
}
