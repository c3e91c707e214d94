import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EventEmitter, once } from 'node:events'
import { withFlushDefaults } from '../../src/log/flush-policy.js'
import { LogManager } from '../../src/log/log-manager.js'
import { realFs } from '../../src/log/fs.js'
import type { FileSystem } from '../../src/log/fs.js'
import { batch, tempDir } from './helpers.js'
import { holdEventLoop } from '../helpers/wait.js'

/** realFs whose log-file fsyncs are announced as 'sync' events once done. */
function announcingFs (): { fs: FileSystem, events: EventEmitter, syncs: () => number } {
  const events = new EventEmitter()
  let syncs = 0
  const fs: FileSystem = {
    ...realFs,
    open: async (path, create) => {
      const fh = await realFs.open(path, create)
      if (!path.endsWith('.log')) return fh
      return { ...fh, writev: (b, p) => fh.writev(b, p), read: (b, o, l, p) => fh.read(b, o, l, p), truncate: l => fh.truncate(l), size: () => fh.size(), close: () => fh.close(), sync: async () => { await fh.sync(); syncs++; events.emit('sync') } }
    },
  }
  return { fs, events, syncs: () => syncs }
}

test('the broker flush interval becomes the default flush.ms and flush.messages, topic settings still win', () => {
  assert.deepEqual(withFlushDefaults({}, { flushIntervalMs: 250 }), { 'flush.ms': '250' })
  assert.deepEqual(withFlushDefaults({}, { flushIntervalMessages: 10 }), { 'flush.messages': '10' })
  assert.deepEqual(withFlushDefaults({ 'flush.ms': '5' }, { flushIntervalMs: 250 }), { 'flush.ms': '5' })
  assert.deepEqual(withFlushDefaults({ 'retention.ms': '1' }, {}), { 'retention.ms': '1' })
})

test('with the interval policy acks=all answers before the fsync, which a timer makes within flush interval', async () => {
  const { fs, events, syncs } = announcingFs()
  const logs = await LogManager.open(await tempDir(), { fs, fsyncOnAcksAll: false, flushIntervalMs: 40, logCleanerIntervalMs: 0 })
  await logs.createTopic('t', 1)
  const flushMs = logs.describeConfigs('t').find(c => c.name === 'flush.ms')!
  assert.deepEqual([flushMs.value, flushMs.source], ['40', 'broker'])
  const log = logs.requirePartition('t', 0)
  const synced = once(events, 'sync')
  const before = syncs()
  // the flush timer is unref'd (it must not keep a broker alive); keep this test's loop alive meanwhile
  const release = holdEventLoop()
  const r = await log.append(batch('a', 2), { durability: 'acksAll' })
  assert.equal(syncs(), before, 'acks=all did not wait for an fsync')
  assert.ok(log.durableEnd <= r.lastOffset)
  await synced
  release()
  await log.flushed(r.lastOffset)
  await logs.close()
})

test('flush.messages fsyncs once that many records were written', async () => {
  const { fs, events, syncs } = announcingFs()
  const logs = await LogManager.open(await tempDir(), { fs, fsyncOnAcksAll: false, logCleanerIntervalMs: 0 })
  await logs.createTopic('t', 1, { 'flush.messages': '3' })
  const log = logs.requirePartition('t', 0)
  const before = syncs()
  await log.append(batch('a', 2))
  assert.equal(syncs(), before)
  const synced = once(events, 'sync')
  await log.append(batch('b', 1))
  await synced
  assert.equal(syncs(), before + 1)
  await logs.close()
})

test('the default policy answers acks=all only once the batch is fsynced', async () => {
  const { fs, syncs } = announcingFs()
  const logs = await LogManager.open(await tempDir(), { fs, logCleanerIntervalMs: 0 })
  await logs.createTopic('t', 1)
  const log = logs.requirePartition('t', 0)
  const before = syncs()
  const r = await log.append(batch('a', 1), { durability: 'acksAll' })
  assert.ok(syncs() > before)
  assert.ok(log.durableEnd > r.lastOffset)
  await logs.close()
})
