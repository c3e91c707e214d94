// Micro-benchmark (not a test): what checking produced batches against their
// records (src/protocol/records/validate.ts) costs on the produce path. For
// each record size and codec, one run measures side by side, on the same
// batches:
//   before: splitBatches only (framing + CRC32C), what produce did until now;
//   after:  splitBatches + validateRecords (what produce does now);
// and then the log append with acks=all (validation included) end to end.
// Usage: node --import tsx bench/produce-validation.ts [MB per case, default 256]
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LogManager } from '../src/log/log-manager.js'
import { encodeBatch } from '../src/protocol/records/batch-codec.js'
import { Compression } from '../src/protocol/records/batch-header.js'
import { splitBatches } from '../src/protocol/records/split.js'
import { validateRecords } from '../src/protocol/records/validate.js'

const totalMB = Number(process.argv[2] ?? 256)
const BATCH_BYTES = 64 * 1024
const options = { maxDecompressedBytes: 64 * 1024 * 1024, requireKeys: false }

function template (recordSize: number, compression: number): { batch: Buffer, rawBytes: number } {
  const count = Math.max(1, Math.floor(BATCH_BYTES / (recordSize + 10)))
  // values with some variety, so compressed batches are not trivially small
  const records = Array.from({ length: count }, (_, i) => ({ key: `key-${i % 100}`, value: Buffer.from(`${i}:`.padEnd(recordSize, String.fromCharCode(97 + (i % 26)))), timestamp: 1_700_000_000_000 + i }))
  return { batch: encodeBatch(records, { compression }), rawBytes: count * recordSize }
}

/** MB/s of produced (uncompressed) record bytes through fn. */
function rate (batch: Buffer, rawBytes: number, fn: (b: Buffer) => void): number {
  const rounds = Math.ceil(totalMB * 1024 * 1024 / rawBytes)
  for (let i = 0; i < Math.min(rounds, 200); i++) fn(batch) // warm up
  const start = process.hrtime.bigint()
  for (let i = 0; i < rounds; i++) fn(batch)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  return rounds * rawBytes / seconds / 1048576
}

async function appendRate (batch: Buffer, rawBytes: number, dir: string): Promise<number> {
  const log = await LogManager.open(dir)
  await log.createTopic('bench', 1)
  const partition = log.partition('bench', 0)!
  const rounds = Math.ceil(totalMB * 1024 * 1024 / rawBytes)
  let next = 0
  const start = process.hrtime.bigint()
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < rounds) {
      next++
      await partition.append(Buffer.from(batch), { durability: 'acksAll' })
    }
  }))
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  await log.close()
  return rounds * rawBytes / seconds / 1048576
}

const codecs: Array<[string, number]> = [['none', Compression.none], ['lz4', Compression.lz4], ['zstd', Compression.zstd], ['gzip', Compression.gzip]]
const base = await mkdtemp(join(tmpdir(), 'trib-validate-bench-'))
try {
  console.log(`${totalMB} MB of record bytes per case, ~64 KiB batches; MB/s of uncompressed record bytes`)
  console.log('records  codec  before (split+CRC)  after (+validate)  after/before  log append acks=all (after)')
  let n = 0
  for (const size of [100, 1024]) {
    for (const [name, codec] of codecs) {
      const { batch, rawBytes } = template(size, codec)
      const before = rate(batch, rawBytes, b => { splitBatches(b) })
      const after = rate(batch, rawBytes, b => { validateRecords(b, splitBatches(b), options) })
      const append = await appendRate(batch, rawBytes, join(base, String(n++)))
      console.log(`${String(size).padStart(5)} B  ${name.padEnd(5)}  ${before.toFixed(0).padStart(17)}  ${after.toFixed(0).padStart(17)}  ${(after / before).toFixed(2).padStart(12)}  ${append.toFixed(0).padStart(10)}`)
    }
  }
} finally {
  await rm(base, { recursive: true, force: true })
}
