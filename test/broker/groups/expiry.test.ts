import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { CommitRequest } from '../../../src/broker/groups/index.js'
import { openHarness, stableGroup, subscription } from './helpers.js'
import { at } from '../../helpers/at.js'

const DAY = 24 * 3600 * 1000

const commit = (groupId: string, topic: string, offset: bigint, extra: Partial<CommitRequest> = {}): CommitRequest => ({
  groupId,
  generationId: -1,
  memberId: '',
  groupInstanceId: null,
  retentionTimeMs: -1,
  topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: offset, committedMetadata: null }] }],
  ...extra
})

const committed = (h: Awaited<ReturnType<typeof openHarness>>, groupId: string, topic = 'orders'): bigint =>
  at(at(h.coordinator.fetchOffsets(groupId, [{ name: topic, partitionIndexes: [0] }]).topics, 0).partitions, 0).committedOffset

test('a simple group loses an offset once the retention has passed since its last commit, then the group goes', async () => {
  const h = await openHarness({ offsetsRetentionMs: 7 * DAY })
  try {
    await h.coordinator.commitOffsets(commit('simple', 'orders', 5n))
    h.clock.advance(7 * DAY - 1)
    await h.coordinator.expireOffsets()
    assert.equal(committed(h, 'simple'), 5n)
    h.clock.advance(1)
    await h.coordinator.expireOffsets()
    assert.equal(committed(h, 'simple'), -1n)
    assert.equal(h.coordinator.listGroups().groups.length, 0)
  } finally { await h.cleanup() }
})

const RETENTION = 600_000

/** Heartbeats every 50 s for `ms`, so the member outlives its 60 s session. */
function keepAlive (h: Awaited<ReturnType<typeof openHarness>>, member: { memberId: string, generationId: number }, ms: number): void {
  for (let t = 0; t < ms; t += 50_000) {
    h.clock.advance(50_000)
    assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId: member.generationId, memberId: member.memberId, groupInstanceId: null }), 0)
  }
}

test('a consumer group keeps its offsets while it has members and for the retention after it empties', async () => {
  const h = await openHarness({ offsetsRetentionMs: RETENTION })
  try {
    const [m] = await stableGroup(h, 'g', 1, [{ sessionTimeoutMs: 60_000 }])
    await h.coordinator.commitOffsets(commit('g', 'orders', 9n, { generationId: m.generationId, memberId: m.memberId }))
    keepAlive(h, m, 3 * RETENTION)
    await h.coordinator.expireOffsets()
    assert.equal(committed(h, 'g'), 9n, 'subscribed topics never expire while the group is stable')
    h.coordinator.leave('g', [{ memberId: m.memberId, groupInstanceId: null }])
    h.clock.advance(RETENTION - 1)
    await h.coordinator.expireOffsets()
    assert.equal(committed(h, 'g'), 9n)
    h.clock.advance(1)
    await h.coordinator.expireOffsets()
    assert.equal(committed(h, 'g'), -1n)
  } finally { await h.cleanup() }
})

test('a stable consumer group loses offsets of topics it no longer subscribes to', async () => {
  const h = await openHarness({ offsetsRetentionMs: RETENTION })
  try {
    const [m] = await stableGroup(h, 'g', 1, [{ sessionTimeoutMs: 60_000, protocols: [{ name: 'range', metadata: subscription(['orders']) }] }])
    const member = { generationId: m.generationId, memberId: m.memberId }
    await h.coordinator.commitOffsets(commit('g', 'orders', 1n, member))
    await h.coordinator.commitOffsets(commit('g', 'payments', 2n, member))
    keepAlive(h, m, RETENTION)
    await h.coordinator.expireOffsets()
    assert.equal(committed(h, 'g', 'orders'), 1n)
    assert.equal(committed(h, 'g', 'payments'), -1n)
  } finally { await h.cleanup() }
})

test('an explicit retention time (OffsetCommit v2-4) sets the offset own deadline', async () => {
  const h = await openHarness({ offsetsRetentionMs: 7 * DAY })
  try {
    await h.coordinator.commitOffsets(commit('g', 'orders', 3n, { retentionTimeMs: 60_000n }))
    h.clock.advance(60_000)
    await h.coordinator.expireOffsets()
    assert.equal(committed(h, 'g'), -1n)
  } finally { await h.cleanup() }
})

test('expiry runs on its own timer and its deletions survive a reopen', async () => {
  const h = await openHarness({ offsetsRetentionMs: DAY, offsetsRetentionCheckIntervalMs: 60_000 })
  try {
    await h.coordinator.commitOffsets(commit('old', 'orders', 1n))
    h.clock.advance(DAY / 2)
    await h.coordinator.commitOffsets(commit('young', 'orders', 2n))
    h.clock.advance(DAY / 2 + 60_000)
    assert.equal(committed(h, 'old'), -1n)
    await h.coordinator.compact()
    const reopened = await h.reopen()
    assert.deepEqual(reopened.listGroups().groups.map(g => g.groupId), ['young'])
  } finally { await h.cleanup() }
})
