// Builds an encoded message as a list of chunks. Small writes land in a scratch
// buffer; a large Buffer (a record batch read from disk, say) is appended as its
// own chunk without being copied, so a Fetch response goes to the socket as
// [header bytes, batch from disk, more header bytes, ...] via writev. Regions of
// the scratch buffer are never rewritten once written, which is what lets
// `reserve` hand out a view to fill in later (a frame's size prefix).
import { TributaryError, TributaryErrorCode } from '../../errors.js'

/** Buffers at least this long are appended by reference instead of copied. */
export const ZERO_COPY_THRESHOLD = 512
const MAX_SCRATCH = 64 * 1024

export class Writer {
  private readonly chunks: Buffer[] = []
  private scratch: Buffer
  private pos = 0
  private mark = 0
  private flushed = 0

  constructor (initialScratch = 256) {
    this.scratch = Buffer.allocUnsafe(initialScratch)
  }

  /** Bytes written so far. */
  get length (): number { return this.flushed + this.pos - this.mark }

  private ensure (n: number): void {
    if (this.pos + n <= this.scratch.length) return
    this.flushScratch()
    const size = Math.max(n, Math.min(this.scratch.length * 2, MAX_SCRATCH))
    this.scratch = Buffer.allocUnsafe(size)
    this.pos = 0
    this.mark = 0
  }

  private flushScratch (): void {
    if (this.pos > this.mark) {
      this.chunks.push(this.scratch.subarray(this.mark, this.pos))
      this.flushed += this.pos - this.mark
      this.mark = this.pos
    }
  }

  int8 (v: number): this {
    this.ensure(1)
    this.scratch[this.pos++] = v & 0xff
    return this
  }

  bool (v: boolean): this {
    return this.int8(v ? 1 : 0)
  }

  int16 (v: number): this {
    this.ensure(2)
    const b = this.scratch; const o = this.pos
    b[o] = (v >>> 8) & 0xff
    b[o + 1] = v & 0xff
    this.pos = o + 2
    return this
  }

  uint16 (v: number): this {
    return this.int16(v)
  }

  int32 (v: number): this {
    this.ensure(4)
    const b = this.scratch; const o = this.pos
    b[o] = (v >>> 24) & 0xff
    b[o + 1] = (v >>> 16) & 0xff
    b[o + 2] = (v >>> 8) & 0xff
    b[o + 3] = v & 0xff
    this.pos = o + 4
    return this
  }

  uint32 (v: number): this {
    return this.int32(v)
  }

  int64 (v: bigint | number): this {
    this.ensure(8)
    if (typeof v === 'number' && Number.isSafeInteger(v)) {
      // Split in double arithmetic: no BigInt allocation for the common case.
      const hi = Math.floor(v / 4294967296)
      this.int32(hi | 0)
      return this.int32((v - hi * 4294967296) >>> 0)
    }
    this.scratch.writeBigInt64BE(typeof v === 'bigint' ? v : BigInt(v), this.pos)
    this.pos += 8
    return this
  }

  float64 (v: number): this {
    this.ensure(8)
    this.scratch.writeDoubleBE(v, this.pos)
    this.pos += 8
    return this
  }

  /** A UUID as 32 hex digits (dashes allowed and ignored). */
  uuid (v: string): this {
    const hex = v.length === 32 ? v : v.replace(/-/g, '')
    if (hex.length !== 32 || !/^[0-9a-fA-F]{32}$/.test(hex)) {
      throw new TributaryError(TributaryErrorCode.ENCODE, `not a UUID: ${JSON.stringify(v)}`)
    }
    this.ensure(16)
    this.scratch.write(hex, this.pos, 16, 'hex')
    this.pos += 16
    return this
  }

  uvarint (v: number): this {
    this.ensure(5)
    const b = this.scratch
    let o = this.pos
    let x = v >>> 0
    while (x >= 0x80) {
      b[o++] = (x & 0x7f) | 0x80
      x >>>= 7
    }
    b[o++] = x
    this.pos = o
    return this
  }

  varint (v: number): this {
    return this.uvarint(((v << 1) ^ (v >> 31)) >>> 0)
  }

  varlong (v: bigint | number): this {
    if (typeof v === 'number' && Number.isSafeInteger(v)) {
      // zig-zag in double arithmetic: exact for |v| < 2^52
      let x = v >= 0 ? v * 2 : -v * 2 - 1
      if (x < 2 ** 53) {
        this.ensure(10)
        const b = this.scratch
        let o = this.pos
        while (x >= 0x80) {
          b[o++] = (x % 0x80) | 0x80
          x = Math.floor(x / 0x80)
        }
        b[o++] = x
        this.pos = o
        return this
      }
    }
    const big = typeof v === 'bigint' ? v : BigInt(v)
    let x = BigInt.asUintN(64, (big << 1n) ^ (big >> 63n))
    this.ensure(10)
    const b = this.scratch
    let o = this.pos
    while (x >= 0x80n) {
      b[o++] = Number(x & 0x7fn) | 0x80
      x >>= 7n
    }
    b[o++] = Number(x)
    this.pos = o
    return this
  }

  private utf8 (s: string, byteLength: number): void {
    this.ensure(byteLength)
    this.scratch.write(s, this.pos, byteLength, 'utf8')
    this.pos += byteLength
  }

  nullableString (s: string | null): this {
    if (s === null) return this.int16(-1)
    const n = Buffer.byteLength(s, 'utf8')
    if (n > 0x7fff) throw new TributaryError(TributaryErrorCode.ENCODE, `string of ${n} bytes exceeds 32767`)
    this.int16(n)
    this.utf8(s, n)
    return this
  }

  string (s: string): this {
    return this.nullableString(s)
  }

  compactNullableString (s: string | null): this {
    if (s === null) return this.uvarint(0)
    const n = Buffer.byteLength(s, 'utf8')
    this.uvarint(n + 1)
    this.utf8(s, n)
    return this
  }

  compactString (s: string): this {
    return this.compactNullableString(s)
  }

  /** Raw bytes with no length prefix: copied if small, appended by reference if large. */
  raw (data: Uint8Array): this {
    const n = data.length
    if (n < ZERO_COPY_THRESHOLD) {
      this.ensure(n)
      this.scratch.set(data, this.pos)
      this.pos += n
    } else {
      this.flushScratch()
      this.chunks.push(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, n))
      this.flushed += n
    }
    return this
  }

  nullableBytes (data: Uint8Array | null): this {
    if (data === null) return this.int32(-1)
    this.int32(data.length)
    return this.raw(data)
  }

  bytes (data: Uint8Array): this {
    return this.nullableBytes(data)
  }

  compactNullableBytes (data: Uint8Array | null): this {
    if (data === null) return this.uvarint(0)
    this.uvarint(data.length + 1)
    return this.raw(data)
  }

  compactBytes (data: Uint8Array): this {
    return this.compactNullableBytes(data)
  }

  /** Appends everything another writer holds (its chunks by reference). */
  append (other: Writer): this {
    for (const chunk of other.toChunks()) this.raw(chunk)
    return this
  }

  /**
   * Reserves `n` bytes and returns a view of them to fill in later, e.g. a size
   * prefix once the rest is known. The view stays valid: scratch regions are never
   * reused.
   */
  reserve (n: number): Buffer {
    this.ensure(n)
    const view = this.scratch.subarray(this.pos, this.pos + n)
    this.pos += n
    return view
  }

  /** The encoded bytes as chunks, in order, for socket.writev / cork+write. */
  toChunks (): Buffer[] {
    this.flushScratch()
    return this.chunks
  }

  /** The encoded bytes as one Buffer (copies only if there is more than one chunk). */
  toBuffer (): Buffer {
    const chunks = this.toChunks()
    if (chunks.length === 1) return chunks[0]!
    return Buffer.concat(chunks, this.flushed)
  }
}

/** Bytes an unsigned varint takes. */
export function sizeOfUvarint (v: number): number {
  let x = v >>> 0
  let n = 1
  while (x >= 0x80) { x >>>= 7; n++ }
  return n
}
