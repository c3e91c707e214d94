// Walks the batches of a segment file from a position, reading large chunks,
// checking each batch's framing (and CRC when asked). Stops at the first batch
// that is torn (runs past the end) or corrupt, which is where recovery cuts.
import { crc32c } from '@node-rs/crc32'
import { BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, BatchOffsets, MIN_BATCH_LENGTH, readInt64 } from '../protocol/records/batch-header.js'
import type { FileHandle } from './fs.js'

const CHUNK = 1024 * 1024

export interface ScannedBatch {
  position: number
  size: number
  baseOffset: number
  lastOffset: number
  maxTimestamp: number
  /** The whole batch (a view into a read buffer; valid during the callback). */
  bytes: Buffer
}

export interface ScanResult {
  /** Position after the last good batch. */
  validEnd: number
  /** Why the scan stopped before `end`, if it did. */
  stopReason: 'end' | 'torn' | 'corrupt'
}

/**
 * Calls `onBatch` for each good batch in [from, end). `onBatch` returning false
 * stops the scan early (stopReason 'end').
 */
export async function scanSegment (
  fh: FileHandle, from: number, end: number, verifyCrc: boolean,
  onBatch: (b: ScannedBatch) => boolean | void
): Promise<ScanResult> {
  let pos = from
  let buf: Buffer = Buffer.alloc(0)
  let bufStart = from
  while (pos < end) {
    let off = pos - bufStart
    if (off + BATCH_HEADER_SIZE > buf.length) {
      buf = await readAt(fh, pos, Math.min(CHUNK, end - pos))
      bufStart = pos
      off = 0
      if (buf.length < BATCH_HEADER_SIZE) return { validEnd: pos, stopReason: 'torn' }
    }
    const batchLength = buf.readInt32BE(off + BatchOffsets.batchLength)
    if (buf.readInt8(off + BatchOffsets.magic) !== 2 || batchLength < MIN_BATCH_LENGTH) {
      return { validEnd: pos, stopReason: 'corrupt' }
    }
    const size = batchLength + BATCH_LOG_OVERHEAD
    if (pos + size > end) return { validEnd: pos, stopReason: 'torn' }
    if (off + size > buf.length) {
      buf = await readAt(fh, pos, Math.max(size, Math.min(CHUNK, end - pos)))
      bufStart = pos
      off = 0
      if (buf.length < size) return { validEnd: pos, stopReason: 'torn' }
    }
    if (verifyCrc) {
      const stored = buf.readUInt32BE(off + BatchOffsets.crc)
      if ((crc32c(buf.subarray(off + BatchOffsets.attributes, off + size)) >>> 0) !== stored) {
        return { validEnd: pos, stopReason: 'corrupt' }
      }
    }
    const baseOffset = readInt64(buf, off)
    const more = onBatch({
      position: pos,
      size,
      baseOffset,
      lastOffset: baseOffset + buf.readInt32BE(off + BatchOffsets.lastOffsetDelta),
      maxTimestamp: readInt64(buf, off + BatchOffsets.maxTimestamp),
      bytes: buf.subarray(off, off + size),
    })
    pos += size
    if (more === false) break
  }
  return { validEnd: pos, stopReason: 'end' }
}

export async function readAt (fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length)
  const n = await fh.read(buf, 0, length, position)
  return n === length ? buf : buf.subarray(0, n)
}
