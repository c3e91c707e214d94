import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LogManager } from '../../src/log/log-manager.js'
import { encodeBatch } from '../../src/protocol/records/batch-codec.js'
import { Compression } from '../../src/protocol/records/batch-header.js'
import { tempDir } from './helpers.js'

async function logWith (configs: Record<string, string> = {}) {
  const m = await LogManager.open(await tempDir())
  await m.createTopic('t', 1, { 'index.interval.bytes': '1', ...configs })
  return { m, p: m.partition('t', 0)! }
}

test('the answer is the first record with timestamp >= target, inside a batch', async () => {
  const { m, p } = await logWith()
  await p.append(encodeBatch([{ value: 'a', timestamp: 100 }, { value: 'b', timestamp: 200 }, { value: 'c', timestamp: 300 }]))
  await p.append(encodeBatch([{ value: 'd', timestamp: 400 }, { value: 'e', timestamp: 500 }], { compression: Compression.gzip }))
  assert.deepEqual(await p.offsetForTimestamp(0), { offset: 0, timestamp: 100 })
  assert.deepEqual(await p.offsetForTimestamp(150), { offset: 1, timestamp: 200 })
  assert.deepEqual(await p.offsetForTimestamp(300), { offset: 2, timestamp: 300 })
  assert.deepEqual(await p.offsetForTimestamp(450), { offset: 4, timestamp: 500 })
  assert.equal(await p.offsetForTimestamp(501), null)
  await m.close()
})

test('records out of timestamp order: the first by offset whose timestamp qualifies wins', async () => {
  const { m, p } = await logWith()
  await p.append(encodeBatch([{ value: 'a', timestamp: 500 }, { value: 'b', timestamp: 100 }]))
  await p.append(encodeBatch([{ value: 'c', timestamp: 200 }]))
  assert.deepEqual(await p.offsetForTimestamp(150), { offset: 0, timestamp: 500 })
  await m.close()
})

test('latest, earliest and max-timestamp lookups', async () => {
  const { m, p } = await logWith({ 'segment.bytes': '200' })
  for (const ts of [10, 90, 30, 70]) await p.append(encodeBatch([{ value: 'x', timestamp: ts }, { value: 'y', timestamp: ts - 1 }]))
  assert.ok(p.segments.length > 1)
  assert.deepEqual(await p.offsetForTimestamp(-1), { offset: 8, timestamp: -1 })
  assert.deepEqual(await p.offsetForTimestamp(-2), { offset: 0, timestamp: -1 })
  assert.deepEqual(await p.offsetForTimestamp(-3), { offset: 2, timestamp: 90 })
  assert.deepEqual(await p.offsetForTimestamp(60), { offset: 2, timestamp: 90 })
  await p.deleteRecordsBefore(3)
  assert.deepEqual(await p.offsetForTimestamp(0), { offset: 3, timestamp: 89 })
  await m.close()
})

test('LogAppendTime topics are searched by the append time', async () => {
  let now = 1_000
  const m = await LogManager.open(await tempDir(), { now: () => now })
  await m.createTopic('t', 1, { 'message.timestamp.type': 'LogAppendTime' })
  const p = m.partition('t', 0)!
  await p.append(encodeBatch([{ value: 'a', timestamp: 99_999 }]))
  now = 2_000
  await p.append(encodeBatch([{ value: 'b', timestamp: 1 }]))
  assert.deepEqual(await p.offsetForTimestamp(1_500), { offset: 1, timestamp: 2_000 })
  await m.close()
})

test('an empty log has no max-timestamp record and no match', async () => {
  const { m, p } = await logWith()
  assert.equal(await p.offsetForTimestamp(-3), null)
  assert.equal(await p.offsetForTimestamp(5), null)
  await m.close()
})
