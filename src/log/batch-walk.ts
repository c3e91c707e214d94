// Stepping from batch to batch through bytes the log itself wrote (a segment
// read, a fetch chunk). These bytes were validated at append, so only the
// framing is read: the length field says where the next batch starts. Every
// loop over stored batches goes through here instead of its own `+ 12`.
import { BATCH_LOG_OVERHEAD, BatchOffsets, readInt64 } from '../protocol/records/batch-header.js'

/** Size of the batch at `pos` (batchLength plus the 12 bytes it does not count), or -1 if its length is not in `buf`. */
export function storedBatchSize (buf: Buffer, pos: number): number {
  if (pos + BATCH_LOG_OVERHEAD > buf.length) return -1
  return buf.readInt32BE(pos + BatchOffsets.batchLength) + BATCH_LOG_OVERHEAD
}

export function storedBaseOffset (buf: Buffer, pos: number): number {
  return readInt64(buf, pos + BatchOffsets.baseOffset)
}

/** Last offset of the batch at `pos`; needs the header up to lastOffsetDelta in `buf`. */
export function storedLastOffset (buf: Buffer, pos: number): number {
  return readInt64(buf, pos + BatchOffsets.baseOffset) + buf.readInt32BE(pos + BatchOffsets.lastOffsetDelta)
}

/**
 * Calls `visit(pos, size)` for each whole batch in `buf` from `from`, in order,
 * until one is cut off by the end of `buf` or `visit` returns false. Returns the
 * position after the last batch visited (and accepted).
 */
export function walkBatches (buf: Buffer, from: number, visit: (pos: number, size: number) => boolean | void): number {
  let pos = from
  for (;;) {
    const size = storedBatchSize(buf, pos)
    if (size < BATCH_LOG_OVERHEAD || pos + size > buf.length) return pos
    if (visit(pos, size) === false) return pos
    pos += size
  }
}
