import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { GroupState } from '../../../src/broker/groups/index.js'
import { joinRequest, openHarness, stableGroup } from './helpers.js'
import { at } from '../../helpers/at.js'

test('heartbeats keep a member alive past its session timeout', async () => {
  const h = await openHarness()
  try {
    const [m] = await stableGroup(h, 'g', 1, [{ sessionTimeoutMs: 10_000 }])
    for (let i = 0; i < 5; i++) {
      h.clock.advance(9_000)
      assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId: m.generationId, memberId: m.memberId, groupInstanceId: null }), ErrorCode.NONE)
    }
    assert.equal(at(h.coordinator.describeGroups(['g']), 0).members.length, 1)
  } finally { await h.cleanup() }
})

test('a member that stops heartbeating is removed after its session timeout and the others rebalance', async () => {
  const h = await openHarness()
  try {
    const [a, b] = await stableGroup(h, 'g', 2, [{ sessionTimeoutMs: 30_000 }, { sessionTimeoutMs: 10_000 }])
    h.clock.advance(9_999)
    assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null }), ErrorCode.NONE)
    h.clock.advance(1)
    assert.equal(at(h.coordinator.describeGroups(['g']), 0).groupState, GroupState.PreparingRebalance)
    assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null }), ErrorCode.REBALANCE_IN_PROGRESS)
    assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId: b.generationId, memberId: b.memberId, groupInstanceId: null }), ErrorCode.UNKNOWN_MEMBER_ID)
    const rejoined = await h.coordinator.join(joinRequest('g', { memberId: a.memberId, sessionTimeoutMs: 30_000 }))
    assert.equal(rejoined.generationId, a.generationId + 1)
    assert.deepEqual(rejoined.members.map(m => m.memberId), [a.memberId])
  } finally { await h.cleanup() }
})

test('the last member expiring leaves the group Empty', async () => {
  const h = await openHarness()
  try {
    await stableGroup(h, 'g', 1, [{ sessionTimeoutMs: 10_000 }])
    h.clock.advance(10_000)
    const described = at(h.coordinator.describeGroups(['g']), 0)
    assert.equal(described.groupState, GroupState.Empty)
    assert.equal(described.members.length, 0)
  } finally { await h.cleanup() }
})

test('heartbeat errors: unknown group or member, wrong generation, fenced static member', async () => {
  const h = await openHarness()
  try {
    const [m] = await stableGroup(h, 'g', 1, [{ groupInstanceId: 'i-0' }])
    const hb = (extra: object): number => h.coordinator.heartbeat({ groupId: 'g', generationId: m.generationId, memberId: m.memberId, groupInstanceId: 'i-0', ...extra })
    assert.equal(hb({}), ErrorCode.NONE)
    assert.equal(hb({ groupId: 'other' }), ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal(hb({ memberId: 'ghost', groupInstanceId: null }), ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal(hb({ memberId: 'ghost' }), ErrorCode.FENCED_INSTANCE_ID)
    assert.equal(hb({ groupInstanceId: 'i-9' }), ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal(hb({ generationId: m.generationId - 1 }), ErrorCode.ILLEGAL_GENERATION)
    assert.equal(hb({ groupId: '' }), ErrorCode.INVALID_GROUP_ID)
  } finally { await h.cleanup() }
})
