// LZ4 as Kafka carries it: the LZ4 frame format. Before decompressing we walk the
// frame's block headers to bound the output size, so a tiny frame that claims a
// huge output is refused without allocating it. Blocks are decoded here, into
// one buffer of that bound: lz4-napi's frame decoder took ~1.5 ms per 64 KiB
// produced batch (about 40 MB/s, measured by bench/produce-validation.ts), which
// made checking lz4 batches on produce the slowest step by far; the block format
// is a few lines (token, literals, 2-byte offset, match), and one output buffer
// also serves frames whose blocks refer back to earlier ones (librdkafka writes
// linked blocks). Checksums are not verified: the batch CRC covers the bytes.
import { lazyNative } from './lazy-native.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'

const lz4 = lazyNative<typeof import('lz4-napi')>('lz4-napi')

const LZ4_MAGIC = 0x184d2204
const BLOCK_MAX_SIZES = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024]
/** LZ4's worst-case expansion of a sequence is below 255x. */
const MAX_RATIO = 255

function corrupt (why: string): TributaryError {
  return new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, `invalid lz4 frame: ${why}`)
}

/** An upper bound of the frame's decompressed size, from its headers only. */
export function lz4FrameSizeBound (data: Buffer): number {
  if (data.length < 7 || data.readUInt32LE(0) !== LZ4_MAGIC) throw corrupt('bad magic')
  const flg = data[4]!
  const bd = data[5]!
  const blockMax = BLOCK_MAX_SIZES[(bd >> 4) & 7]!
  if (blockMax === 0) throw corrupt('bad block size')
  const hasContentSize = (flg & 0x08) !== 0
  const hasBlockChecksum = (flg & 0x10) !== 0
  const hasDictId = (flg & 0x01) !== 0
  let pos = 6
  let declared = -1
  if (hasContentSize) {
    if (data.length < pos + 8) throw corrupt('truncated header')
    declared = Number(data.readBigUInt64LE(pos))
    pos += 8
  }
  if (hasDictId) pos += 4
  pos += 1 // header checksum
  let bound = 0
  for (;;) {
    if (data.length < pos + 4) throw corrupt('truncated block')
    const word = data.readUInt32LE(pos)
    pos += 4
    if (word === 0) break
    const size = word & 0x7fffffff
    const uncompressed = (word & 0x80000000) !== 0
    bound += uncompressed ? size : Math.min(blockMax, size * MAX_RATIO)
    pos += size + (hasBlockChecksum ? 4 : 0)
    if (pos > data.length) throw corrupt('block runs past the end')
  }
  return declared >= 0 ? Math.min(declared, bound) : bound
}

export function lz4Decompress (data: Buffer, maxBytes: number): Buffer {
  const bound = lz4FrameSizeBound(data)
  if (bound > maxBytes) {
    throw new TributaryError(TributaryErrorCode.MESSAGE_TOO_LARGE, `lz4 data may decompress to more than ${maxBytes} bytes`)
  }
  const flg = data[4]!
  const blockMax = BLOCK_MAX_SIZES[(data[5]! >> 4) & 7]!
  const hasBlockChecksum = (flg & 0x10) !== 0
  let pos = 7 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0)
  const out = Buffer.allocUnsafe(bound)
  let written = 0
  for (;;) {
    const word = data.readUInt32LE(pos)
    pos += 4
    if (word === 0) break
    const size = word & 0x7fffffff
    if ((word & 0x80000000) !== 0) {
      data.copy(out, written, pos, pos + size)
      written += size
    } else {
      written = decodeBlock(data, pos, pos + size, out, written, Math.min(out.length, written + blockMax))
    }
    pos += size + (hasBlockChecksum ? 4 : 0)
  }
  return out.subarray(0, written)
}

/** Decodes one LZ4 block src[s, end) into out at d (never past limit); returns the end of the output. */
function decodeBlock (src: Buffer, s: number, end: number, out: Buffer, d: number, limit: number): number {
  while (s < end) {
    const token = src[s++]!
    let literals = token >>> 4
    if (literals === 15) {
      let b: number
      do {
        if (s >= end) throw corrupt('literal length runs past the block')
        b = src[s++]!
        literals += b
      } while (b === 255)
    }
    if (literals > end - s || literals > limit - d) throw corrupt('literals run past the block')
    if (literals > 32) src.copy(out, d, s, s + literals)
    else for (let i = 0; i < literals; i++) out[d + i] = src[s + i]!
    s += literals
    d += literals
    if (s === end) break // the last sequence has literals only
    if (end - s < 2) throw corrupt('truncated match offset')
    const offset = src[s]! | (src[s + 1]! << 8)
    s += 2
    if (offset === 0 || offset > d) throw corrupt(`match offset ${offset} points before the output`)
    let length = token & 15
    if (length === 15) {
      let b: number
      do {
        if (s >= end) throw corrupt('match length runs past the block')
        b = src[s++]!
        length += b
      } while (b === 255)
    }
    length += 4
    if (length > limit - d) throw corrupt('match runs past the block size')
    let from = d - offset
    if (length <= 32) {
      for (const stop = d + length; d < stop;) out[d++] = out[from++]!
    } else {
      // an overlapping match repeats the last `offset` bytes: each copy may take
      // everything written since `from`, so the copies double in size
      for (let left = length; left > 0;) {
        const n = Math.min(left, d - from)
        out.copyWithin(d, from, from + n)
        d += n
        left -= n
      }
    }
  }
  return d
}

export function lz4Compress (data: Buffer): Buffer {
  return lz4().compressFrameSync(data)
}
