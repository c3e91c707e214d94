import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Compression, isControl } from '../../src/protocol/records/batch-header.js'
import { keyed, latestByKey, openCompacted, readBatches, readRecords } from './cleaner-fixtures.js'
import type { KV } from './cleaner-fixtures.js'
import { tempDir } from './helpers.js'

const KEYS = ['a', 'b', 'c', 'd']

async function produceRounds (log: Awaited<ReturnType<typeof openCompacted>>['log'], rounds: number, ts = Date.now()): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    await log.append(keyed(KEYS.map((k): KV => [k, `${k}${r}`]), { timestamp: ts + r * 10 }))
  }
}

test('compaction keeps the latest record of each key at its original offset and leaves the active segment alone', async () => {
  const dir = await tempDir()
  const { logs, log } = await openCompacted(dir)
  await produceRounds(log, 12)
  const before = await readRecords(log)
  const activeBase = log.active.baseOffset
  const segmentsBefore = log.segments.length
  const end = log.logEndOffset
  assert.ok(segmentsBefore > 4, 'the small segment.bytes rolls segments')

  const stats = await logs.cleanLogs({ force: true })
  assert.equal(stats.partitionsCleaned, 1)
  assert.equal(stats.errors, 0)
  assert.ok(stats.recordsRemoved > 0)
  const after = await readRecords(log)

  assert.equal(log.logEndOffset, end)
  assert.ok(stats.bytesAfter < stats.bytesBefore)
  assert.ok(log.segments.length <= segmentsBefore)
  const byOffset = new Map(before.map(r => [r.offset, r]))
  for (const r of after) assert.deepEqual(r, byOffset.get(r.offset), `record at ${r.offset} is unchanged`)
  assert.deepEqual(after.map(r => r.offset), [...after.map(r => r.offset)].sort((x, y) => x - y))
  for (const [key, latest] of latestByKey(before)) assert.deepEqual(after.find(r => r.key === key && r.offset === latest.offset), latest)
  const cleaned = after.filter(r => r.offset < activeBase)
  assert.equal(new Set(cleaned.map(r => r.key)).size, cleaned.length, 'one record per key below the active segment')
  assert.deepEqual(after.filter(r => r.offset >= activeBase), before.filter(r => r.offset >= activeBase))

  await logs.close()
  const reopened = await openCompacted(dir)
  assert.deepEqual(await readRecords(reopened.log), after)
  await reopened.logs.close()
})

test('each of the four codecs is decompressed and the cleaned batch re-compressed with the same codec', async () => {
  for (const codec of [Compression.gzip, Compression.snappy, Compression.lz4, Compression.zstd]) {
    const { logs, log } = await openCompacted(await tempDir(), { 'segment.bytes': '150' })
    await log.append(keyed([['a', 'a0'], ['b', 'b0'], ['a', 'a1'], ['b', 'b1'], ['a', 'a2'], ['c', 'c0']], { compression: codec }))
    await log.append(keyed([['z', 'filler']]))
    await log.append(keyed([['z', 'active']]))
    await logs.cleanLogs({ force: true })
    const [first] = await readBatches(log)
    assert.equal(first!.codec, codec, `codec ${codec} kept`)
    assert.equal(first!.header.baseOffset, 0)
    assert.equal(first!.header.lastOffsetDelta, 5, 'the batch keeps its last offset')
    assert.deepEqual(first!.records.map(r => [r.offset, r.key, r.value]), [[3, 'b', 'b1'], [4, 'a', 'a2'], [5, 'c', 'c0']])
    await logs.close()
  }
})

test('a tombstone removes the values before it and is kept for delete.retention.ms', async () => {
  const { logs, log } = await openCompacted(await tempDir(), { 'segment.bytes': '100', 'delete.retention.ms': '3600000' })
  await log.append(keyed([['gone', 'v0'], ['kept', 'k0']]))
  await log.append(keyed([['gone', null]]))
  await log.append(keyed([['x', 'active']]))
  await logs.cleanLogs({ force: true })
  assert.deepEqual((await readRecords(log)).map(r => [r.offset, r.key, r.value]), [[1, 'kept', 'k0'], [2, 'gone', null], [3, 'x', 'active']])
  await logs.close()
})

test('a tombstone older than delete.retention.ms is removed with its key', async () => {
  const { logs, log } = await openCompacted(await tempDir(), { 'segment.bytes': '100', 'delete.retention.ms': '1000' })
  const old = Date.now() - 60_000
  await log.append(keyed([['gone', 'v0'], ['kept', 'k0']], { timestamp: old }))
  await log.append(keyed([['gone', null]], { timestamp: old }))
  await log.append(keyed([['x', 'active']]))
  await logs.cleanLogs({ force: true })
  assert.deepEqual((await readRecords(log)).map(r => [r.offset, r.key, r.value]), [[1, 'kept', 'k0'], [3, 'x', 'active']])
  assert.equal(log.logEndOffset, 4)
  await logs.close()
})

test('min.cleanable.dirty.ratio holds a pass back until enough is dirty, unless forced', async () => {
  const { logs, log } = await openCompacted(await tempDir(), { 'min.cleanable.dirty.ratio': '0.9' })
  await produceRounds(log, 10)
  assert.equal((await logs.cleanLogs()).partitionsCleaned, 1, 'a never-cleaned log is all dirty')
  await produceRounds(log, 2)
  assert.equal((await logs.cleanLogs()).partitionsCleaned, 0)
  assert.equal((await logs.cleanLogs({ force: true })).partitionsCleaned, 1)
  await logs.close()
})

test('min.compaction.lag.ms keeps recent segments out of cleaning', async () => {
  const { logs, log } = await openCompacted(await tempDir(), { 'min.compaction.lag.ms': '3600000' })
  await produceRounds(log, 10)
  const before = await readRecords(log)
  assert.equal((await logs.cleanLogs({ force: true })).partitionsCleaned, 0)
  assert.deepEqual(await readRecords(log), before)
  await logs.close()
})

test('the checkpoint persists: a pass with nothing new rewrites nothing, also after a restart', async () => {
  const dir = await tempDir()
  const { logs, log } = await openCompacted(dir)
  await produceRounds(log, 10)
  assert.equal((await logs.cleanLogs({ force: true })).partitionsCleaned, 1)
  assert.equal((await logs.cleanLogs({ force: true })).partitionsCleaned, 0)
  await logs.close()
  const reopened = await openCompacted(dir)
  assert.equal((await reopened.logs.cleanLogs({ force: true })).partitionsCleaned, 0)
  await produceRounds(reopened.log, 6)
  const stats = await reopened.logs.cleanLogs({ force: true })
  assert.equal(stats.partitionsCleaned, 1)
  assert.ok(stats.recordsRemoved > 0, 'the new dirty records supersede cleaned ones')
  const records = await readRecords(reopened.log)
  for (const [key, latest] of latestByKey(records)) assert.ok(records.some(r => r.key === key && r.offset === latest.offset))
  await reopened.logs.close()
})

test('control batches stay, aborted transactional records go, committed ones compact, an open transaction is untouched', async () => {
  const { logs, log } = await openCompacted(await tempDir(), { 'segment.bytes': '100' })
  await log.append(keyed([['k', 'plain']]))                                                     // 0
  await log.append(keyed([['k', 'aborted']], { transactional: true, producerId: 7, producerEpoch: 0, baseSequence: 0 }))  // 1
  await log.appendTxnMarker(7, 0, false)                                                        // 2
  await log.append(keyed([['k', 'committed']], { transactional: true, producerId: 8, producerEpoch: 0, baseSequence: 0 })) // 3
  await log.appendTxnMarker(8, 0, true)                                                         // 4
  await log.append(keyed([['k', 'open']], { transactional: true, producerId: 9, producerEpoch: 0, baseSequence: 0 }))     // 5
  await log.append(keyed([['z', 'active']]))                                                    // 6
  await logs.cleanLogs({ force: true })
  const batches = await readBatches(log)
  assert.deepEqual(batches.map(b => b.header.baseOffset), [2, 3, 4, 5, 6])
  assert.deepEqual(batches.filter(b => isControl(b.header.attributes)).map(b => b.header.baseOffset), [2, 4])
  assert.deepEqual(batches.find(b => b.header.baseOffset === 3)!.records.map(r => r.value), ['committed'])
  assert.deepEqual(batches.find(b => b.header.baseOffset === 5)!.records.map(r => r.value), ['open'])
  await logs.close()
})

test("an idempotent producer's last batch survives as an empty batch so its sequence is not lost", async () => {
  const { logs, log } = await openCompacted(await tempDir(), { 'segment.bytes': '100' })
  await log.append(keyed([['k', 'v0'], ['k', 'v1']], { producerId: 11, producerEpoch: 0, baseSequence: 0 }))
  await log.append(keyed([['k', 'v2']]))
  await log.append(keyed([['z', 'active']]))
  await logs.cleanLogs({ force: true })
  const [first, second] = await readBatches(log)
  assert.equal(first!.header.baseOffset, 0)
  assert.equal(first!.header.recordCount, 0)
  assert.equal(first!.header.lastOffsetDelta, 1)
  assert.equal(first!.header.producerId, 11)
  assert.equal(first!.header.baseSequence, 0)
  assert.deepEqual(second!.records.map(r => [r.offset, r.value]), [[2, 'v2']])
  await logs.close()
})

test('topics without compact in cleanup.policy are never cleaned', async () => {
  const { logs, log } = await openCompacted(await tempDir(), { 'cleanup.policy': 'delete' })
  await produceRounds(log, 10)
  const before = await readRecords(log)
  assert.equal((await logs.cleanLogs({ force: true })).partitionsCleaned, 0)
  assert.deepEqual(await readRecords(log), before)
  await logs.close()
})

test('segments left small by cleaning are merged up to segment.bytes on a later pass', async () => {
  const { logs, log } = await openCompacted(await tempDir(), { 'segment.bytes': '600' })
  for (let r = 0; r < 8; r++) {
    for (const k of KEYS) await log.append(keyed([[k, `${k}${r}`]]))
  }
  await logs.cleanLogs({ force: true })
  const end = log.logEndOffset
  const below = (): number => log.segments.filter(s => s.baseOffset < end).length
  const afterFirst = below()
  for (const k of KEYS) await log.append(keyed([[k, 'last']]))
  for (let i = 0; i < 8; i++) await log.append(keyed([[`filler${i}`, 'x']]))
  await logs.cleanLogs({ force: true })
  assert.ok(below() < afterFirst, `${below()} old segments after the second pass, ${afterFirst} after the first`)
  const records = await readRecords(log)
  for (const k of KEYS) assert.deepEqual(records.filter(r => r.key === k).map(r => r.value), ['last'])
  await logs.close()
})

test('with compact,delete retention and the cleaner running at once leave a consistent log', async () => {
  const { logs, log } = await openCompacted(await tempDir(), { 'cleanup.policy': 'compact,delete', 'retention.ms': '60000' })
  const old = Date.now() - 3_600_000
  for (let r = 0; r < 6; r++) await log.append(keyed(KEYS.map((k): KV => [k, `old${r}`]), { timestamp: old + r }))
  await produceRounds(log, 6)
  const [stats] = await Promise.all([logs.cleanLogs({ force: true }), logs.enforceRetention()])
  assert.equal(stats.errors, 0)
  const records = await readRecords(log)
  assert.ok(log.logStartOffset > 0, 'retention removed the old segments')
  assert.ok(records.every(r => r.offset >= log.logStartOffset))
  for (const k of KEYS) assert.equal(records.filter(r => r.key === k).at(-1)!.value, `${k}5`)
  const offsets = records.map(r => r.offset)
  assert.deepEqual(offsets, [...new Set(offsets)].sort((x, y) => x - y))
  await logs.close()
})
