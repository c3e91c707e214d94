// A bounds-checked cursor over one Buffer. Every read checks the bytes remaining
// first and throws TributaryError(TRIB_ERR_MALFORMED) rather than Node's RangeError,
// and every length or count is validated against what remains (and the limits)
// before anything is allocated. Bytes and strings of bytes come back as views
// (subarray) of the input, never copies: a Produce request's record batches go to
// the log exactly as they arrived.
//
// UUIDs are returned as 32-character lower-case hex strings (no dashes): usable as
// Map keys and comparable with ===; the all-zero UUID is '0' x 32.
import { limitExceeded, malformed } from '../../errors.js'
import { DEFAULT_READER_LIMITS, type ReaderLimits } from './limits.js'

export class Reader {
  readonly buffer: Buffer
  offset: number
  readonly end: number
  readonly limits: Readonly<ReaderLimits>

  constructor (buffer: Buffer, offset = 0, end = buffer.length, limits: Readonly<ReaderLimits> = DEFAULT_READER_LIMITS) {
    if (offset < 0 || end > buffer.length || offset > end) throw malformed(`reader window ${offset}..${end} outside a buffer of ${buffer.length} bytes`)
    this.buffer = buffer
    this.offset = offset
    this.end = end
    this.limits = limits
  }

  get remaining (): number { return this.end - this.offset }

  /** Throws unless `n` more bytes are available. */
  need (n: number, what = 'value'): void {
    if (n > this.end - this.offset) throw malformed(`${what} needs ${n} bytes at offset ${this.offset}, ${this.end - this.offset} remain`)
  }

  skip (n: number): void {
    if (n < 0) throw malformed(`negative skip ${n}`)
    this.need(n, 'skipped field')
    this.offset += n
  }

  /** A sub-reader over the next `n` bytes, which this reader skips. */
  slice (n: number): Reader {
    this.need(n, 'nested section')
    const sub = new Reader(this.buffer, this.offset, this.offset + n, this.limits)
    this.offset += n
    return sub
  }

  int8 (): number {
    this.need(1, 'int8')
    const v = this.buffer[this.offset++]!
    return (v << 24) >> 24
  }

  bool (): boolean {
    return this.int8() !== 0
  }

  int16 (): number {
    this.need(2, 'int16')
    const b = this.buffer; const o = this.offset
    this.offset = o + 2
    return ((b[o]! << 24) | (b[o + 1]! << 16)) >> 16
  }

  uint16 (): number {
    this.need(2, 'uint16')
    const b = this.buffer; const o = this.offset
    this.offset = o + 2
    return (b[o]! << 8) | b[o + 1]!
  }

  int32 (): number {
    this.need(4, 'int32')
    const b = this.buffer; const o = this.offset
    this.offset = o + 4
    return (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!
  }

  uint32 (): number {
    return this.int32() >>> 0
  }

  int64 (): bigint {
    this.need(8, 'int64')
    const v = this.buffer.readBigInt64BE(this.offset)
    this.offset += 8
    return v
  }

  float64 (): number {
    this.need(8, 'float64')
    const v = this.buffer.readDoubleBE(this.offset)
    this.offset += 8
    return v
  }

  uuid (): string {
    this.need(16, 'uuid')
    const v = this.buffer.toString('hex', this.offset, this.offset + 16)
    this.offset += 16
    return v
  }

  /** Unsigned LEB128 varint of at most 5 bytes (32 bits), as Kafka writes lengths and tags. */
  uvarint (): number {
    const b = this.buffer
    let o = this.offset
    if (o < this.end && b[o]! < 0x80) {
      this.offset = o + 1
      return b[o]!
    }
    let value = 0
    for (let shift = 0; shift < 35; shift += 7) {
      if (o >= this.end) throw malformed(`truncated varint at offset ${this.offset}`)
      const byte = b[o++]!
      value += (byte & 0x7f) * 2 ** shift
      if ((byte & 0x80) === 0) {
        if (value > 0xffffffff) break
        this.offset = o
        return value
      }
    }
    throw malformed(`varint longer than 32 bits at offset ${this.offset}`)
  }

  /** Zig-zag signed varint (32 bits). */
  varint (): number {
    const u = this.uvarint()
    return (u % 2 === 0) ? u / 2 : -(u + 1) / 2
  }

  /** Zig-zag signed varlong (64 bits) as a bigint. */
  varlong (): bigint {
    const start = this.offset
    const b = this.buffer
    let o = start
    // Fast path: up to 7 bytes (49 bits) are exact in a double.
    let value = 0
    for (let i = 0; i < 7; i++) {
      if (o >= this.end) throw malformed(`truncated varlong at offset ${start}`)
      const byte = b[o++]!
      value += (byte & 0x7f) * 2 ** (7 * i)
      if ((byte & 0x80) === 0) {
        this.offset = o
        return BigInt((value % 2 === 0) ? value / 2 : -(value + 1) / 2)
      }
    }
    let big = BigInt(value)
    for (let i = 7; i < 10; i++) {
      if (o >= this.end) throw malformed(`truncated varlong at offset ${start}`)
      const byte = b[o++]!
      big |= BigInt(byte & 0x7f) << BigInt(7 * i)
      if ((byte & 0x80) === 0) {
        this.offset = o
        big = BigInt.asUintN(64, big)
        return (big >> 1n) ^ -(big & 1n)
      }
    }
    throw malformed(`varlong longer than 64 bits at offset ${start}`)
  }

  /**
   * Zig-zag signed varlong as a number, for per-record fields (timestamp and offset
   * deltas) where a bigint per record would cost too much. Throws if the value is
   * outside Number's safe integer range.
   */
  varlongNumber (): number {
    const start = this.offset
    const b = this.buffer
    let o = start
    let value = 0
    for (let i = 0; i < 8; i++) {
      if (o >= this.end) throw malformed(`truncated varlong at offset ${start}`)
      const byte = b[o++]!
      value += (byte & 0x7f) * 2 ** (7 * i)
      if ((byte & 0x80) === 0) {
        if (value > Number.MAX_SAFE_INTEGER) break
        this.offset = o
        return (value % 2 === 0) ? value / 2 : -(value + 1) / 2
      }
    }
    this.offset = start
    const big = this.varlong()
    if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw malformed(`varlong ${big} at offset ${start} exceeds the safe integer range`)
    }
    return Number(big)
  }

  // ---- lengths and counts, validated before use ------------------------------

  private checkedLength (length: number, max: number, what: string): number {
    if (length > max) throw limitExceeded(`${what} length ${length} exceeds the limit ${max}`)
    this.need(length, what)
    return length
  }

  /**
   * Validates an element count: each element takes at least `minElementBytes`
   * bytes, so a count the remaining bytes cannot hold is rejected up front.
   */
  checkCount (count: number, minElementBytes: number, what = 'array'): number {
    if (count > this.limits.maxArrayLength) {
      throw limitExceeded(`${what} count ${count} exceeds the limit ${this.limits.maxArrayLength}`)
    }
    if (count * minElementBytes > this.end - this.offset) {
      throw malformed(`${what} count ${count} cannot fit in the ${this.end - this.offset} bytes remaining`)
    }
    return count
  }

  /** int32 array count; -1 (null) is returned as -1, other negatives are malformed. */
  arrayLength (minElementBytes = 1): number {
    const n = this.int32()
    if (n < -1) throw malformed(`negative array length ${n}`)
    return n === -1 ? -1 : this.checkCount(n, minElementBytes)
  }

  /** Compact array count (uvarint length + 1); null is returned as -1. */
  compactArrayLength (minElementBytes = 1): number {
    const n = this.uvarint() - 1
    return n === -1 ? -1 : this.checkCount(n, minElementBytes)
  }

  // ---- strings ---------------------------------------------------------------

  private utf8 (length: number): string {
    const start = this.offset
    this.offset = start + length
    return this.buffer.toString('utf8', start, start + length)
  }

  nullableString (): string | null {
    const n = this.int16()
    if (n === -1) return null
    if (n < 0) throw malformed(`negative string length ${n}`)
    return this.utf8(this.checkedLength(n, this.limits.maxStringLength, 'string'))
  }

  string (): string {
    const s = this.nullableString()
    if (s === null) throw malformed('null in a non-nullable string')
    return s
  }

  compactNullableString (): string | null {
    const n = this.uvarint() - 1
    if (n === -1) return null
    return this.utf8(this.checkedLength(n, this.limits.maxStringLength, 'string'))
  }

  compactString (): string {
    const s = this.compactNullableString()
    if (s === null) throw malformed('null in a non-nullable compact string')
    return s
  }

  // ---- bytes (views into the input, never copies) ----------------------------

  /** The next `n` raw bytes as a view. */
  rawBytes (n: number): Buffer {
    this.need(n, 'raw bytes')
    const start = this.offset
    this.offset = start + n
    return this.buffer.subarray(start, start + n)
  }

  nullableBytes (): Buffer | null {
    const n = this.int32()
    if (n === -1) return null
    if (n < 0) throw malformed(`negative bytes length ${n}`)
    return this.rawBytes(this.checkedLength(n, this.limits.maxBytesLength, 'bytes'))
  }

  bytes (): Buffer {
    const v = this.nullableBytes()
    if (v === null) throw malformed('null in a non-nullable bytes field')
    return v
  }

  compactNullableBytes (): Buffer | null {
    const n = this.uvarint() - 1
    if (n === -1) return null
    return this.rawBytes(this.checkedLength(n, this.limits.maxBytesLength, 'bytes'))
  }

  compactBytes (): Buffer {
    const v = this.compactNullableBytes()
    if (v === null) throw malformed('null in a non-nullable compact bytes field')
    return v
  }

  // ---- tagged fields ---------------------------------------------------------

  /**
   * Reads a tagged-field section. For each field `onTag(tag, fieldReader)` is called
   * with a reader bounded to that field's bytes; whatever it leaves unread is
   * skipped, so unknown tags cost nothing (Kafka's forward compatibility rule).
   */
  taggedFields (onTag?: (tag: number, field: Reader) => void): void {
    const count = this.checkCount(this.uvarint(), 2, 'tagged fields')
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint()
      const size = this.uvarint()
      this.need(size, `tagged field ${tag}`)
      if (onTag === undefined) {
        this.offset += size
        continue
      }
      const field = this.slice(size)
      onTag(tag, field)
    }
  }
}
