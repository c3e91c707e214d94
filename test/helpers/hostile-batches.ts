// Record batches no well-behaved client sends, each with a valid CRC so that
// only a check of the records themselves can catch them: headers that lie
// about their records, garbage records, unknown codecs and decompression bombs.
import { gzipSync } from 'node:zlib'
import { compressFrameSync } from 'lz4-napi'
import snappy from 'snappy'
import { compress as zstdCompress } from 'zstd-napi'
import { BATCH_HEADER_SIZE, BatchOffsets, Compression, computeBatchCrc } from '../../src/protocol/records/batch-header.js'
import { encodeBatch } from '../../src/protocol/records/batch-codec.js'
import type { RecordInput } from '../../src/protocol/records/record.js'

/** Recomputes the CRC after a header or body edit. */
export function fixCrc (batch: Buffer): Buffer {
  batch.writeUInt32BE(computeBatchCrc(batch, 0, batch.length), BatchOffsets.crc)
  return batch
}

/** A batch of `records` whose header then claims `claimed` records (lastOffsetDelta to match). */
export function batchClaiming (claimed: number, records: RecordInput[] = [{ value: 'one real record' }]): Buffer {
  const batch = encodeBatch(records)
  batch.writeInt32BE(claimed - 1, BatchOffsets.lastOffsetDelta)
  batch.writeInt32BE(claimed, BatchOffsets.recordCount)
  return fixCrc(batch)
}

/** A one-record batch whose records section is replaced by `garbage`. */
export function batchWithRecordBytes (garbage: Buffer, recordCount = 1): Buffer {
  const header = encodeBatch([{ value: 'x' }]).subarray(0, BATCH_HEADER_SIZE)
  const batch = Buffer.concat([header, garbage])
  batch.writeInt32BE(batch.length - 12, BatchOffsets.batchLength)
  batch.writeInt32BE(recordCount - 1, BatchOffsets.lastOffsetDelta)
  batch.writeInt32BE(recordCount, BatchOffsets.recordCount)
  return fixCrc(batch)
}

/** A valid batch whose attributes name codec `codec` (5-7 do not exist). */
export function batchWithCodec (codec: number): Buffer {
  const batch = encodeBatch([{ value: 'x' }])
  batch.writeInt16BE(codec, BatchOffsets.attributes)
  return fixCrc(batch)
}

const MIB = 1024 * 1024

/**
 * A batch whose compressed records section inflates to about `inflatedMiB` MiB of
 * zeros. Built from repeated small compressed pieces, so making it costs little:
 * gzip and zstd concatenate members/frames, snappy uses xerial blocks, lz4 repeats
 * one frame block.
 */
export function bombBatch (codec: number, inflatedMiB: number): Buffer {
  const piece = Buffer.alloc(4 * MIB)
  const copies = Math.ceil(inflatedMiB / 4)
  let body: Buffer
  switch (codec) {
    case Compression.gzip: body = Buffer.concat(Array(copies).fill(gzipSync(piece))); break
    case Compression.zstd: body = Buffer.concat(Array(copies).fill(zstdCompress(piece))); break
    case Compression.snappy: {
      const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1])
      const block = snappy.compressSync(piece)
      const length = Buffer.alloc(4)
      length.writeInt32BE(block.length, 0)
      body = Buffer.concat([header, ...Array(copies).fill(Buffer.concat([length, block]))])
      break
    }
    case Compression.lz4: {
      // one 4 MiB frame, its blocks repeated: 7-byte header (no content size, no checksums), blocks, end mark
      const frame = compressFrameSync(piece)
      const flg = frame[4]!
      const headerLength = 7 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0)
      const blocksEnd = frame.length - 4 - ((flg & 0x04) !== 0 ? 4 : 0)
      const blocks = frame.subarray(headerLength, blocksEnd)
      const header = Buffer.from(frame.subarray(0, 7))
      header[4] = flg & ~0x0d // drop content size, content checksum and dict id
      header[6] = lz4HeaderChecksum(header.subarray(4, 6))
      body = Buffer.concat([header, ...Array(copies).fill(blocks), Buffer.alloc(4)])
      break
    }
    default: throw new Error(`no bomb for codec ${codec}`)
  }
  const head = encodeBatch([{ value: 'x' }]).subarray(0, BATCH_HEADER_SIZE)
  const batch = Buffer.concat([head, body])
  batch.writeInt16BE(codec, BatchOffsets.attributes)
  batch.writeInt32BE(batch.length - 12, BatchOffsets.batchLength)
  return fixCrc(batch)
}

// xxHash32 of the frame descriptor, second byte: lz4-napi checks it.
function lz4HeaderChecksum (descriptor: Buffer): number {
  return (xxh32(descriptor) >>> 8) & 0xff
}

function xxh32 (input: Buffer, seed = 0): number {
  const P1 = 2654435761; const P2 = 2246822519; const P3 = 3266489917; const P4 = 668265263; const P5 = 374761393
  const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0
  let h = (seed + P5 + input.length) >>> 0
  let i = 0
  for (; i + 4 <= input.length; i += 4) {
    h = (h + Math.imul(input.readUInt32LE(i), P3)) >>> 0
    h = Math.imul(rotl(h, 17), P4) >>> 0
  }
  for (; i < input.length; i++) {
    h = (h + Math.imul(input[i]!, P5)) >>> 0
    h = Math.imul(rotl(h, 11), P1) >>> 0
  }
  h ^= h >>> 15; h = Math.imul(h, P2) >>> 0
  h ^= h >>> 13; h = Math.imul(h, P3) >>> 0
  h ^= h >>> 16
  return h >>> 0
}
