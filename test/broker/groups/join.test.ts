import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { GroupState } from '../../../src/broker/groups/index.js'
import { joinRequest, openHarness, stableGroup, subscription, track } from './helpers.js'
import { at } from '../../helpers/at.js'

test('a first join on v4+ is answered MEMBER_ID_REQUIRED with the member id to rejoin with', async () => {
  const h = await openHarness()
  try {
    const first = await h.coordinator.join(joinRequest('g', { clientId: 'my-app', requireKnownMemberId: true }))
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED)
    assert.match(first.memberId, /^my-app-[0-9a-f-]{36}$/)
    const again = h.coordinator.join(joinRequest('g', { clientId: 'my-app', requireKnownMemberId: true, memberId: first.memberId }))
    h.clock.advance(0)
    const joined = await again
    assert.equal(joined.errorCode, ErrorCode.NONE)
    assert.equal(joined.memberId, first.memberId)
    assert.equal(joined.generationId, 1)
    assert.equal(joined.leaderId, first.memberId)
  } finally { await h.cleanup() }
})

test('the join is held for the initial rebalance delay, which new arrivals extend', async () => {
  const h = await openHarness({ initialRebalanceDelayMs: 3000 })
  try {
    const a = track(h.coordinator.join(joinRequest('g', { clientId: 'a' })))
    h.clock.advance(2000)
    const b = track(h.coordinator.join(joinRequest('g', { clientId: 'b' })))
    h.clock.advance(1000)
    await Promise.resolve()
    assert.equal(a.settled(), false, 'a member arrived during the delay, so it is extended')
    h.clock.advance(2999)
    await Promise.resolve()
    assert.equal(a.settled(), false)
    h.clock.advance(1)
    const [ja, jb] = await Promise.all([a.promise, b.promise])
    assert.equal(ja.generationId, 1)
    assert.equal(jb.generationId, 1)
    assert.equal(ja.leaderId, ja.memberId, 'the first member to join leads')
    assert.equal(jb.leaderId, ja.memberId)
  } finally { await h.cleanup() }
})

test('the leader gets every member metadata and followers get none', async () => {
  const h = await openHarness()
  try {
    const members = await stableGroup(h, 'g', 3, [
      { protocols: [{ name: 'range', metadata: subscription(['orders']) }] },
      { protocols: [{ name: 'range', metadata: subscription(['payments']) }] },
      { protocols: [{ name: 'range', metadata: subscription(['orders', 'payments']) }] }
    ])
    const leader = at(members, 0)
    assert.equal(leader.join.members.length, 3)
    assert.deepEqual(leader.join.members.map(m => m.metadata), [subscription(['orders']), subscription(['payments']), subscription(['orders', 'payments'])])
    for (const follower of members.slice(1)) {
      assert.equal(follower.join.members.length, 0)
      assert.equal(follower.join.leaderId, leader.memberId)
      assert.equal(follower.join.protocolName, 'range')
      assert.equal(follower.join.protocolType, 'consumer')
    }
    assert.equal(at(h.coordinator.describeGroups(['g']), 0).groupState, GroupState.Stable)
  } finally { await h.cleanup() }
})

test('the protocol is the one all members support that most members prefer', async () => {
  const h = await openHarness()
  try {
    const p = (names: string[]): Array<{ name: string, metadata: Buffer }> => names.map(name => ({ name, metadata: Buffer.from(name) }))
    const members = await stableGroup(h, 'g', 3, [
      { protocols: p(['roundrobin', 'range', 'sticky']) },
      { protocols: p(['range', 'roundrobin']) },
      { protocols: p(['range', 'roundrobin']) }
    ])
    assert.equal(at(members, 0).join.protocolName, 'range', 'sticky is not supported by all; range has two votes')
    assert.deepEqual(at(members, 0).join.members.map(m => m.metadata.toString()), ['range', 'range', 'range'])
  } finally { await h.cleanup() }
})

test('a member without a protocol the group uses is INCONSISTENT_GROUP_PROTOCOL', async () => {
  const h = await openHarness()
  try {
    await stableGroup(h, 'g', 1)
    const other = await h.coordinator.join(joinRequest('g', { protocols: [{ name: 'cooperative-sticky', metadata: Buffer.alloc(0) }] }))
    assert.equal(other.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const otherType = await h.coordinator.join(joinRequest('g', { protocolType: 'connect' }))
    assert.equal(otherType.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const none = await h.coordinator.join(joinRequest('fresh', { protocols: [] }))
    assert.equal(none.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    assert.equal(at(h.coordinator.describeGroups(['g']), 0).groupState, GroupState.Stable)
    assert.equal(h.coordinator.listGroups().groups.some(g => g.groupId === 'fresh'), false)
  } finally { await h.cleanup() }
})

test('session timeouts outside the allowed range are INVALID_SESSION_TIMEOUT', async () => {
  const h = await openHarness({ minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 60_000 })
  try {
    assert.equal((await h.coordinator.join(joinRequest('g', { sessionTimeoutMs: 5999 }))).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT)
    assert.equal((await h.coordinator.join(joinRequest('g', { sessionTimeoutMs: 60_001 }))).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT)
  } finally { await h.cleanup() }
})

test('empty and over-long group ids are INVALID_GROUP_ID and leave other groups alone', async () => {
  const h = await openHarness()
  try {
    const [member] = await stableGroup(h, 'g', 1)
    assert.equal((await h.coordinator.join(joinRequest(''))).errorCode, ErrorCode.INVALID_GROUP_ID)
    assert.equal((await h.coordinator.join(joinRequest('x'.repeat(256)))).errorCode, ErrorCode.INVALID_GROUP_ID)
    assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId: member.generationId, memberId: member.memberId, groupInstanceId: null }), ErrorCode.NONE)
    assert.deepEqual(h.coordinator.listGroups().groups.map(g => g.groupId), ['g'])
  } finally { await h.cleanup() }
})

test('a member id the group does not know is UNKNOWN_MEMBER_ID', async () => {
  const h = await openHarness()
  try {
    assert.equal((await h.coordinator.join(joinRequest('nowhere', { memberId: 'ghost' }))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    await stableGroup(h, 'g', 1)
    assert.equal((await h.coordinator.join(joinRequest('g', { memberId: 'ghost' }))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
  } finally { await h.cleanup() }
})

test('a follower rejoining a stable group with the same metadata gets the current generation without a rebalance', async () => {
  const h = await openHarness()
  try {
    const [leader, follower] = await stableGroup(h, 'g', 2)
    const again = await h.coordinator.join(joinRequest('g', { memberId: follower.memberId }))
    assert.equal(again.errorCode, ErrorCode.NONE)
    assert.equal(again.generationId, follower.generationId)
    assert.equal(again.leaderId, leader.memberId)
    assert.equal(at(h.coordinator.describeGroups(['g']), 0).groupState, GroupState.Stable)
  } finally { await h.cleanup() }
})

test('the leader rejoining a stable group starts a new generation', async () => {
  const h = await openHarness()
  try {
    const [leader, follower] = await stableGroup(h, 'g', 2)
    const leaderJoin = track(h.coordinator.join(joinRequest('g', { memberId: leader.memberId })))
    assert.equal(at(h.coordinator.describeGroups(['g']), 0).groupState, GroupState.PreparingRebalance)
    assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId: follower.generationId, memberId: follower.memberId, groupInstanceId: null }), ErrorCode.REBALANCE_IN_PROGRESS)
    await Promise.resolve()
    assert.equal(leaderJoin.settled(), false, 'held until the follower rejoins')
    const followerJoin = await h.coordinator.join(joinRequest('g', { memberId: follower.memberId }))
    const leaderAnswer = await leaderJoin.promise
    assert.equal(leaderAnswer.generationId, leader.generationId + 1)
    assert.equal(followerJoin.generationId, leader.generationId + 1)
    assert.equal(leaderAnswer.members.length, 2)
  } finally { await h.cleanup() }
})

test('members that do not rejoin within the rebalance timeout are dropped from the next generation', async () => {
  const h = await openHarness()
  try {
    const [a, b, c] = await stableGroup(h, 'g', 3, [{ rebalanceTimeoutMs: 20_000 }, { rebalanceTimeoutMs: 20_000 }, { rebalanceTimeoutMs: 20_000, sessionTimeoutMs: 60_000 }])
    const newcomer = track(h.coordinator.join(joinRequest('g', { clientId: 'new', rebalanceTimeoutMs: 20_000 })))
    const aJoin = track(h.coordinator.join(joinRequest('g', { memberId: a.memberId, rebalanceTimeoutMs: 20_000 })))
    const bJoin = track(h.coordinator.join(joinRequest('g', { memberId: b.memberId, rebalanceTimeoutMs: 20_000 })))
    // c keeps heartbeating (its session outlasts the rebalance timeout) but never rejoins.
    h.clock.advance(5000)
    assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId: c.generationId, memberId: c.memberId, groupInstanceId: null }), ErrorCode.REBALANCE_IN_PROGRESS)
    h.clock.advance(14_999)
    await Promise.resolve()
    assert.equal(aJoin.settled(), false)
    h.clock.advance(1)
    const answers = await Promise.all([newcomer.promise, aJoin.promise, bJoin.promise])
    for (const answer of answers) assert.equal(answer.generationId, a.generationId + 1)
    const described = at(h.coordinator.describeGroups(['g']), 0)
    assert.equal(described.members.length, 3)
    assert.equal(described.members.some(m => m.memberId === c.memberId), false)
    assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId: c.generationId, memberId: c.memberId, groupInstanceId: null }), ErrorCode.UNKNOWN_MEMBER_ID)
  } finally { await h.cleanup() }
})

test('a member id handed out with MEMBER_ID_REQUIRED expires if it is never used', async () => {
  const h = await openHarness()
  try {
    const first = await h.coordinator.join(joinRequest('g', { requireKnownMemberId: true, sessionTimeoutMs: 10_000 }))
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED)
    h.clock.advance(10_000)
    const late = await h.coordinator.join(joinRequest('g', { requireKnownMemberId: true, memberId: first.memberId }))
    assert.equal(late.errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
  } finally { await h.cleanup() }
})

test('a static member rejoining without its member id takes a new one, fences the old, and keeps the group stable', async () => {
  const h = await openHarness()
  try {
    const [leader, follower] = await stableGroup(h, 'g', 2, [{ groupInstanceId: 'i-0' }, { groupInstanceId: 'i-1' }])
    const restarted = await h.coordinator.join(joinRequest('g', { groupInstanceId: 'i-1', clientId: 'client-1' }))
    assert.equal(restarted.errorCode, ErrorCode.NONE)
    assert.notEqual(restarted.memberId, follower.memberId)
    assert.match(restarted.memberId, /^i-1-/)
    assert.equal(restarted.generationId, follower.generationId, 'no rebalance for a returning static member')
    assert.equal(restarted.leaderId, leader.memberId)
    assert.equal(at(h.coordinator.describeGroups(['g']), 0).groupState, GroupState.Stable)
    const oldIdentity = { groupId: 'g', generationId: follower.generationId, memberId: follower.memberId, groupInstanceId: 'i-1' }
    assert.equal(h.coordinator.heartbeat(oldIdentity), ErrorCode.FENCED_INSTANCE_ID)
    assert.equal((await h.coordinator.join(joinRequest('g', { memberId: follower.memberId, groupInstanceId: 'i-1' }))).errorCode, ErrorCode.FENCED_INSTANCE_ID)
    const synced = await h.coordinator.sync({ groupId: 'g', generationId: restarted.generationId, memberId: restarted.memberId, groupInstanceId: 'i-1', protocolType: null, protocolName: null, assignments: [] })
    assert.equal(synced.assignment.toString(), `assigned:${follower.memberId}`, 'the slot keeps its assignment')
  } finally { await h.cleanup() }
})

test('a static member whose instance id is unknown is UNKNOWN_MEMBER_ID when it gives a member id', async () => {
  const h = await openHarness()
  try {
    const [member] = await stableGroup(h, 'g', 1)
    assert.equal((await h.coordinator.join(joinRequest('g', { memberId: member.memberId, groupInstanceId: 'never-seen' }))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
  } finally { await h.cleanup() }
})
