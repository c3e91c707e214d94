// The recovery checkpoint (src/log/recovery-checkpoint.ts): after a crash only the
// partitions written since the last checkpoint are recovered; the rest start dormant.
// Every test "crashes" by opening the directory again without closing the first manager.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { LogManager } from '../../src/log/log-manager.js'
import { segmentFileName } from '../../src/log/segment.js'
import { batch, countingFs, scribble, sizeOf, tempDir } from './helpers.js'
import { FaultyFs, realFs } from '../../src/log/fs.js'

async function filled (dir: string, partitions: number, options: { segmentBytes?: number } = {}): Promise<LogManager> {
  const m = await LogManager.open(dir, { defaults: { 'segment.bytes': String(options.segmentBytes ?? 1 << 20) }, logCleanerIntervalMs: 0 })
  await m.createTopic('t', partitions)
  for (let p = 0; p < partitions; p++) {
    for (let i = 0; i < 4; i++) await m.partition('t', p)!.append(batch(`p${p}-${i}`, 5), { durability: 'fsynced' })
  }
  return m
}

test('after a crash only partitions written since the checkpoint are recovered; the others start dormant with their offsets', async () => {
  const dir = await tempDir()
  const m = await filled(dir, 3)
  await m.writeRecoveryCheckpoint()
  // written after the checkpoint and never fsynced: this partition must be scanned
  await m.partition('t', 1)!.append(batch('late', 5))
  const after = countingFs()
  const reopened = await LogManager.open(dir, { fs: after.fs, logCleanerIntervalMs: 0 })
  assert.equal(reopened.wasCleanShutdown, false)
  assert.deepEqual([0, 1, 2].map(p => reopened.partition('t', p)!.isDormant), [true, false, true])
  assert.deepEqual([0, 1, 2].map(p => reopened.partition('t', p)!.highWatermark), [20, 25, 20])
  assert.equal(after.counts.syncs, 0, 'no fsync per partition: one syncfs at the end of the start')
  const read = await reopened.partition('t', 2)!.read(0, 1 << 20)
  assert.ok(read.bytes > 0)
  assert.equal((await reopened.partition('t', 0)!.append(batch('next'))).baseOffset, 20)
  await reopened.close()
})

test('a torn tail in a partition the checkpoint says is clean is found by its size and cut off', async () => {
  const dir = await tempDir()
  const m = await filled(dir, 2)
  await m.writeRecoveryCheckpoint()
  const segment = join(dir, 't-0', segmentFileName(0, '.log'))
  const recorded = await sizeOf(realFs, segment)
  // half a batch, as a write cut short by kill -9 leaves it
  await scribble(realFs, segment, batch('torn', 5).subarray(0, 30))
  const reopened = await LogManager.open(dir, { logCleanerIntervalMs: 0 })
  const p0 = reopened.partition('t', 0)!
  assert.equal(p0.isDormant, false, 'recovered, not trusted')
  assert.equal(p0.highWatermark, 20)
  assert.equal(await sizeOf(realFs, segment), recorded, 'the torn bytes are gone')
  assert.equal(reopened.partition('t', 1)!.isDormant, true)
  assert.equal((await p0.append(batch('after'))).baseOffset, 20)
  await reopened.close()
})

test('a segment rolled after the checkpoint is found, though the old segment kept its size', async () => {
  const dir = await tempDir()
  const m = await filled(dir, 1, { segmentBytes: 4096 })
  const log = m.partition('t', 0)!
  const next = batch('roll', 20)
  // fill the first segment up to where the next batch no longer fits, then checkpoint
  while (log.sizeInBytes + next.length <= 4096) await log.append(batch('fill', 20), { durability: 'fsynced' })
  await m.writeRecoveryCheckpoint()
  await log.append(next, { durability: 'fsynced' })
  assert.equal(log.segmentCount, 2)
  const end = log.highWatermark
  const reopened = await LogManager.open(dir, { logCleanerIntervalMs: 0 })
  assert.equal(reopened.partition('t', 0)!.highWatermark, end)
  await reopened.close()
})

test('records deleted after the checkpoint stay deleted after a crash', async () => {
  const dir = await tempDir()
  const m = await filled(dir, 2)
  await m.writeRecoveryCheckpoint()
  await m.partition('t', 0)!.deleteRecordsBefore(7)
  const reopened = await LogManager.open(dir, { logCleanerIntervalMs: 0 })
  assert.equal(reopened.partition('t', 0)!.logStartOffset, 7)
  assert.equal(reopened.partition('t', 1)!.isDormant, true)
  await reopened.close()
})

test('a start after a clean shutdown keeps its facts as the checkpoint, so a crash soon after recovers nothing', async () => {
  const dir = await tempDir()
  const m = await filled(dir, 3)
  await m.close()
  const started = await LogManager.open(dir, { logCleanerIntervalMs: 0 })
  await started.partition('t', 2)!.append(batch('new', 5), { durability: 'fsynced' })
  const after = countingFs()
  const reopened = await LogManager.open(dir, { fs: after.fs, logCleanerIntervalMs: 0 })
  assert.deepEqual([0, 1, 2].map(p => reopened.partition('t', p)!.isDormant), [true, true, false])
  assert.deepEqual([0, 1, 2].map(p => reopened.partition('t', p)!.highWatermark), [20, 20, 25])
  await reopened.close()
})

test('after a power loss the checkpoint is still there and vouches only for fsynced bytes', async () => {
  const dir = await tempDir()
  const faulty = new FaultyFs(realFs)
  const m = await LogManager.open(dir, { fs: faulty, logCleanerIntervalMs: 0 })
  await m.createTopic('t', 2)
  for (let p = 0; p < 2; p++) await m.partition('t', p)!.append(batch(`p${p}`, 5), { durability: 'fsynced' })
  await m.writeRecoveryCheckpoint()
  // never fsynced, so the power cut takes it away and the file is back at the checkpoint's size
  await m.partition('t', 0)!.append(batch('lost', 5))
  await faulty.powerLoss()
  const reopened = await LogManager.open(dir, { logCleanerIntervalMs: 0 })
  assert.deepEqual([0, 1].map(p => reopened.partition('t', p)!.isDormant), [true, true])
  assert.deepEqual([0, 1].map(p => reopened.partition('t', p)!.highWatermark), [5, 5])
  const read = await reopened.partition('t', 0)!.read(0, 1 << 20)
  assert.ok(read.bytes > 0)
  assert.equal((await reopened.partition('t', 0)!.append(batch('again'))).baseOffset, 5)
  await reopened.close()
})

test('partitions written without an fsync of their own are fsynced by the checkpoint and vouched for, and survive a power loss that takes what was written after it', async () => {
  const dir = await tempDir()
  const faulty = new FaultyFs(realFs)
  const m = await LogManager.open(dir, { fs: faulty, logCleanerIntervalMs: 0 })
  await m.createTopic('t', 3)
  await m.partition('t', 0)!.append(batch('kept', 5), { durability: 'fsynced' })
  // acks=1: written, never fsynced by the partition
  for (let p = 1; p < 3; p++) await m.partition('t', p)!.append(batch(`p${p}`, 5))
  await m.writeRecoveryCheckpoint()
  // acks=1 again, after the checkpoint: these bytes are not durable
  await m.partition('t', 2)!.append(batch('late', 5))
  await faulty.powerLoss()
  const reopened = await LogManager.open(dir, { logCleanerIntervalMs: 0 })
  // partition 2 lost its unsynced late batch, which leaves its file as the checkpoint recorded it
  assert.deepEqual([0, 1, 2].map(p => reopened.partition('t', p)!.isDormant), [true, true, true], 'the checkpoint fsynced and vouched for every partition')
  // what the checkpoint fsynced survived the power loss; the late batch went with it, and nothing claims it is there
  assert.deepEqual([0, 1, 2].map(p => reopened.partition('t', p)!.highWatermark), [5, 5, 5])
  assert.ok((await reopened.partition('t', 1)!.read(0, 1 << 20)).bytes > 0)
  assert.equal((await reopened.partition('t', 2)!.append(batch('again'))).baseOffset, 5)
  await reopened.close()
})

test('a dormant partition makes its write path only when first written or waited on: its durable end is its log end until then, and a clean close still vouches for it', async () => {
  const dir = await tempDir()
  const m = await filled(dir, 3)
  await m.close()
  const reopened = await LogManager.open(dir, { logCleanerIntervalMs: 0 })
  // the write path's objects and closures were a third of what each of 10,000 dormant partitions held at start
  const writePath = (p: number): unknown => (reopened.partition('t', p) as unknown as { writePath: unknown }).writePath
  assert.deepEqual([0, 1, 2].map(writePath), [null, null, null])
  assert.deepEqual([0, 1, 2].map(p => reopened.partition('t', p)!.durableEnd), [20, 20, 20])
  // a read wakes the partition's files, not its write path; waiting for what is already durable does not wait
  assert.ok((await reopened.partition('t', 0)!.read(0, 1 << 20)).bytes > 0)
  assert.equal(writePath(0), null)
  assert.deepEqual(reopened.partition('t', 0)!.recoveryFacts()?.logEndOffset, 20)
  await reopened.partition('t', 2)!.flushed(19)
  const next = await reopened.partition('t', 1)!.append(batch('next', 5), { durability: 'fsynced' })
  assert.equal(next.baseOffset, 20)
  assert.notEqual(writePath(1), null)
  assert.equal(reopened.partition('t', 1)!.durableEnd, 25)
  await reopened.close()
  const again = await LogManager.open(dir, { logCleanerIntervalMs: 0 })
  assert.deepEqual([0, 1, 2].map(p => again.partition('t', p)!.isDormant), [true, true, true])
  assert.deepEqual([0, 1, 2].map(p => again.partition('t', p)!.highWatermark), [20, 25, 20])
  await again.close()
})
