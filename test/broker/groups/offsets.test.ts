import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { GroupCoordinator } from '../../../src/broker/groups/index.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import type { CommitRequest } from '../../../src/broker/groups/index.js'
import { joinRequest, leaveHeld, openHarness, stableGroup } from './helpers.js'
import { at } from '../../helpers/at.js'

const commit = (groupId: string, partitions: Array<[string, number, number, string?]>, extra: Partial<CommitRequest> = {}): CommitRequest => {
  const topics = new Map<string, CommitRequest['topics'][number]>()
  for (const [name, partitionIndex, offset, metadata] of partitions) {
    if (!topics.has(name)) topics.set(name, { name, partitions: [] })
    topics.get(name)?.partitions.push({ partitionIndex, committedOffset: BigInt(offset), committedMetadata: metadata ?? null })
  }
  return { groupId, generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, topics: [...topics.values()], ...extra }
}

const codes = (result: Array<{ partitions: Array<{ errorCode: number }> }>): number[] => result.flatMap(t => t.partitions.map(p => p.errorCode))

test('a member commit is fetched back with its metadata and leader epoch', async () => {
  const h = await openHarness()
  try {
    const [m] = await stableGroup(h, 'g', 1)
    const request = commit('g', [['orders', 0, 42, 'worker-1'], ['orders', 2, 7]], { generationId: m.generationId, memberId: m.memberId })
    at(at(request.topics, 0).partitions, 0).committedLeaderEpoch = 3
    assert.deepEqual(codes(await h.coordinator.commitOffsets(request)), [0, 0])
    const fetched = h.coordinator.fetchOffsets('g', [{ name: 'orders', partitionIndexes: [0, 1, 2] }])
    assert.deepEqual(fetched, {
      errorCode: 0,
      topics: [{
        name: 'orders',
        partitions: [
          { partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 3, metadata: 'worker-1', errorCode: 0 },
          { partitionIndex: 1, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
          { partitionIndex: 2, committedOffset: 7n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }
        ]
      }]
    })
  } finally { await h.cleanup() }
})

test('null topics fetch every committed partition; an unknown group has none', async () => {
  const h = await openHarness()
  try {
    await h.coordinator.commitOffsets(commit('simple', [['orders', 1, 5], ['payments', 0, 9]]))
    const all = h.coordinator.fetchOffsets('simple', null)
    assert.deepEqual(all.topics.map(t => [t.name, t.partitions.map(p => [p.partitionIndex, p.committedOffset])]), [['orders', [[1, 5n]]], ['payments', [[0, 9n]]]])
    assert.deepEqual(h.coordinator.fetchOffsets('unknown', null), { errorCode: 0, topics: [] })
  } finally { await h.cleanup() }
})

test('commits with generation -1 and no member are accepted only while the group has no members', async () => {
  const h = await openHarness()
  try {
    assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('admin-set', [['orders', 0, 1]]))), [0])
    const [m] = await stableGroup(h, 'g', 1)
    assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', [['orders', 0, 1]]))), [ErrorCode.UNKNOWN_MEMBER_ID])
    h.coordinator.leave('g', [{ memberId: m.memberId, groupInstanceId: null }])
    assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', [['orders', 0, 100]]))), [0])
    assert.equal(at(at(h.coordinator.fetchOffsets('g', [{ name: 'orders', partitionIndexes: [0] }]).topics, 0).partitions, 0).committedOffset, 100n)
  } finally { await h.cleanup() }
})

test('commits from the wrong generation or an unknown member are refused', async () => {
  const h = await openHarness()
  try {
    const [m] = await stableGroup(h, 'g', 1)
    assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', [['orders', 0, 1]], { generationId: m.generationId + 1, memberId: m.memberId }))), [ErrorCode.ILLEGAL_GENERATION])
    assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', [['orders', 0, 1]], { generationId: m.generationId, memberId: 'ghost' }))), [ErrorCode.UNKNOWN_MEMBER_ID])
    assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('gone', [['orders', 0, 1]], { generationId: 3, memberId: 'm' }))), [ErrorCode.ILLEGAL_GENERATION])
    assert.deepEqual(at(at(h.coordinator.fetchOffsets('g', [{ name: 'orders', partitionIndexes: [0] }]).topics, 0).partitions, 0).committedOffset, -1n)
    assert.equal(h.coordinator.listGroups().groups.some(g => g.groupId === 'gone'), false)
  } finally { await h.cleanup() }
})

test('commits are refused while the group awaits its assignment and accepted while it prepares a rebalance', async () => {
  const h = await openHarness()
  try {
    const joins = [h.coordinator.join(joinRequest('g')), h.coordinator.join(joinRequest('g'))] as const
    h.clock.advance(0)
    const [a, b] = await Promise.all(joins)
    assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', [['orders', 0, 1]], { generationId: a.generationId, memberId: a.memberId }))), [ErrorCode.REBALANCE_IN_PROGRESS])
    const sync = (memberId: string, assignments: Array<{ memberId: string, assignment: Buffer }> = []): Promise<unknown> =>
      h.coordinator.sync({ groupId: 'g', generationId: a.generationId, memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments })
    await Promise.all([sync(a.memberId, [{ memberId: a.memberId, assignment: Buffer.from('x') }]), sync(b.memberId)])
    leaveHeld(h.coordinator.join(joinRequest('g', { memberId: a.memberId })))
    assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', [['orders', 0, 2]], { generationId: b.generationId, memberId: b.memberId }))), [0])
  } finally { await h.cleanup() }
})

test('oversized metadata and unknown partitions fail alone; the rest of the request is committed', async () => {
  const h = await openHarness()
  try {
    const result = await h.coordinator.commitOffsets(commit('g', [
      ['orders', 0, 10, 'm'.repeat(4096)],
      ['orders', 1, 11, 'm'.repeat(4097)],
      ['orders', 3, 12],
      ['nope', 0, 13]
    ]))
    assert.deepEqual(codes(result), [0, ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
    const fetched = h.coordinator.fetchOffsets('g', null)
    assert.deepEqual(fetched.topics.map(t => [t.name, t.partitions.map(p => p.partitionIndex)]), [['orders', [0]]])
    assert.equal(at(at(fetched.topics, 0).partitions, 0).metadata, 'm'.repeat(4096))
  } finally { await h.cleanup() }
})

test('a commit only for unknown partitions creates no group', async () => {
  const h = await openHarness()
  try {
    assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', [['nope', 0, 1]]))), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
    assert.deepEqual(h.coordinator.listGroups().groups, [])
  } finally { await h.cleanup() }
})

test('the empty group id commits and fetches under its own group, as Kafka allows; too long ids are INVALID_GROUP_ID; no other group is touched', async () => {
  const h = await openHarness()
  try {
    await h.coordinator.commitOffsets(commit('g', [['orders', 0, 5]]))
    assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('', [['orders', 0, 6]]))), [0])
    assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g'.repeat(300), [['orders', 0, 7]]))), [ErrorCode.INVALID_GROUP_ID])
    const empty = h.coordinator.fetchOffsets('', null)
    assert.deepEqual([empty.errorCode, empty.topics.map(t => [t.name, t.partitions.map(p => p.committedOffset)])], [0, [['orders', [6n]]]])
    assert.equal(h.coordinator.fetchOffsets('g'.repeat(300), null).errorCode, ErrorCode.INVALID_GROUP_ID)
    assert.equal(at(at(h.coordinator.fetchOffsets('g', null).topics, 0).partitions, 0).committedOffset, 5n)
    assert.deepEqual(h.coordinator.listGroups().groups.map(g => g.groupId), ['g', ''])
  } finally { await h.cleanup() }
})

test('a commit is not visible to OffsetFetch before its journal write is durable', async () => {
  const h = await openHarness()
  try {
    await h.coordinator.commitOffsets(commit('g', [['orders', 0, 5]]))
    const pending = h.coordinator.commitOffsets(commit('g', [['orders', 0, 6]]))
    assert.equal(at(at(h.coordinator.fetchOffsets('g', null).topics, 0).partitions, 0).committedOffset, 5n)
    assert.deepEqual(codes(await pending), [0])
    assert.equal(at(at(h.coordinator.fetchOffsets('g', null).topics, 0).partitions, 0).committedOffset, 6n)
  } finally { await h.cleanup() }
})

test('concurrent commits of one partition end with the last one, in memory and after a restart', async () => {
  const h = await openHarness()
  try {
    const answers = await Promise.all([7, 8, 9].map(offset => h.coordinator.commitOffsets(commit('g', [['orders', 0, offset]]))))
    assert.deepEqual(answers.map(codes), [[0], [0], [0]])
    assert.equal(at(at(h.coordinator.fetchOffsets('g', null).topics, 0).partitions, 0).committedOffset, 9n)
    const reopened = await h.reopen()
    assert.equal(at(at(reopened.fetchOffsets('g', null).topics, 0).partitions, 0).committedOffset, 9n)
  } finally { await h.cleanup() }
})

test('an offset deleted while a commit of it is being written stays deleted, as the journal replays it', async () => {
  const h = await openHarness()
  try {
    await h.coordinator.commitOffsets(commit('g', [['orders', 0, 5], ['orders', 1, 1]]))
    const pending = h.coordinator.commitOffsets(commit('g', [['orders', 0, 6]]))
    const deleted = await h.coordinator.deleteOffsets('g', [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }])
    assert.equal(at(at(deleted.topics, 0).partitions, 0).errorCode, 0)
    assert.deepEqual(codes(await pending), [0])
    const inMemory = h.coordinator.fetchOffsets('g', null).topics.flatMap(t => t.partitions.map(p => p.partitionIndex))
    const reopened = await h.reopen()
    assert.deepEqual(reopened.fetchOffsets('g', null).topics.flatMap(t => t.partitions.map(p => p.partitionIndex)), inMemory)
    assert.deepEqual(inMemory, [1])
  } finally { await h.cleanup() }
})

interface FullDiskReport { acked: number, failedOffset: number | null, errorCode?: number, fetchedAfterFailure?: string | null, freshCode?: number, groupsAfterFailure?: string[] }

function commitUntilFull (dir: string, limitKiB: number, max: number): Promise<FullDiskReport> {
  const child = fileURLToPath(new URL('./commit-until-full-child.ts', import.meta.url))
  const script = `ulimit -f ${limitKiB} && exec "${process.execPath}" --import tsx "${child}" "$@"`
  return new Promise((resolve, reject) => {
    const proc = spawn('bash', ['-c', script, 'commit-until-full', dir, String(max)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    proc.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
    proc.on('error', reject)
    proc.on('exit', code => { if (code === 0) resolve(JSON.parse(out) as FullDiskReport); else reject(new Error(`child exited with ${code}`)) })
  })
}

test('a commit whose journal write fails (disk full) is answered COORDINATOR_NOT_AVAILABLE, neither visible nor kept; the previous offset stays', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-groups-full-'))
  try {
    const report = await commitUntilFull(dir, 16, 100)
    assert.ok(report.failedOffset !== null && report.acked >= 1, `the journal should fill up after a few commits: ${JSON.stringify(report)}`)
    assert.equal(report.errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE)
    assert.equal(report.fetchedAfterFailure, String(report.acked), 'OffsetFetch still shows the last acknowledged commit')
    assert.equal(report.freshCode, ErrorCode.COORDINATOR_NOT_AVAILABLE)
    assert.deepEqual(report.groupsAfterFailure, ['g'], 'a failed first commit leaves no group behind')
    const reopened = new GroupCoordinator({ dataDir: dir, nodeId: 1, topicPartitionExists: () => true })
    await reopened.open()
    try {
      assert.equal(at(at(reopened.fetchOffsets('g', [{ name: 'orders', partitionIndexes: [0] }]).topics, 0).partitions, 0).committedOffset, BigInt(report.acked))
      assert.deepEqual(reopened.listGroups().groups.map(g => g.groupId), ['g'])
    } finally { await reopened.close() }
  } finally { await rm(dir, { recursive: true, force: true }) }
})

test('a commit whose write triggers a compaction is in the compacted journal', async () => {
  const h = await openHarness({ compactAfterBytes: 1 })
  try {
    for (const partition of [0, 1, 2]) assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', [['orders', partition, 10 + partition]]))), [0])
    await h.coordinator.close()
    const reopened = await h.reopen()
    assert.deepEqual(reopened.fetchOffsets('g', null).topics.flatMap(t => t.partitions.map(p => [p.partitionIndex, p.committedOffset])), [[0, 10n], [1, 11n], [2, 12n]])
  } finally { await h.cleanup() }
})
