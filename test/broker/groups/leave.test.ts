import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { GroupState } from '../../../src/broker/groups/index.js'
import { joinRequest, openHarness, stableGroup } from './helpers.js'
import { at } from '../../helpers/at.js'

test('when the leader leaves, the others rejoin and one of them leads the next generation', async () => {
  const h = await openHarness()
  try {
    const [leader, b, c] = await stableGroup(h, 'g', 3)
    const result = h.coordinator.leave('g', [{ memberId: leader.memberId, groupInstanceId: null }])
    assert.deepEqual(result, { errorCode: 0, members: [{ memberId: leader.memberId, groupInstanceId: null, errorCode: 0 }] })
    assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId: b.generationId, memberId: b.memberId, groupInstanceId: null }), ErrorCode.REBALANCE_IN_PROGRESS)
    const [jb, jc] = await Promise.all([
      h.coordinator.join(joinRequest('g', { memberId: b.memberId })),
      h.coordinator.join(joinRequest('g', { memberId: c.memberId }))
    ])
    assert.equal(jb.generationId, leader.generationId + 1)
    assert.equal(jb.leaderId, b.memberId)
    assert.equal(jc.leaderId, b.memberId)
    assert.equal(jb.members.length, 2)
  } finally { await h.cleanup() }
})

test('the last member leaving makes the group Empty', async () => {
  const h = await openHarness()
  try {
    const [m] = await stableGroup(h, 'g', 1)
    h.coordinator.leave('g', [{ memberId: m.memberId, groupInstanceId: null }])
    assert.equal(at(h.coordinator.describeGroups(['g']), 0).groupState, GroupState.Empty)
  } finally { await h.cleanup() }
})

test('a batched leave answers each member its own error', async () => {
  const h = await openHarness()
  try {
    const [a, b] = await stableGroup(h, 'g', 3, [{ groupInstanceId: 'i-0' }, {}, {}])
    const result = h.coordinator.leave('g', [
      { memberId: a.memberId, groupInstanceId: 'i-0' },
      { memberId: 'ghost', groupInstanceId: null },
      { memberId: 'impostor', groupInstanceId: 'i-0' },
      { memberId: b.memberId, groupInstanceId: null }
    ])
    assert.equal(result.errorCode, ErrorCode.NONE)
    assert.deepEqual(result.members.map(m => m.errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.NONE])
    assert.equal(at(h.coordinator.describeGroups(['g']), 0).members.length, 1)
  } finally { await h.cleanup() }
})

test('a static member can be removed by its instance id alone; a wrong member id for it is fenced', async () => {
  const h = await openHarness()
  try {
    await stableGroup(h, 'g', 2, [{ groupInstanceId: 'i-0' }, { groupInstanceId: 'i-1' }])
    assert.equal(at(h.coordinator.leave('g', [{ memberId: 'impostor', groupInstanceId: 'i-1' }]).members, 0).errorCode, ErrorCode.FENCED_INSTANCE_ID)
    assert.equal(at(h.coordinator.leave('g', [{ memberId: '', groupInstanceId: 'i-1' }]).members, 0).errorCode, ErrorCode.NONE)
    assert.equal(at(h.coordinator.leave('g', [{ memberId: '', groupInstanceId: 'i-1' }]).members, 0).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal(at(h.coordinator.describeGroups(['g']), 0).members.length, 1)
  } finally { await h.cleanup() }
})

test('leave for an unknown group answers UNKNOWN_MEMBER_ID per member; an invalid id fails the request', async () => {
  const h = await openHarness()
  try {
    assert.deepEqual(h.coordinator.leave('nowhere', [{ memberId: 'm', groupInstanceId: null }]), { errorCode: 0, members: [{ memberId: 'm', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }] })
    assert.equal(h.coordinator.leave('', [{ memberId: 'm', groupInstanceId: null }]).errorCode, ErrorCode.INVALID_GROUP_ID)
  } finally { await h.cleanup() }
})

test('a member that leaves while others rejoin lets the join phase finish without it', async () => {
  const h = await openHarness()
  try {
    const [a, b] = await stableGroup(h, 'g', 2)
    const aJoin = h.coordinator.join(joinRequest('g', { memberId: a.memberId }))
    h.coordinator.leave('g', [{ memberId: b.memberId, groupInstanceId: null }])
    const answer = await aJoin
    assert.equal(answer.generationId, a.generationId + 1)
    assert.deepEqual(answer.members.map(m => m.memberId), [a.memberId])
  } finally { await h.cleanup() }
})
