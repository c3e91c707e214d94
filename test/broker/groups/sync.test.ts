import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { GroupState, type SyncRequest } from '../../../src/broker/groups/index.js'
import { joinRequest, leaveHeld, openHarness, stableGroup, track } from './helpers.js'
import { at } from '../../helpers/at.js'

const syncRequest = (groupId: string, generationId: number, memberId: string, extra: Partial<SyncRequest> = {}): SyncRequest =>
  ({ groupId, generationId, memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [], ...extra })

test('followers wait for the leader assignment, then each gets its own share', async () => {
  const h = await openHarness()
  try {
    const joins = [h.coordinator.join(joinRequest('g')), h.coordinator.join(joinRequest('g')), h.coordinator.join(joinRequest('g'))] as const
    h.clock.advance(0)
    const [a, b, c] = await Promise.all(joins)
    const followerSync = track(h.coordinator.sync(syncRequest('g', b.generationId, b.memberId)))
    await Promise.resolve()
    assert.equal(followerSync.settled(), false)
    assert.equal(at(h.coordinator.describeGroups(['g']), 0).groupState, GroupState.CompletingRebalance)
    const leaderSync = await h.coordinator.sync(syncRequest('g', a.generationId, a.memberId, {
      assignments: [{ memberId: a.memberId, assignment: Buffer.from('A') }, { memberId: b.memberId, assignment: Buffer.from('B') }]
    }))
    assert.equal(leaderSync.assignment.toString(), 'A')
    assert.equal((await followerSync.promise).assignment.toString(), 'B')
    const late = await h.coordinator.sync(syncRequest('g', c.generationId, c.memberId))
    assert.equal(late.errorCode, ErrorCode.NONE)
    assert.equal(late.assignment.length, 0, 'a member the leader left out gets an empty assignment')
    assert.equal(late.protocolName, 'range')
    assert.equal(at(h.coordinator.describeGroups(['g']), 0).groupState, GroupState.Stable)
  } finally { await h.cleanup() }
})

test('sync errors: unknown group or member, wrong generation, protocol mismatch', async () => {
  const h = await openHarness()
  try {
    const [m] = await stableGroup(h, 'g', 1)
    assert.equal((await h.coordinator.sync(syncRequest('nowhere', 1, m.memberId))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal((await h.coordinator.sync(syncRequest('g', m.generationId, 'ghost'))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal((await h.coordinator.sync(syncRequest('g', m.generationId + 1, m.memberId))).errorCode, ErrorCode.ILLEGAL_GENERATION)
    assert.equal((await h.coordinator.sync(syncRequest('g', m.generationId, m.memberId, { protocolName: 'roundrobin' }))).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    assert.equal((await h.coordinator.sync(syncRequest('g', m.generationId, m.memberId, { protocolType: 'connect' }))).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    assert.equal((await h.coordinator.sync(syncRequest('', m.generationId, m.memberId))).errorCode, ErrorCode.INVALID_GROUP_ID)
    const ok = await h.coordinator.sync(syncRequest('g', m.generationId, m.memberId, { protocolType: 'consumer', protocolName: 'range' }))
    assert.equal(ok.errorCode, ErrorCode.NONE)
    assert.equal(ok.assignment.toString(), `assigned:${m.memberId}`)
  } finally { await h.cleanup() }
})

test('sync while the group prepares a rebalance is REBALANCE_IN_PROGRESS', async () => {
  const h = await openHarness()
  try {
    const [a, b] = await stableGroup(h, 'g', 2)
    leaveHeld(h.coordinator.join(joinRequest('g', { memberId: a.memberId })))
    assert.equal((await h.coordinator.sync(syncRequest('g', b.generationId, b.memberId))).errorCode, ErrorCode.REBALANCE_IN_PROGRESS)
  } finally { await h.cleanup() }
})

test('a held sync is answered REBALANCE_IN_PROGRESS when a new member joins before the leader assigns', async () => {
  const h = await openHarness()
  try {
    const joins = [h.coordinator.join(joinRequest('g')), h.coordinator.join(joinRequest('g'))] as const
    h.clock.advance(0)
    const [, b] = await Promise.all(joins)
    const held = h.coordinator.sync(syncRequest('g', b.generationId, b.memberId))
    leaveHeld(h.coordinator.join(joinRequest('g', { clientId: 'newcomer' })))
    assert.equal((await held).errorCode, ErrorCode.REBALANCE_IN_PROGRESS)
    assert.equal(at(h.coordinator.describeGroups(['g']), 0).groupState, GroupState.PreparingRebalance)
  } finally { await h.cleanup() }
})

test('when the leader never syncs, the group drops it after the rebalance timeout and the others rejoin', async () => {
  const h = await openHarness()
  try {
    const joins = [h.coordinator.join(joinRequest('g', { rebalanceTimeoutMs: 5000 })), h.coordinator.join(joinRequest('g', { rebalanceTimeoutMs: 5000 }))] as const
    h.clock.advance(0)
    const [leader, follower] = await Promise.all(joins)
    assert.equal(leader.leaderId, leader.memberId)
    const held = h.coordinator.sync(syncRequest('g', follower.generationId, follower.memberId))
    h.clock.advance(5000)
    assert.equal((await held).errorCode, ErrorCode.REBALANCE_IN_PROGRESS)
    const rejoin = h.coordinator.join(joinRequest('g', { memberId: follower.memberId, rebalanceTimeoutMs: 5000 }))
    const answer = await rejoin
    assert.equal(answer.generationId, follower.generationId + 1)
    assert.equal(answer.leaderId, follower.memberId, 'leadership passes to a remaining member')
    assert.equal(answer.members.length, 1)
  } finally { await h.cleanup() }
})
