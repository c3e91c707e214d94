// LZ4 as Kafka carries it: the LZ4 frame format. Before decompressing we walk the
// frame's block headers to bound the output size, so a tiny frame that claims a
// huge output is refused without allocating it.
import { compressFrameSync, decompressFrameSync } from 'lz4-napi'
import { TributaryError, TributaryErrorCode } from '../../errors.js'

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
  if (lz4FrameSizeBound(data) > maxBytes) {
    throw new TributaryError(TributaryErrorCode.MESSAGE_TOO_LARGE, `lz4 data may decompress to more than ${maxBytes} bytes`)
  }
  try {
    return decompressFrameSync(data)
  } catch (err) {
    throw corrupt((err as Error).message)
  }
}

export function lz4Compress (data: Buffer): Buffer {
  return compressFrameSync(data)
}
