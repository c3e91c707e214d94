import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { PartitionLog } from '../../src/log/partition-log.js'
import type { PartitionContext } from '../../src/log/partition-log.js'
import { resolveTopicConfigs } from '../../src/log/config.js'
import type { TopicConfigs } from '../../src/log/config.js'
import { realFs } from '../../src/log/fs.js'
import type { FileSystem } from '../../src/log/fs.js'
import { FaultyFs } from '../../src/log/fs-faulty.js'
import { TailCacheBudget } from '../../src/log/tail-cache.js'
import { FramePool } from '../../src/broker/frame-pool.js'
import { TributaryErrorCode } from '../../src/errors.js'
import { decodeBatch } from '../../src/protocol/records/batch-codec.js'
import { BATCH_LOG_OVERHEAD } from '../../src/protocol/records/batch-header.js'
import { batch, countingFs, tempDir } from './helpers.js'
import { keyed, openCompacted, readRecords } from './cleaner-fixtures.js'

async function openCached (budget: TailCacheBudget, configs: TopicConfigs = {}, base: FileSystem = realFs, dir?: string, follow = true) {
  // FaultyFs keeps its state on the instance, so it is used as it is, uncounted
  const { fs, counts } = base === realFs ? countingFs(base) : { fs: base, counts: countingFs().counts }
  const resolved = resolveTopicConfigs({}, configs)
  const ctx: PartitionContext = {
    fs,
    topic: 't',
    partition: 0,
    dir: dir ?? join(await tempDir(), 't-0'),
    config: () => resolved,
    fsyncOnAcksAll: true,
    now: Date.now,
    validator: () => undefined,
    tailCache: budget,
  }
  const log = await PartitionLog.open(ctx)
  // a reader at the tail: only then are the writes after it copied into the cache (partition-log.ts, TAIL_FOLLOW_BYTES)
  if (follow) await log.read(log.logEndOffset, 1)
  return { log, counts, ctx }
}

/** Offset and value of every record in the chunks, in order. */
function recordsIn (chunks: Buffer[]): Array<[number, string]> {
  const out: Array<[number, string]> = []
  for (const c of chunks) {
    for (let pos = 0; pos < c.length;) {
      const d = decodeBatch(c, pos)
      for (const r of d.records) out.push([r.offset, r.value?.toString() ?? ''])
      pos += d.header.batchLength + BATCH_LOG_OVERHEAD
    }
  }
  return out
}

test('a fetch at the tail is answered from memory with the bytes the log file holds', async () => {
  const { log, counts } = await openCached(new TailCacheBudget(1 << 20))
  for (let i = 0; i < 4; i++) await log.append(batch(`b${i}`, 3))
  const before = counts.logBytesRead
  const cached = await log.read(4, 1 << 20)
  assert.equal(counts.logBytesRead, before, 'no positional read of the log file')
  assert.deepEqual(recordsIn(cached.chunks).map(r => r[0]), [3, 4, 5, 6, 7, 8, 9, 10, 11])
  const onDisk = await log.segments[0]!.readFrom(3, 1 << 20, true)
  assert.deepEqual(Buffer.concat(cached.chunks), Buffer.concat(onDisk!.chunks))
  await log.close()
})

test('maxBytes limits a cached answer to whole batches, but never below one batch', async () => {
  const { log } = await openCached(new TailCacheBudget(1 << 20))
  for (let i = 0; i < 3; i++) await log.append(batch(`b${i}`, 2))
  const size = batch('b0', 2).length
  assert.deepEqual(recordsIn((await log.read(0, size * 2 - 1)).chunks).map(r => r[0]), [0, 1])
  assert.deepEqual(recordsIn((await log.read(0, 1)).chunks).map(r => r[0]), [0, 1])
  assert.equal((await log.read(0, 1, { minOneBatch: false })).bytes, 0)
  await log.close()
})

test('the budget bounds all partitions together; evicted batches are read from the file', async () => {
  const size = batch('x-00', 1).length
  const budget = new TailCacheBudget(size * 3)
  const a = await openCached(budget)
  const b = await openCached(budget)
  for (let i = 0; i < 3; i++) await a.log.append(batch(`a-0${i}`, 1))
  for (let i = 0; i < 2; i++) await b.log.append(batch(`b-0${i}`, 1))
  assert.ok(budget.usedBytes <= size * 3, `${budget.usedBytes} bytes cached`)
  const read = a.counts.logBytesRead
  assert.deepEqual(recordsIn((await a.log.read(0, 1 << 20)).chunks), [[0, 'a-00-0'], [1, 'a-01-0'], [2, 'a-02-0']])
  assert.ok(a.counts.logBytesRead > read, 'the evicted oldest batch came from the file')
  const bRead = b.counts.logBytesRead
  assert.deepEqual(recordsIn((await b.log.read(0, 1 << 20)).chunks), [[0, 'b-00-0'], [1, 'b-01-0']])
  assert.equal(b.counts.logBytesRead, bRead)
  await a.log.close()
  await b.log.close()
  assert.equal(budget.usedBytes, 0, 'closed partitions give their bytes back')
})

test('a write cut back after a failure is never cached: the offset is reused by the next append', async () => {
  const faulty = new FaultyFs(realFs)
  const { log } = await openCached(new TailCacheBudget(1 << 20), {}, faulty)
  await log.append(batch('kept', 1))
  faulty.shortWriteNext(10)
  await assert.rejects(log.append(batch('lost', 1)))
  await log.append(batch('next', 1))
  assert.deepEqual(recordsIn((await log.read(0, 1 << 20)).chunks), [[0, 'kept-0'], [1, 'next-0']])
  await log.close()
})

test('DeleteRecords and retention drop cached batches below the new log start', async () => {
  const size = batch('x0', 2).length
  const budget = new TailCacheBudget(1 << 20)
  const { log } = await openCached(budget, { 'segment.bytes': String(size * 2) })
  for (let i = 0; i < 6; i++) await log.append(batch(`x${i}`, 2))
  assert.equal(budget.usedBytes, size * 6)
  await log.deleteRecordsBefore(5)
  assert.equal(budget.usedBytes, size * 4, 'the batches that end below 5 are gone')
  await assert.rejects(log.read(3, 100), { code: TributaryErrorCode.OFFSET_OUT_OF_RANGE })
  assert.deepEqual(recordsIn((await log.read(5, 1 << 20)).chunks)[0], [4, 'x2-0'])
  await log.deleteRecordsBefore(-1)
  assert.equal(budget.usedBytes, 0)
  await log.append(batch('after', 1))
  assert.deepEqual(recordsIn((await log.read(12, 1 << 20)).chunks), [[12, 'after-0']])
  await log.close()
})

test('compaction empties the cache, so a fetch sees the cleaned log and not the records it removed', async () => {
  const { logs, log } = await openCompacted(await tempDir(), { 'segment.bytes': '200' }, { fetchTailCacheBytes: 1 << 20 })
  for (let i = 0; i < 8; i++) await log.append(keyed([['k', `v${i}`], [`u${i}`, 'x']]))
  const before = await readRecords(log)
  const stats = await logs.cleanLogs({ force: true })
  assert.ok(stats.recordsRemoved > 0)
  const after = await readRecords(log)
  assert.ok(after.length < before.length)
  assert.ok(!after.some(r => r.key === 'k' && r.value === 'v0'), 'a superseded value is not served from memory')
  await logs.close()
})

test('read_committed reads from the cache stop at the last stable offset and list aborted transactions', async () => {
  const { log, counts } = await openCached(new TailCacheBudget(1 << 20))
  await log.append(keyed([['a', 'plain']]))                                                                    // 0
  await log.append(keyed([['a', 'aborted']], { transactional: true, producerId: 7, producerEpoch: 0, baseSequence: 0 })) // 1
  await log.appendTxnMarker(7, 0, false)                                                                       // 2
  await log.append(keyed([['a', 'open']], { transactional: true, producerId: 8, producerEpoch: 0, baseSequence: 0 }))    // 3
  const read = counts.logBytesRead
  const committed = await log.read(0, 1 << 20, { isolation: 'read_committed' })
  assert.equal(counts.logBytesRead, read)
  assert.equal(committed.lastStableOffset, 3)
  assert.deepEqual(recordsIn(committed.chunks).map(r => r[0]), [0, 1, 2])
  assert.deepEqual(committed.abortedTransactions, [{ producerId: 7, firstOffset: 1 }])
  assert.deepEqual((await log.read(3, 1 << 20, { isolation: 'read_committed' })).chunks, [])
  await log.close()
})

test('after a restart the cache is empty and reads come from the files', async () => {
  const budget = new TailCacheBudget(1 << 20)
  const first = await openCached(budget)
  for (let i = 0; i < 3; i++) await first.log.append(batch(`r${i}`, 1))
  await first.log.close()
  const again = await openCached(budget, {}, realFs, first.ctx.dir)
  const read = again.counts.logBytesRead
  assert.deepEqual(recordsIn((await again.log.read(1, 1 << 20)).chunks), [[1, 'r1-0'], [2, 'r2-0']])
  assert.ok(again.counts.logBytesRead > read)
  await again.log.append(batch('r3', 1))
  const cachedRead = again.counts.logBytesRead
  assert.deepEqual(recordsIn((await again.log.read(3, 1 << 20)).chunks), [[3, 'r3-0']])
  assert.equal(again.counts.logBytesRead, cachedRead, 'new appends are cached again')
  await again.log.close()
})

test('a budget of 0 caches nothing', async () => {
  const budget = new TailCacheBudget(0)
  const { log, counts } = await openCached(budget)
  await log.append(batch('z', 1))
  const read = counts.logBytesRead
  assert.deepEqual(recordsIn((await log.read(0, 1 << 20)).chunks), [[0, 'z-0']])
  assert.ok(counts.logBytesRead > read)
  assert.equal(budget.usedBytes, 0)
  await log.close()
})

/** A one-record batch of about `kb` KiB: large enough that its cache block comes from the pool, not Node's slab. */
const bigBatch = (tag: string, kb = 5): Buffer => batch(tag.repeat(kb * 1024))

test('a cached block a pinned read still holds goes back to the pool only after the read is released', async () => {
  const pool = new FramePool(1 << 20)
  const { log } = await openCached(new TailCacheBudget(12 * 1024, pool)) // room for two blocks of ~5 KiB
  await log.append(bigBatch('a'))
  const pinned = await log.read(0, 1 << 20, { pin: true })
  assert.ok(pinned.release !== undefined, 'a pinned cached read can be released')
  const held = Buffer.from(Buffer.concat(pinned.chunks))
  // evict the pinned block, then write on, so that blocks leave the cache and the pool hands them out again
  for (let i = 0; i < 8; i++) await log.append(bigBatch(String.fromCharCode(98 + i)))
  assert.ok(pool.idleBytes > 0, 'evicted blocks nobody reads went back to the pool')
  assert.deepEqual(Buffer.concat(pinned.chunks), held, 'the bytes a pinned read holds are never handed out again')
  assert.deepEqual(recordsIn(pinned.chunks).map(r => r[1][0]), ['a'])
  const idle = pool.idleBytes
  pinned.release()
  pinned.release() // a second call changes nothing
  assert.equal(pool.idleBytes, idle + 8192, 'released, the evicted block returns to the pool once')
  await log.close()
})

test('a cached block read without a pin is never reused: its reader may keep the bytes', async () => {
  const pool = new FramePool(1 << 20)
  const { log } = await openCached(new TailCacheBudget(12 * 1024, pool))
  await log.append(bigBatch('a'))
  const kept = await log.read(0, 1 << 20)
  assert.equal(kept.release, undefined)
  const held = Buffer.from(Buffer.concat(kept.chunks))
  for (let i = 0; i < 8; i++) await log.append(bigBatch(String.fromCharCode(98 + i)))
  assert.deepEqual(Buffer.concat(kept.chunks), held)
  await log.close()
})

test('a write a fetch is parked waiting for is cached: the woken reader is answered from memory, with no read of the file', async () => {
  const { log, counts } = await openCached(new TailCacheBudget(1 << 20))
  await log.append(batch('a', 2))
  const waiting = log.waitForData(2)
  await log.append(batch('b', 2))
  await waiting
  const before = counts.logBytesRead
  const woken = await log.read(2, 1 << 20)
  assert.equal(counts.logBytesRead, before, 'the write someone waited for was answered without a positional read')
  assert.deepEqual(recordsIn(woken.chunks).map(r => r[1]), ['b-0', 'b-1'])
  const all = await log.read(0, 1 << 20)
  assert.equal(counts.logBytesRead, before, 'the writes before it are still cached too')
  assert.deepEqual(recordsIn(all.chunks).map(r => r[1]), ['a-0', 'a-1', 'b-0', 'b-1'])
  await log.close()
})

test('a partition nobody reads at its tail copies nothing into the cache; a read there caches the writes after it', async () => {
  const budget = new TailCacheBudget(64 << 20)
  const { log, counts } = await openCached(budget, {}, realFs, undefined, false)
  await log.append(batch('unread', 2))
  assert.equal(budget.usedBytes, 0, 'a write with no reader near the tail is not copied')
  let before = counts.logBytesRead
  assert.deepEqual(recordsIn((await log.read(0, 1 << 20)).chunks).map(r => r[1]), ['unread-0', 'unread-1'])
  assert.ok(counts.logBytesRead > before, 'the uncached write is read from the file')
  await log.append(batch('followed', 2))
  before = counts.logBytesRead
  assert.deepEqual(recordsIn((await log.read(2, 1 << 20)).chunks).map(r => r[1]), ['followed-0', 'followed-1'])
  assert.equal(counts.logBytesRead, before, 'the write after a read at the tail is answered from memory')
  // past 8 MiB written with no read at the tail, the reader is gone: writes stop being copied and the cache empties
  for (let i = 0; i < 10; i++) await log.append(batch('x'.repeat(1000 * 1024)))
  assert.equal(budget.usedBytes, 0, 'nothing is held for a reader that stopped reading')
  await log.close()
})
