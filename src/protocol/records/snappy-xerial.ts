// Snappy as Kafka carries it. Java clients (and Kafka itself) write xerial's
// snappy-java framing: an 8-byte magic, two int32 versions, then blocks of
// [int32 compressed length][raw snappy block]. librdkafka and kafkajs-snappy write
// one raw snappy block. We decode both and encode xerial, which every client reads
// (snappy-java falls back to raw when the magic is absent, librdkafka and
// kafkajs-snappy detect the magic).
import { lazyNative } from './lazy-native.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'

const snappy = lazyNative<typeof import('snappy')>('snappy')

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER_SIZE = 16
/** snappy-java's default block size. */
const XERIAL_BLOCK_SIZE = 32 * 1024

export function isXerialFramed (data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, 8).equals(XERIAL_MAGIC)
}

/** Uncompressed length a raw snappy block declares in its varint preamble. */
export function rawSnappyLength (block: Buffer): number {
  let result = 0
  let mul = 1
  for (let i = 0; i < 5 && i < block.length; i++) {
    const b = block[i]!
    result += (b & 0x7f) * mul
    if ((b & 0x80) === 0) return result
    mul *= 128
  }
  throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, 'invalid snappy length preamble')
}

function uncompressRaw (block: Buffer): Buffer {
  try {
    return snappy().uncompressSync(block, { asBuffer: true }) as Buffer
  } catch (err) {
    throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, `invalid snappy data: ${(err as Error).message}`)
  }
}

function tooLarge (limit: number): TributaryError {
  return new TributaryError(TributaryErrorCode.MESSAGE_TOO_LARGE, `snappy data decompresses to more than ${limit} bytes`)
}

export function snappyDecompress (data: Buffer, maxBytes: number): Buffer {
  if (!isXerialFramed(data)) {
    if (rawSnappyLength(data) > maxBytes) throw tooLarge(maxBytes)
    return uncompressRaw(data)
  }
  const parts: Buffer[] = []
  let total = 0
  let pos = XERIAL_HEADER_SIZE
  while (pos < data.length) {
    if (data.length - pos < 4) throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, 'truncated xerial snappy block length')
    const len = data.readInt32BE(pos)
    pos += 4
    if (len < 0 || len > data.length - pos) throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, 'xerial snappy block runs past the end')
    const block = data.subarray(pos, pos + len)
    pos += len
    total += rawSnappyLength(block)
    if (total > maxBytes) throw tooLarge(maxBytes)
    parts.push(uncompressRaw(block))
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total)
}

export function snappyCompressXerial (data: Buffer): Buffer {
  const parts: Buffer[] = []
  const header = Buffer.alloc(XERIAL_HEADER_SIZE)
  XERIAL_MAGIC.copy(header, 0)
  header.writeInt32BE(1, 8)
  header.writeInt32BE(1, 12)
  parts.push(header)
  for (let pos = 0; pos < data.length || pos === 0; pos += XERIAL_BLOCK_SIZE) {
    const block = snappy().compressSync(data.subarray(pos, pos + XERIAL_BLOCK_SIZE))
    const len = Buffer.alloc(4)
    len.writeInt32BE(block.length, 0)
    parts.push(len, block)
    if (data.length === 0) break
  }
  return Buffer.concat(parts)
}
