/* eslint-disable @typescript-eslint/no-explicit-any -- assert.throws/rejects validators read the thrown error's code fields */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { readdir } from 'node:fs/promises'
import { LogManager } from '../../src/log/log-manager.js'
import { TributaryErrorCode } from '../../src/errors.js'
import { batch, countingFs, tempDir } from './helpers.js'

test('a topic is created with partitions, a UUID and overrides, and survives a restart', async () => {
  const dir = await tempDir()
  const m = await LogManager.open(dir)
  const info = await m.createTopic('orders', 3, { 'retention.ms': '1000' })
  assert.match(info.topicId, /^[0-9a-f-]{36}$/)
  assert.equal(m.topics().length, 1)
  await m.partition('orders', 2)!.append(batch('a', 2))
  await m.close()
  const again = await LogManager.open(dir)
  assert.deepEqual(again.topic('orders'), info)
  assert.equal(again.partition('orders', 2)!.logEndOffset, 2)
  assert.equal(again.partition('orders', 3), undefined)
  await again.close()
})

test('topic names, duplicates, partition counts and configs are validated with Kafka codes', async () => {
  const m = await LogManager.open(await tempDir())
  await assert.rejects(m.createTopic('bad name', 1), (e: any) => e.code === TributaryErrorCode.INVALID_TOPIC && e.kafkaCode === 17)
  await assert.rejects(m.createTopic('..', 1), { code: TributaryErrorCode.INVALID_TOPIC })
  await assert.rejects(m.createTopic('x'.repeat(250), 1), { code: TributaryErrorCode.INVALID_TOPIC })
  await assert.rejects(m.createTopic('t', 0), (e: any) => e.kafkaCode === 37)
  await assert.rejects(m.createTopic('t', 1, { 'retention.ms': 'x' }), (e: any) => e.kafkaCode === 40)
  await m.createTopic('t', 1)
  await assert.rejects(m.createTopic('t', 1), (e: any) => e.kafkaCode === 36)
  const dry = await m.createTopic('dry', 2, {}, { validateOnly: true })
  assert.equal(dry.partitions, 2)
  assert.equal(m.topic('dry'), undefined)
  assert.throws(() => m.requirePartition('t', 5), (e: any) => e.kafkaCode === 3)
  await m.close()
})

test('deleting a topic removes its metadata and directories', async () => {
  const dir = await tempDir()
  const m = await LogManager.open(dir)
  await m.createTopic('gone', 2)
  await m.partition('gone', 0)!.append(batch('a'))
  await m.deleteTopic('gone')
  assert.equal(m.topic('gone'), undefined)
  assert.deepEqual((await readdir(dir)).filter(n => n.startsWith('gone')), [])
  await assert.rejects(m.deleteTopic('gone'), (e: any) => e.kafkaCode === 3)
  await m.createTopic('gone', 1)
  assert.equal(m.partition('gone', 0)!.logEndOffset, 0)
  await m.close()
})

test('partitions can be added but not removed', async () => {
  const dir = await tempDir()
  const m = await LogManager.open(dir)
  await m.createTopic('t', 1)
  await m.createPartitions('t', 3)
  assert.equal(m.topic('t')!.partitions, 3)
  assert.ok(m.partition('t', 2))
  await assert.rejects(m.createPartitions('t', 2), (e: any) => e.kafkaCode === 37)
  await m.close()
  const again = await LogManager.open(dir)
  assert.equal(again.topic('t')!.partitions, 3)
  await again.close()
})

test('configs are described with their source and altered incrementally or wholesale', async () => {
  const m = await LogManager.open(await tempDir(), { defaults: { 'retention.ms': '5000' } })
  await m.createTopic('t', 1, { 'segment.bytes': '4096' })
  const byName = () => Object.fromEntries(m.describeConfigs('t').map(e => [e.name, e]))
  assert.equal(byName()['segment.bytes']!.source, 'topic')
  assert.equal(byName()['retention.ms']!.value, '5000')
  assert.equal(byName()['retention.ms']!.source, 'broker')
  assert.equal(byName()['cleanup.policy']!.isDefault, true)
  await m.alterConfigs('t', { 'retention.ms': '10' }, { incremental: true })
  assert.deepEqual(m.topic('t')!.configs, { 'segment.bytes': '4096', 'retention.ms': '10' })
  await m.alterConfigs('t', { 'segment.bytes': null }, { incremental: true })
  assert.deepEqual(m.topic('t')!.configs, { 'retention.ms': '10' })
  await m.alterConfigs('t', { 'max.message.bytes': '100' })
  assert.deepEqual(m.topic('t')!.configs, { 'max.message.bytes': '100' })
  await assert.rejects(m.partition('t', 0)!.append(batch('x', 10)), { code: TributaryErrorCode.MESSAGE_TOO_LARGE })
  await assert.rejects(m.alterConfigs('t', { 'retention.ms': 'never' }), (e: any) => e.kafkaCode === 40)
  await m.close()
})

test('after a clean shutdown, opening reads no log bytes; after a crash it re-scans', async () => {
  const dir = await tempDir()
  const m = await LogManager.open(dir, { defaults: { 'segment.bytes': '4096' } })
  await m.createTopic('t', 1)
  for (let i = 0; i < 100; i++) await m.partition('t', 0)!.append(batch('r', 5))
  await m.close()
  const clean = countingFs()
  const reopened = await LogManager.open(dir, { fs: clean.fs })
  assert.equal(reopened.wasCleanShutdown, true)
  assert.equal(clean.counts.logBytesRead, 0)
  assert.equal(reopened.partition('t', 0)!.logEndOffset, 500)
  // no close(): the next open must treat the active segment as unflushed
  await reopened.partition('t', 0)!.append(batch('s', 5))
  const crashed = countingFs()
  const afterCrash = await LogManager.open(dir, { fs: crashed.fs })
  assert.equal(afterCrash.wasCleanShutdown, false)
  assert.ok(crashed.counts.logBytesRead > 0)
  assert.equal(afterCrash.partition('t', 0)!.logEndOffset, 505)
  await afterCrash.close()
})

test('after a clean shutdown partitions serve their offsets without opening a file, and open at their first read or write', async () => {
  const dir = await tempDir()
  const m = await LogManager.open(dir, { defaults: { 'segment.bytes': '4096' } })
  await m.createTopic('t', 3)
  for (let i = 0; i < 40; i++) await m.partition('t', i % 2)!.append(batch(`r${i}`, 5))
  await m.partition('t', 0)!.deleteRecordsBefore(10)
  const sizes = [0, 1, 2].map(p => m.partition('t', p)!.sizeInBytes)
  await m.close()

  const first = countingFs()
  const reopened = await LogManager.open(dir, { fs: first.fs })
  assert.equal(first.counts.opens, 0, 'no partition opened a file at start')
  const p0 = reopened.partition('t', 0)!
  assert.deepEqual([p0.logStartOffset, p0.highWatermark, p0.lastStableOffset], [10, 100, 100])
  assert.deepEqual([0, 1, 2].map(p => reopened.partition('t', p)!.sizeInBytes), sizes)
  assert.deepEqual(await p0.offsetForTimestamp(-1), { offset: 100, timestamp: -1 })
  assert.equal(first.counts.opens, 0)
  const read = await p0.read(10, 1 << 20)
  assert.ok(read.bytes > 0 && first.counts.opens > 0, 'the first read opened the partition')
  assert.equal((await reopened.partition('t', 1)!.append(batch('more', 5))).baseOffset, 100)
  await reopened.close()

  // partition 2 never woke: its facts carry over to the next clean start
  const second = await LogManager.open(dir)
  assert.deepEqual([0, 1, 2].map(p => second.partition('t', p)!.highWatermark), [100, 105, 0])
  assert.equal((await second.partition('t', 2)!.append(batch('late'))).baseOffset, 0)
  // no close(): the next start cannot trust any facts and recovers from the files
  const afterCrash = await LogManager.open(dir)
  assert.equal(afterCrash.wasCleanShutdown, false)
  assert.deepEqual([0, 1, 2].map(p => afterCrash.partition('t', p)!.highWatermark), [100, 105, 1])
  assert.equal(afterCrash.partition('t', 0)!.logStartOffset, 10)
  await afterCrash.close()
})

test('retention runs across all topics', async () => {
  const m = await LogManager.open(await tempDir())
  const size = batch('x').length
  await m.createTopic('t', 2, { 'segment.bytes': String(size), 'retention.bytes': String(size) })
  for (let i = 0; i < 3; i++) {
    await m.partition('t', 0)!.append(batch('x'))
    await m.partition('t', 1)!.append(batch('x'))
  }
  assert.equal(await m.enforceRetention(), 4)
  assert.equal(m.partition('t', 1)!.logStartOffset, 2)
  await m.close()
})

test('a closed manager refuses admin calls', async () => {
  const m = await LogManager.open(await tempDir())
  await m.close()
  await assert.rejects(m.createTopic('t', 1), { code: TributaryErrorCode.LOG_CLOSED })
})

test('each partition lives in <topic>-<partition> with 20-digit segment names', async () => {
  const dir = await tempDir()
  const m = await LogManager.open(dir)
  await m.createTopic('t', 1)
  await m.partition('t', 0)!.append(batch('a'))
  await m.close()
  const files = await readdir(join(dir, 't-0'))
  assert.ok(files.includes('00000000000000000000.log'))
  assert.ok(files.includes('00000000000000000000.index'))
  assert.ok(files.includes('00000000000000000000.timeindex'))
})
