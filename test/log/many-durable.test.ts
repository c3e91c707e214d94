// One durability wait across many partitions (LogManager.flushedMany over group-commit's
// waitForManyDurable): partitions written without an fsync become durable with one syncfs of the file
// system, each answered without an fsync of its own, and a power cut afterwards loses none of it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FaultyFs, realFs, type FileHandle } from '../../src/log/fs.js'
import { LogManager } from '../../src/log/index.js'
import { GroupCommit, SHARED_SYNC_MIN_PARTITIONS } from '../../src/log/group-commit.js'
import { encodeBatch } from '../../src/protocol/records/index.js'

/** FaultyFs (for the power cut) that counts fsyncs of files and syncfs calls. */
class CountingFs extends FaultyFs {
  fileSyncs = 0
  fileSystemSyncs = 0
  constructor () { super(realFs) }

  override async open (path: string, create: boolean): Promise<FileHandle> {
    const fh = await super.open(path, create)
    return {
      writev: async (buffers, position) => await fh.writev(buffers, position),
      read: async (buffer, offset, length, position) => await fh.read(buffer, offset, length, position),
      sync: async () => { this.fileSyncs++; await fh.sync() },
      truncate: async (length) => await fh.truncate(length),
      size: async () => await fh.size(),
      close: async () => await fh.close(),
    }
  }

  override get syncFileSystem (): ((path: string) => Promise<void>) | undefined {
    const sync = super.syncFileSystem
    if (sync === undefined) return undefined
    return async (path) => { this.fileSystemSyncs++; await sync(path) }
  }
}

const PARTITIONS = SHARED_SYNC_MIN_PARTITIONS + 4

async function writtenToEveryPartition (logs: LogManager): Promise<Array<{ topic: string, partition: number, offset: number }>> {
  await logs.createTopic('targets', PARTITIONS)
  return await Promise.all(Array.from({ length: PARTITIONS }, async (_, partition) => {
    const r = await logs.partition('targets', partition)!.append(encodeBatch([{ key: `k${partition}`, value: `event for ${partition}` }]), { durability: 'written' })
    return { topic: 'targets', partition, offset: r.lastOffset }
  }))
}

async function endsAfterPowerCut (fs: CountingFs, logs: LogManager, dir: string): Promise<number[]> {
  await fs.powerLoss()
  await logs.close().catch(() => undefined)
  const reopened = await LogManager.open(dir, { logCleanerIntervalMs: 0 })
  try {
    return Array.from({ length: PARTITIONS }, (_, p) => reopened.partition('targets', p)!.logEndOffset)
  } finally {
    await reopened.close()
  }
}

test('many partitions written without an fsync are made durable by one syncfs, none by an fsync of its own, and survive a power cut', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-many-durable-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const fs = new CountingFs()
  const logs = await LogManager.open(dir, { fs, logCleanerIntervalMs: 0 })
  const targets = await writtenToEveryPartition(logs)
  const syncsBefore = fs.fileSyncs
  const fileSystemSyncsBefore = fs.fileSystemSyncs
  const outcomes = await logs.flushedMany(targets)
  assert.deepEqual(outcomes, targets.map(() => undefined))
  assert.equal(fs.fileSystemSyncs - fileSystemSyncsBefore, 1)
  assert.equal(fs.fileSyncs, syncsBefore, 'no partition fsynced on its own')
  for (const { partition } of targets) assert.equal(logs.partition('targets', partition)!.durableEnd, 1)
  assert.deepEqual(await endsAfterPowerCut(fs, logs, dir), targets.map(() => 1))
})

test('when the shared syncfs fails, each partition\'s own fsync decides, and what it answers durable survives a power cut', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-many-durable-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const fs = new CountingFs()
  const logs = await LogManager.open(dir, { fs, logCleanerIntervalMs: 0 })
  const targets = await writtenToEveryPartition(logs)
  const syncsBefore = fs.fileSyncs
  fs.failNext('sync')
  const outcomes = await logs.flushedMany(targets)
  assert.deepEqual(outcomes, targets.map(() => undefined))
  assert.equal(fs.fileSyncs - syncsBefore, PARTITIONS, 'one fsync per partition instead')
  assert.deepEqual(await endsAfterPowerCut(fs, logs, dir), targets.map(() => 1))
})

test('a group commit marked durable from outside answers its waiters up to that offset without an fsync, never past what is written', async () => {
  const written = 10
  // the fsync the waiter starts never finishes: only markDurable can answer it
  const gc = new GroupCommit(0, () => written, () => new Promise<void>(() => {}), () => {})
  const waiter = gc.waitFor(7)
  const later = gc.waitFor(9)
  let laterAnswered = false
  later.then(() => { laterAnswered = true }, () => {})
  gc.markDurable(8)
  await waiter
  assert.equal(gc.durableEnd, 8)
  await new Promise(setImmediate)
  assert.equal(laterAnswered, false, 'offset 9 is not durable yet')
  gc.markDurable(50)
  await later
  assert.equal(gc.durableEnd, 10, 'capped at the written end')
})
