// Sparse time index of one segment, written next to the offset index entries:
// entry i says "every batch before relative offset relOffsets[i] has a max
// timestamp <= timestamps[i]". So the first record with timestamp >= t lies at or
// after the last entry whose timestamp is < t.

export class TimeIndex {
  timestamps: Float64Array
  relOffsets: Uint32Array
  count = 0

  constructor (capacity = 64) {
    this.timestamps = new Float64Array(capacity)
    this.relOffsets = new Uint32Array(capacity)
  }

  append (maxTimestampBefore: number, relOffset: number): void {
    if (this.count === this.timestamps.length) {
      const ts = new Float64Array(this.count * 2); ts.set(this.timestamps); this.timestamps = ts
      const ro = new Uint32Array(this.count * 2); ro.set(this.relOffsets); this.relOffsets = ro
    }
    this.timestamps[this.count] = maxTimestampBefore
    this.relOffsets[this.count] = relOffset
    this.count++
  }

  /** Relative offset to start scanning from for the first timestamp >= `ts` (0 = segment start). */
  lookup (ts: number): number {
    let lo = 0
    let hi = this.count - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.timestamps[mid]! < ts) { found = mid; lo = mid + 1 } else hi = mid - 1
    }
    return found < 0 ? 0 : this.relOffsets[found]!
  }

  truncateToRelOffset (relOffset: number): void {
    while (this.count > 0 && this.relOffsets[this.count - 1]! >= relOffset) this.count--
  }

  /** Entry bytes: count x (f64 timestamp, u32 relOffset), big-endian. */
  encodeEntries (count = this.count): Buffer {
    const out = Buffer.allocUnsafe(count * 12)
    for (let i = 0; i < count; i++) {
      out.writeDoubleBE(this.timestamps[i]!, i * 12)
      out.writeUInt32BE(this.relOffsets[i]!, i * 12 + 8)
    }
    return out
  }

  static decodeEntries (buf: Buffer, count: number): TimeIndex {
    const idx = new TimeIndex(Math.max(64, count))
    for (let i = 0; i < count; i++) idx.append(buf.readDoubleBE(i * 12), buf.readUInt32BE(i * 12 + 8))
    return idx
  }
}
