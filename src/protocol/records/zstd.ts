// Zstandard, decompressed as a stream into chunks so the output stops at the
// limit whatever the frame header claims (Java's zstd-jni streams frames without
// a content size, so the header alone cannot bound it).
import { lazyNative } from './lazy-native.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'

const CHUNK = 128 * 1024
const zstd = lazyNative<typeof import('zstd-napi')>('zstd-napi')
const zstdBinding = lazyNative<typeof import('zstd-napi/binding.js')>('zstd-napi/binding.js')
// One context, reset per call: creating one allocates its window buffers, which
// cost more than decompressing a typical produced batch (profiled: a fresh
// context per batch held validation of zstd batches to ~40 MB/s).
let shared: InstanceType<ReturnType<typeof zstdBinding>['DCtx']> | null = null

export function zstdDecompress (data: Buffer, maxBytes: number): Buffer {
  const { DCtx, ResetDirective } = zstdBinding()
  shared ??= new DCtx()
  const dctx = shared
  dctx.reset(ResetDirective.sessionOnly)
  const parts: Buffer[] = []
  let total = 0
  let src = data
  try {
    for (;;) {
      const out = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes - total + 1))
      const [ret, produced, consumed] = dctx.decompressStream(out, src)
      src = src.subarray(consumed)
      if (produced > 0) {
        total += produced
        if (total > maxBytes) throw new TributaryError(TributaryErrorCode.MESSAGE_TOO_LARGE, `zstd data decompresses to more than ${maxBytes} bytes`)
        parts.push(out.subarray(0, produced))
      }
      if (ret === 0 && src.length === 0) break
      if (produced === 0 && consumed === 0) throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, 'truncated zstd frame')
    }
  } catch (err) {
    if (err instanceof TributaryError) throw err
    throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, `invalid zstd data: ${(err as Error).message}`)
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total)
}

export function zstdCompress (data: Buffer): Buffer {
  return zstd().compress(data)
}
