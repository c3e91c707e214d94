/* eslint-disable @typescript-eslint/no-explicit-any -- answers come back through the codec untyped; tests read them field by field */
import { test, describe, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, stat, statfs } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { describeLogDirsHandler } from '../../../src/broker/handlers/describe-log-dirs.js'
import { LogManager } from '../../../src/log/index.js'
import { MemoryFs } from '../../../src/log/fs-memory.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { encodeBatch } from '../../../src/protocol/records/batch-codec.js'
import { openAdminContext, type AdminContext } from '../../helpers/handler-context.js'

/** What the file system says the partition's segment files hold: the ground truth for partitionSize. */
async function segmentFileBytes (dataDir: string, topic: string, partition: number): Promise<{ bytes: number, segments: number }> {
  const dir = join(dataDir, `${topic}-${partition}`)
  let bytes = 0
  let segments = 0
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.log')) continue
    bytes += (await stat(join(dir, name))).size
    segments++
  }
  return { bytes, segments }
}

function sizesOf (result: any): Record<string, number> {
  const out: Record<string, number> = {}
  for (const t of result.topics) for (const p of t.partitions) out[`${t.name}-${p.partitionIndex}`] = Number(p.partitionSize)
  return out
}

describe('DescribeLogDirs', () => {
  let admin: AdminContext
  beforeEach(async () => {
    admin = await openAdminContext()
    // small segments, so one partition spans several segment files
    await admin.log.createTopic('orders', 2, { 'segment.bytes': '16384' })
    await admin.log.createTopic('empty', 1, {})
    const p0 = admin.log.requirePartition('orders', 0)
    for (let i = 0; i < 40; i++) await p0.append(encodeBatch([{ value: `order ${i} `.padEnd(1000, 'x') }]))
    await admin.log.requirePartition('orders', 1).append(encodeBatch([{ value: 'one' }, { value: 'two' }]))
  })
  afterEach(async () => { await admin.close() })

  test('answers every partition of every topic with the bytes its segment files hold when topics is null', async () => {
    const res = await admin.call(describeLogDirsHandler, 0, { topics: null })
    assert.equal(res.results.length, 1)
    const [dir] = res.results
    assert.equal(dir.errorCode, ErrorCode.NONE)
    assert.equal(dir.logDir, resolve(admin.dir))
    const orders0 = await segmentFileBytes(admin.dir, 'orders', 0)
    assert.ok(orders0.segments > 1, 'the test needs a partition of several segments')
    assert.deepEqual(sizesOf(dir), {
      'orders-0': orders0.bytes,
      'orders-1': (await segmentFileBytes(admin.dir, 'orders', 1)).bytes,
      'empty-0': 0
    })
    for (const t of dir.topics) {
      for (const p of t.partitions) {
        assert.equal(p.offsetLag, 0n)
        assert.equal(p.isFutureKey, false)
      }
    }
  })

  test('answers only the partitions asked for, leaving out those the broker does not have', async () => {
    const res = await admin.call(describeLogDirsHandler, 2, {
      topics: [{ topic: 'orders', partitions: [1, 7] }, { topic: 'ghost', partitions: [0] }]
    })
    const [dir] = res.results
    assert.deepEqual(dir.topics.map((t: any) => [t.name, t.partitions.map((p: any) => p.partitionIndex)]), [['orders', [1]]])
    assert.equal(Number(dir.topics[0].partitions[0].partitionSize), (await segmentFileBytes(admin.dir, 'orders', 1)).bytes)
  })

  test('v3 carries a top-level error code; v4 adds the data directory\'s total and usable bytes', async () => {
    const v3 = await admin.call(describeLogDirsHandler, 3, { topics: [] })
    assert.equal(v3.errorCode, ErrorCode.NONE)
    assert.equal(v3.results[0].totalBytes, -1n, 'not carried before v4')
    const v4 = await admin.call(describeLogDirsHandler, 4, { topics: [] })
    const [dir] = v4.results
    const fsStats = await statfs(admin.dir)
    assert.equal(dir.totalBytes, BigInt(fsStats.bsize * fsStats.blocks))
    assert.ok(dir.usableBytes > 0n && dir.usableBytes <= dir.totalBytes)
    assert.deepEqual(dir.topics, [])
  })

  test('a store with no disk behind it answers -1 for total and usable bytes', async () => {
    const memory = await LogManager.open('/data', { fs: new MemoryFs() })
    try {
      assert.deepEqual(await memory.diskSpace(), { totalBytes: -1, usableBytes: -1 })
    } finally {
      await memory.close()
    }
  })

  test('is advertised with versions 0-4', async () => {
    const { allHandlers } = await import('../../../src/broker/handlers/index.js')
    const handler = allHandlers.find(h => h.api.apiKey === 35)
    assert.equal(handler, describeLogDirsHandler)
    assert.deepEqual([handler.api.minVersion, handler.api.maxVersion], [0, 4])
  })
})
