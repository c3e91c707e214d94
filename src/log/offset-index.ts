// Sparse offset index of one segment: (offset relative to the segment base,
// byte position) pairs, one per `index.interval.bytes` of log, kept in memory in
// typed arrays and written to `.index` on roll, checkpoint and close.
// File format v1: header | entries | crc32c, see ./index-file.ts.

export class OffsetIndex {
  relOffsets: Uint32Array
  positions: Uint32Array
  count = 0

  constructor (capacity = 64) {
    this.relOffsets = new Uint32Array(capacity)
    this.positions = new Uint32Array(capacity)
  }

  append (relOffset: number, position: number): void {
    if (this.count === this.relOffsets.length) {
      const grow = (a: Uint32Array): Uint32Array => { const b = new Uint32Array(a.length * 2); b.set(a); return b }
      this.relOffsets = grow(this.relOffsets)
      this.positions = grow(this.positions)
    }
    this.relOffsets[this.count] = relOffset
    this.positions[this.count] = position
    this.count++
  }

  /** Position of the last indexed batch starting at or below `relOffset` (0 if none). */
  lookup (relOffset: number): number {
    let lo = 0
    let hi = this.count - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.relOffsets[mid]! <= relOffset) { found = mid; lo = mid + 1 } else hi = mid - 1
    }
    return found < 0 ? 0 : this.positions[found]!
  }

  /** Drops entries at or past `position` (the log was truncated there). */
  truncateToPosition (position: number): void {
    while (this.count > 0 && this.positions[this.count - 1]! >= position) this.count--
  }

  /** Entry bytes: count x (u32 relOffset, u32 position), big-endian. */
  encodeEntries (count = this.count): Buffer {
    const out = Buffer.allocUnsafe(count * 8)
    for (let i = 0; i < count; i++) {
      out.writeUInt32BE(this.relOffsets[i]!, i * 8)
      out.writeUInt32BE(this.positions[i]!, i * 8 + 4)
    }
    return out
  }

  static decodeEntries (buf: Buffer, count: number): OffsetIndex {
    const idx = new OffsetIndex(Math.max(64, count))
    for (let i = 0; i < count; i++) idx.append(buf.readUInt32BE(i * 8), buf.readUInt32BE(i * 8 + 4))
    return idx
  }
}
