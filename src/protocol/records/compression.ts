// The four codecs Kafka batches use, behind one pair of functions. Decompression
// takes a size limit and refuses data that would exceed it before allocating it.
import { gunzipSync, gzipSync } from 'node:zlib'
import { Compression } from './batch-header.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'
import { snappyCompressXerial, snappyDecompress } from './snappy-xerial.js'
import { lz4Compress, lz4Decompress } from './lz4-frame.js'
import { zstdCompress, zstdDecompress } from './zstd.js'

/** Default cap on a batch's decompressed records (Kafka has none; 64 MiB is generous). */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024

export const CompressionName: Record<number, string> = { 0: 'none', 1: 'gzip', 2: 'snappy', 3: 'lz4', 4: 'zstd' }

export function compress (codec: number, data: Buffer): Buffer {
  switch (codec) {
    case Compression.none: return data
    case Compression.gzip: return gzipSync(data)
    case Compression.snappy: return snappyCompressXerial(data)
    case Compression.lz4: return lz4Compress(data)
    case Compression.zstd: return zstdCompress(data)
    default: throw unsupported(codec)
  }
}

export function decompress (codec: number, data: Buffer, maxBytes = DEFAULT_MAX_DECOMPRESSED_BYTES): Buffer {
  switch (codec) {
    case Compression.none:
      return data
    case Compression.gzip:
      try {
        return gunzipSync(data, { maxOutputLength: maxBytes })
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
          throw new TributaryError(TributaryErrorCode.MESSAGE_TOO_LARGE, `gzip data decompresses to more than ${maxBytes} bytes`)
        }
        throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, `invalid gzip data: ${(err as Error).message}`)
      }
    case Compression.snappy: return snappyDecompress(data, maxBytes)
    case Compression.lz4: return lz4Decompress(data, maxBytes)
    case Compression.zstd: return zstdDecompress(data, maxBytes)
    default: throw unsupported(codec)
  }
}

function unsupported (codec: number): TributaryError {
  return new TributaryError(TributaryErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `unknown compression codec ${codec}`)
}
