// Power cuts against the small durable state, through the fault-injecting fs:
// committed group offsets, transaction state, the bus catalog and delivery
// cursors all live in journals on the log's FileSystem seam. After powerLoss()
// only what was fsynced survives (directory entries included); everything
// acknowledged must come back, and a failed fsync must reach the caller.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { FaultyFs, realFs } from '../../src/log/fs.js'
import { LogManager } from '../../src/log/log-manager.js'
import { GroupCoordinator, type CommitRequest } from '../../src/broker/groups/index.js'
import { TransactionCoordinator } from '../../src/broker/txn/coordinator.js'
import { Catalog, ruleKey } from '../../src/bus/catalog.js'
import { DeliveryStore } from '../../src/bus/targets/delivery-store.js'
import type { RuleDefinition } from '../../src/bus/model.js'
import { ErrorCode } from '../../src/protocol/errors.js'
import { tempDir } from '../log/helpers.js'

function groups (dataDir: string, fs = realFs): GroupCoordinator {
  return new GroupCoordinator({ dataDir, nodeId: 1, fs, topicPartitionExists: (_t, p) => p >= 0 && p < 100 })
}

const commit = (groupId: string, partition: number, offset: number): CommitRequest => ({
  groupId,
  generationId: -1,
  memberId: '',
  groupInstanceId: null,
  retentionTimeMs: -1,
  topics: [{ name: 'orders', partitions: [{ partitionIndex: partition, committedOffset: BigInt(offset), committedMetadata: null }] }],
})

const committed = (c: GroupCoordinator, groupId: string, partition: number): bigint | undefined =>
  c.fetchOffsets(groupId, [{ name: 'orders', partitionIndexes: [partition] }]).topics[0]?.partitions[0]?.committedOffset

const rule = (name: string): RuleDefinition => ({ name, busName: 'default', arn: `arn:rule/${name}`, eventPattern: '{"source":["a"]}', state: 'ENABLED', createdAt: 1, targets: [], tags: [] })

describe('power loss of small durable state', () => {
  test('every acknowledged offset commit survives a power cut, on a data directory the cut found new', async () => {
    const dataDir = join(await tempDir(), 'data')
    const fs = new FaultyFs(realFs)
    const c = groups(dataDir, fs)
    await c.open()
    for (let p = 0; p < 20; p++) assert.equal((await c.commitOffsets(commit('g', p, 100 + p)))[0]!.partitions[0]!.errorCode, ErrorCode.NONE)
    await c.commitOffsets(commit('g', 0, 999)) // acknowledged too: the last write wins
    const unacknowledged = c.commitOffsets(commit('g', 1, 555))
    await fs.powerLoss()
    await unacknowledged
    const after = groups(dataDir)
    await after.open()
    assert.equal(committed(after, 'g', 0), 999n)
    for (let p = 2; p < 20; p++) assert.equal(committed(after, 'g', p), BigInt(100 + p))
    assert.ok([101n, 555n].includes(committed(after, 'g', 1)!))
    await after.close()
  })

  test('a failed fsync of an offset commit is an error to the client, and the commit is not visible', async () => {
    const dataDir = join(await tempDir(), 'data')
    const fs = new FaultyFs(realFs)
    const c = groups(dataDir, fs)
    await c.open()
    await c.commitOffsets(commit('g', 0, 1))
    fs.failNext('sync')
    assert.equal((await c.commitOffsets(commit('g', 0, 2)))[0]!.partitions[0]!.errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE)
    assert.equal(committed(c, 'g', 0), 1n)
    // the journal is offline until reopened: later commits fail rather than pretend
    assert.equal((await c.commitOffsets(commit('g', 0, 3)))[0]!.partitions[0]!.errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE)
    await c.close().catch(() => {})
  })

  test('transactional ids and their producer ids survive a power cut', async () => {
    const dataDir = join(await tempDir(), 'data')
    const log = await LogManager.open(join(dataDir, 'log'))
    const fs = new FaultyFs(realFs)
    const make = (f = realFs): TransactionCoordinator => new TransactionCoordinator({ dir: join(dataDir, '__transactions'), log, groups: () => null, checkIntervalMs: 3_600_000, fs: f })
    const txns = make(fs)
    await txns.open()
    const acked = []
    for (let i = 0; i < 10; i++) acked.push({ id: `tx-${i}`, ...(await txns.initProducerId(`tx-${i}`, 60_000)) })
    const again = await txns.initProducerId('tx-0', 60_000) // bumps the epoch
    await fs.powerLoss()
    const after = make()
    await after.open()
    for (const a of acked.slice(1)) {
      const meta = after.txns.get(a.id)!
      assert.equal(meta.producerId, a.producerId)
      assert.equal(meta.producerEpoch, a.producerEpoch)
    }
    assert.equal(after.txns.get('tx-0')!.producerEpoch, again.producerEpoch)
    const fresh = await after.initProducerId(null, 60_000)
    assert.ok(!acked.some(a => a.producerId === fresh.producerId), 'no producer id is handed out twice')
    await after.close()
    await log.close()
  })

  test('every acknowledged catalog change and delivery cursor survives a power cut, on a bus directory the cut found new', async () => {
    const stateDir = join(await tempDir(), 'data', '__bus')
    const fs = new FaultyFs(realFs)
    const catalog = new Catalog(stateDir, { fs })
    await catalog.load()
    const cursors = new DeliveryStore(stateDir, { fs })
    await cursors.open()
    for (let i = 0; i < 30; i++) {
      catalog.rules.set(ruleKey('default', `r${i}`), rule(`r${i}`))
      await catalog.persist()
    }
    catalog.rule('default', 'r0')!.state = 'DISABLED'
    await catalog.persist()
    catalog.rules.delete(ruleKey('default', 'r1'))
    await catalog.persist()
    await cursors.save('default', { cursor: 17, retries: [] })
    catalog.rules.set(ruleKey('default', 'late'), rule('late'))
    const unacknowledged = catalog.persist().catch(() => {})
    await fs.powerLoss()
    await unacknowledged
    const after = new Catalog(stateDir)
    await after.load()
    assert.equal(after.rule('default', 'r0')!.state, 'DISABLED')
    assert.equal(after.rule('default', 'r1'), undefined)
    for (let i = 2; i < 30; i++) assert.equal(after.rule('default', `r${i}`)!.name, `r${i}`)
    const afterCursors = new DeliveryStore(stateDir)
    await afterCursors.open()
    assert.equal(afterCursors.saved('default')!.cursor, 17)
    await after.close()
    await afterCursors.close()
  })

  test('a failed fsync of a catalog change rejects persist(), and every later persist until a reopen', async () => {
    const stateDir = join(await tempDir(), '__bus')
    const fs = new FaultyFs(realFs)
    const catalog = new Catalog(stateDir, { fs })
    await catalog.load()
    catalog.rules.set(ruleKey('default', 'a'), rule('a'))
    fs.failNext('sync')
    await assert.rejects(catalog.persist(), { code: 'TRIB_ERR_KAFKA_STORAGE_ERROR' })
    await assert.rejects(catalog.persist(), /takes no writes until it is reopened/)
    await catalog.close().catch(() => {})
  })
})
