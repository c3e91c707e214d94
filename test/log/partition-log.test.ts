/* eslint-disable @typescript-eslint/no-explicit-any -- assert.throws/rejects validators read the thrown error's code fields */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { PartitionLog } from '../../src/log/partition-log.js'
import type { PartitionContext } from '../../src/log/partition-log.js'
import { resolveTopicConfigs } from '../../src/log/config.js'
import type { TopicConfigs } from '../../src/log/config.js'
import { realFs } from '../../src/log/fs.js'
import { TributaryError, TributaryErrorCode } from '../../src/errors.js'
import { decodeBatch, encodeBatch } from '../../src/protocol/records/batch-codec.js'
import { readBatchHeader, TimestampType, timestampTypeOf } from '../../src/protocol/records/batch-header.js'
import { batch, countingFs, tempDir } from './helpers.js'
import { at } from '../helpers/at.js'

async function openLog (configs: TopicConfigs = {}, extra: Partial<PartitionContext> = {}) {
  const dir = extra.dir ?? join(await tempDir(), 't-0')
  let resolved = resolveTopicConfigs({}, configs)
  const ctx: PartitionContext = {
    fs: realFs,
    topic: 't',
    partition: 0,
    dir,
    config: () => resolved,
    fsyncOnAcksAll: true,
    now: Date.now,
    validator: () => undefined,
    ...extra,
  }
  const log = await PartitionLog.open(ctx)
  return { log, ctx, dir, setConfigs: (c: TopicConfigs) => { resolved = resolveTopicConfigs({}, c) } }
}

function offsetsIn (chunks: Buffer[]): number[] {
  const out: number[] = []
  for (const c of chunks) {
    let pos = 0
    while (pos < c.length) {
      const d = decodeBatch(c, pos)
      out.push(...d.records.map(r => r.offset))
      pos += d.header.batchLength + 12
    }
  }
  return out
}

test('appends get contiguous offsets and report base and last offset', async () => {
  const { log } = await openLog()
  const a = await log.append(batch('a', 3))
  const b = await log.append(Buffer.concat([batch('b', 2), batch('c', 1)]))
  assert.deepEqual([a.baseOffset, a.lastOffset, a.recordCount, a.logAppendTime], [0, 2, 3, -1])
  assert.deepEqual([b.baseOffset, b.lastOffset], [3, 5])
  assert.equal(log.logEndOffset, 6)
  assert.equal(log.highWatermark, 6)
  const r = await log.read(0, 1 << 20)
  assert.deepEqual(offsetsIn(r.chunks), [0, 1, 2, 3, 4, 5])
  assert.equal(r.highWatermark, 6)
  assert.equal(r.lastStableOffset, 6)
  await log.close()
})

test('a fetch in the middle of a batch returns the whole batch', async () => {
  const { log } = await openLog()
  await log.append(batch('a', 5))
  await log.append(batch('b', 5))
  const r = await log.read(7, 1 << 20)
  assert.deepEqual(offsetsIn(r.chunks), [5, 6, 7, 8, 9])
  await log.close()
})

test('maxBytes limits the answer to whole batches but never below one batch', async () => {
  const { log } = await openLog()
  const size = batch('x', 10).length
  for (let i = 0; i < 4; i++) await log.append(batch('x', 10))
  assert.equal((await log.read(0, size * 2 + 5)).bytes, size * 2)
  assert.equal((await log.read(0, 10)).bytes, size)
  assert.equal((await log.read(0, 10, { minOneBatch: false })).bytes, 0)
  await log.close()
})

test('reading at the end is empty and outside [logStart, HW] is OFFSET_OUT_OF_RANGE', async () => {
  const { log } = await openLog()
  await log.append(batch('a', 2))
  assert.equal((await log.read(2, 1000)).bytes, 0)
  await assert.rejects(log.read(3, 1000), (err: any) => err.code === TributaryErrorCode.OFFSET_OUT_OF_RANGE && err.kafkaCode === 1)
  await assert.rejects(log.read(-1, 1000), { code: TributaryErrorCode.OFFSET_OUT_OF_RANGE })
  await log.close()
})

test('invalid batches are refused with distinct codes and change nothing', async () => {
  const { log } = await openLog({ 'max.message.bytes': '200' })
  const corrupt = batch('a', 1); corrupt[corrupt.length - 1] = at(corrupt, corrupt.length - 1) ^ 1
  await assert.rejects(log.append(corrupt), { code: TributaryErrorCode.CORRUPT_MESSAGE })
  const old = batch('a', 1); old.writeInt8(1, 16)
  await assert.rejects(log.append(old), { code: TributaryErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT })
  await assert.rejects(log.append(batch('big', 30)), (err: any) => err.code === TributaryErrorCode.MESSAGE_TOO_LARGE && err.kafkaCode === 10)
  assert.equal(log.logEndOffset, 0)
  await log.close()
})

test('segments roll at segment.bytes and reads cross segment boundaries', async () => {
  const size = batch('x', 1).length
  const { log } = await openLog({ 'segment.bytes': String(size * 3) })
  for (let i = 0; i < 10; i++) await log.append(batch('x', 1))
  assert.equal(log.segments.length, 4)
  assert.deepEqual(log.segments.map(s => s.baseOffset), [0, 3, 6, 9])
  const seen: number[] = []
  for (let off = 0; off < 10;) {
    const r = await log.read(off, 1 << 20)
    const got = offsetsIn(r.chunks)
    seen.push(...got)
    off = got[got.length - 1]! + 1
  }
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  await log.close()
})

test('segments roll at segment.ms', async () => {
  let now = 1_000_000
  const { log } = await openLog({ 'segment.ms': '1000' }, { now: () => now })
  await log.append(batch('a'))
  now += 500
  await log.append(batch('b'))
  assert.equal(log.segments.length, 1)
  now += 600
  await log.append(batch('c'))
  assert.equal(log.segments.length, 2)
  await log.close()
})

test('LogAppendTime topics stamp the append time on every batch', async () => {
  const { log } = await openLog({ 'message.timestamp.type': 'LogAppendTime' }, { now: () => 777_000 })
  const r = await log.append(batch('a', 2, 5))
  assert.equal(r.logAppendTime, 777_000)
  const read = await log.read(0, 1 << 20)
  const h = readBatchHeader(at(read.chunks, 0)!)
  assert.equal(timestampTypeOf(h.attributes), TimestampType.logAppendTime)
  assert.deepEqual(decodeBatch(at(read.chunks, 0)!).records.map(x => x.timestamp), [777_000, 777_000])
  await log.close()
})

test('concurrent acks=all appends are written together and share fsyncs', async () => {
  const { fs, counts } = countingFs()
  const { log } = await openLog({}, { fs })
  const writesBefore = counts.writes
  const syncsBefore = counts.syncs
  await Promise.all(Array.from({ length: 50 }, async (_, i) => {
    await log.append(batch(`p${i}`, 2), { durability: 'acksAll' })
  }))
  assert.equal(log.durableEnd, 100)
  assert.ok(counts.writes - writesBefore < 10, `writes: ${counts.writes - writesBefore}`)
  assert.ok(counts.syncs - syncsBefore < 10, `syncs: ${counts.syncs - syncsBefore}`)
  await log.close()
})

test('flush.messages makes data durable without an acks=all waiter', async () => {
  const { log } = await openLog({ 'flush.messages': '3' }, { fsyncOnAcksAll: false })
  await log.append(batch('a', 2), { durability: 'acksAll' }) // resolves once written under this policy
  await log.append(batch('b', 2))
  await log.flushed(3)
  assert.ok(log.durableEnd >= 4)
  await log.close()
})

test('an fsynced append is durable when it resolves even where acks=all would not wait', async () => {
  const { log } = await openLog({}, { fsyncOnAcksAll: false })
  const acked = await log.append(batch('a', 2), { durability: 'acksAll' })
  assert.equal(log.durableEnd, 0, 'acks=all answered before an fsync under this policy')
  const r = await log.append(batch('b', 2), { durability: 'fsynced' })
  assert.ok(log.durableEnd > r.lastOffset && r.lastOffset > acked.lastOffset)
  await log.close()
})

test('waitForData resolves when the high watermark passes the offset, or on abort', async () => {
  const { log } = await openLog()
  const waiting = log.waitForData(0)
  let resolved = false
  waiting.then(() => { resolved = true }, () => {})
  await new Promise(setImmediate)
  assert.equal(resolved, false)
  await log.append(batch('a'))
  await waiting
  const ac = new AbortController()
  const aborted = log.waitForData(5, ac.signal)
  ac.abort()
  await aborted
  await log.close()
})

test('deleteRecordsBefore moves the log start, persists it, and drops whole segments', async () => {
  const size = batch('x', 2).length
  const { log, ctx } = await openLog({ 'segment.bytes': String(size * 2) })
  for (let i = 0; i < 6; i++) await log.append(batch('x', 2))
  assert.equal(log.segments.length, 3)
  assert.equal(await log.deleteRecordsBefore(5), 5)
  assert.deepEqual(log.segments.map(s => s.baseOffset), [4, 8])
  await assert.rejects(log.read(4, 100), { code: TributaryErrorCode.OFFSET_OUT_OF_RANGE })
  assert.deepEqual(offsetsIn((await log.read(5, 1 << 20)).chunks).slice(0, 2), [4, 5])
  await assert.rejects(log.deleteRecordsBefore(13), { code: TributaryErrorCode.OFFSET_OUT_OF_RANGE })
  await log.close()
  const again = await PartitionLog.open(ctx)
  assert.equal(again.logStartOffset, 5)
  await again.close()
})

test('retention.bytes and retention.ms delete old segments but never the active one', async () => {
  const size = batch('x', 1).length
  const { log, setConfigs } = await openLog({ 'segment.bytes': String(size) })
  for (let i = 0; i < 5; i++) await log.append(batch('x', 1, 1000 + i * 1000))
  assert.equal(log.segments.length, 5)
  setConfigs({ 'segment.bytes': String(size), 'retention.bytes': String(size * 2) })
  assert.equal(await log.enforceRetention(10_000), 3)
  assert.equal(log.logStartOffset, 3)
  setConfigs({ 'segment.bytes': String(size), 'retention.ms': '1' })
  assert.equal(await log.enforceRetention(1_000_000), 1)
  assert.equal(log.segments.length, 1)
  assert.equal(log.logStartOffset, 4)
  setConfigs({ 'segment.bytes': String(size), 'retention.ms': '1', 'cleanup.policy': 'compact' })
  assert.equal(await log.enforceRetention(1_000_000), 0)
  await log.close()
})

test('the append validator sees parsed headers and can refuse an append', async () => {
  const seen: number[] = []
  const { log } = await openLog({}, {
    validator: () => (_t, _p, headers) => {
      seen.push(headers.length)
      if (at(headers, 0)!.producerId === -1 && seen.length > 1) throw new TributaryError(TributaryErrorCode.INVALID_RECORD, 'no')
    },
  })
  await log.append(Buffer.concat([batch('a'), batch('b')]))
  await assert.rejects(log.append(batch('c')), { code: TributaryErrorCode.INVALID_RECORD })
  assert.deepEqual(seen, [2, 1])
  assert.equal(log.logEndOffset, 2)
  await log.close()
})

test('reopening continues at the same end offset', async () => {
  const { log, ctx } = await openLog()
  await log.append(batch('a', 4))
  await log.close()
  const again = await PartitionLog.open(ctx)
  assert.equal(again.logEndOffset, 4)
  const r = await again.append(batch('b', 1))
  assert.equal(r.baseOffset, 4)
  await again.close()
})

test('a segment rolls before an append would take a relative offset past the 32-bit offset index', async () => {
  // A compacted segment can hold offsets far apart: its one batch sits just below 2^31.
  const dir = join(await tempDir(), 't-0')
  await realFs.mkdir(dir)
  const far = 2 ** 31 - 3
  await realFs.writeFileAtomic(join(dir, '00000000000000000000.log'), encodeBatch([{ value: 'far' }], { baseOffset: far }))
  const { log } = await openLog({}, { dir })
  assert.equal(log.logEndOffset, far + 1)
  const appended = await log.append(batch('next', 5))
  assert.equal(appended.baseOffset, far + 1)
  assert.deepEqual(log.segments.map(s => s.baseOffset), [0, far + 1], 'the append went to a new segment')
  const read = await log.read(far + 3, 1 << 20)
  assert.deepEqual(offsetsIn(read.chunks), [far + 1, far + 2, far + 3, far + 4, far + 5])
  await log.close()
})
