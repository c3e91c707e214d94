// Micro-benchmark (not a test): MB/s of LogManager append + fsync (acks=all) for
// 1 KB records in ~64 KB batches, next to a plain fsynced sequential write of the
// same bytes to the same disk in the same run.
// Usage: node --import tsx bench/log-append.ts [dataDir] [totalMB] [producers]
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LogManager } from '../src/log/log-manager.js'
import { encodeBatch } from '../src/protocol/records/batch-codec.js'

const baseDir = process.argv[2] ?? tmpdir()
const totalMB = Number(process.argv[3] ?? 256)
const producers = Number(process.argv[4] ?? 4)
const RECORDS_PER_BATCH = 64
const value = Buffer.alloc(1000, 'x')
const template = encodeBatch(Array.from({ length: RECORDS_PER_BATCH }, () => ({ value, timestamp: Date.now() })))
const batchCount = Math.ceil(totalMB * 1024 * 1024 / template.length)
const totalBytes = batchCount * template.length

/** Plain baseline: the same bytes, same batch size and writers, each write followed by an fsync. */
async function plainFsyncedWrite (dir: string): Promise<number> {
  const fh = await open(join(dir, 'plain.bin'), 'w')
  const start = process.hrtime.bigint()
  let position = 0
  for (let i = 0; i < batchCount; i++) {
    await fh.write(template, 0, template.length, position)
    position += template.length
    await fh.datasync()
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  await fh.close()
  return totalBytes / seconds / 1048576
}

async function logAppend (dir: string): Promise<number> {
  const m = await LogManager.open(dir)
  await m.createTopic('bench', 1)
  const p = m.partition('bench', 0)!
  let next = 0
  const start = process.hrtime.bigint()
  await Promise.all(Array.from({ length: producers }, async () => {
    while (next < batchCount) {
      next++
      // each append owns its buffer: offsets are written into it in place
      await p.append(Buffer.from(template), { durability: 'acksAll' })
    }
  }))
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  await m.close()
  return totalBytes / seconds / 1048576
}

const dir = await mkdtemp(join(baseDir, 'trib-bench-'))
try {
  console.log(`${batchCount} batches of ${template.length} bytes (${RECORDS_PER_BATCH} x 1 KB records), ${(totalBytes / 1048576).toFixed(0)} MB, ${producers} concurrent producers`)
  const plain = await plainFsyncedWrite(dir)
  console.log(`plain write+fdatasync per batch: ${plain.toFixed(1)} MB/s`)
  const log = await logAppend(join(dir, 'log'))
  console.log(`log append+fsync (acks=all):     ${log.toFixed(1)} MB/s (${(100 * log / plain).toFixed(0)}% of plain)`)
} finally {
  await rm(dir, { recursive: true, force: true })
}
