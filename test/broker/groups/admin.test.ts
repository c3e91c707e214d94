import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { GroupState } from '../../../src/broker/groups/index.js'
import { joinRequest, leaveHeld, openHarness, stableGroup, subscription } from './helpers.js'
import { at, exactly } from '../../helpers/at.js'

const adminCommit = (groupId: string, topic: string, partitionIndex: number, offset: bigint) => ({
  groupId,
  generationId: -1,
  memberId: '',
  groupInstanceId: null,
  retentionTimeMs: -1,
  topics: [{ name: topic, partitions: [{ partitionIndex, committedOffset: offset, committedMetadata: null }] }]
})

test('describing a stable group shows members with client, host, metadata and assignment', async () => {
  const h = await openHarness()
  try {
    const [m] = await stableGroup(h, 'g', 1, [{ clientId: 'email-service', clientHost: '/10.0.0.7' }])
    const described = at(h.coordinator.describeGroups(['g'], true), 0)
    assert.equal(described.errorCode, 0)
    assert.equal(described.groupState, 'Stable')
    assert.equal(described.protocolType, 'consumer')
    assert.equal(described.protocolData, 'range')
    assert.deepEqual(described.members, [{
      memberId: m.memberId,
      groupInstanceId: null,
      clientId: 'email-service',
      clientHost: '/10.0.0.7',
      memberMetadata: subscription(),
      memberAssignment: Buffer.from(`assigned:${m.memberId}`)
    }])
    assert.notEqual(described.authorizedOperations, -2147483648)
    assert.equal(at(h.coordinator.describeGroups(['g']), 0).authorizedOperations, -2147483648)
  } finally { await h.cleanup() }
})

test('a rebalancing group is described without metadata; unknown groups (the empty id too) are Dead; too long ids are INVALID_GROUP_ID', async () => {
  const h = await openHarness()
  try {
    const [m] = await stableGroup(h, 'g', 2)
    leaveHeld(h.coordinator.join(joinRequest('g', { memberId: m.memberId })))
    const [rebalancing, unknown, empty, invalid] = exactly(h.coordinator.describeGroups(['g', 'unknown', '', 'g'.repeat(256)]), 4)
    assert.equal(rebalancing.groupState, 'PreparingRebalance')
    assert.equal(rebalancing.protocolData, '')
    assert.equal(rebalancing.members.length, 2)
    for (const member of rebalancing.members) assert.equal(member.memberMetadata.length, 0)
    assert.deepEqual([unknown.errorCode, unknown.groupState, unknown.members.length], [0, 'Dead', 0])
    assert.deepEqual([empty.errorCode, empty.groupId, empty.groupState], [0, '', 'Dead'])
    assert.equal(invalid.errorCode, ErrorCode.INVALID_GROUP_ID)
  } finally { await h.cleanup() }
})

test('list groups filters by state, case-insensitively', async () => {
  const h = await openHarness()
  try {
    await stableGroup(h, 'live', 1)
    await h.coordinator.commitOffsets(adminCommit('offsets-only', 'orders', 0, 1n))
    assert.deepEqual(h.coordinator.listGroups().groups, [
      { groupId: 'live', protocolType: 'consumer', groupState: 'Stable' },
      { groupId: 'offsets-only', protocolType: '', groupState: 'Empty' }
    ])
    assert.deepEqual(h.coordinator.listGroups(['empty']).groups.map(g => g.groupId), ['offsets-only'])
    assert.deepEqual(h.coordinator.listGroups(['Stable', 'Dead']).groups.map(g => g.groupId), ['live'])
  } finally { await h.cleanup() }
})

test('only empty groups can be deleted, and their offsets go with them', async () => {
  const h = await openHarness()
  try {
    await stableGroup(h, 'busy', 1)
    await h.coordinator.commitOffsets(adminCommit('idle', 'orders', 0, 9n))
    const results = await h.coordinator.deleteGroups(['idle', 'busy', 'missing', '', 'g'.repeat(256)])
    assert.deepEqual(results.map(r => r.errorCode), [0, ErrorCode.NON_EMPTY_GROUP, ErrorCode.GROUP_ID_NOT_FOUND, ErrorCode.GROUP_ID_NOT_FOUND, ErrorCode.INVALID_GROUP_ID])
    assert.equal(at(at(h.coordinator.fetchOffsets('idle', [{ name: 'orders', partitionIndexes: [0] }]).topics, 0).partitions, 0).committedOffset, -1n)
    assert.equal(at(h.coordinator.describeGroups(['idle']), 0).groupState, GroupState.Dead)
    assert.equal(at(h.coordinator.describeGroups(['busy']), 0).groupState, GroupState.Stable)
  } finally { await h.cleanup() }
})

test('the empty group id is described and deleted like any group, as Kafka allows; other groups stay', async () => {
  const h = await openHarness()
  try {
    await h.coordinator.commitOffsets(adminCommit('', 'orders', 0, 3n))
    await h.coordinator.commitOffsets(adminCommit('other', 'orders', 0, 4n))
    assert.deepEqual([at(h.coordinator.describeGroups(['']), 0).errorCode, at(h.coordinator.describeGroups(['']), 0).groupState], [0, GroupState.Empty])
    assert.deepEqual(await h.coordinator.deleteGroups(['']), [{ groupId: '', errorCode: 0 }])
    assert.equal(at(h.coordinator.describeGroups(['']), 0).groupState, GroupState.Dead)
    assert.deepEqual(h.coordinator.fetchOffsets('', null), { errorCode: 0, topics: [] })
    assert.equal(at(at(h.coordinator.fetchOffsets('other', null).topics, 0).partitions, 0).committedOffset, 4n)
    assert.deepEqual(await h.coordinator.deleteOffsets('', []), { errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] })
  } finally { await h.cleanup() }
})

test('offset delete refuses topics an active group subscribes to and deletes the others', async () => {
  const h = await openHarness()
  try {
    const [m] = await stableGroup(h, 'g', 1, [{ protocols: [{ name: 'range', metadata: subscription(['orders']) }] }])
    const memberCommit = { ...adminCommit('g', 'orders', 0, 5n), generationId: m.generationId, memberId: m.memberId }
    await h.coordinator.commitOffsets(memberCommit)
    await h.coordinator.commitOffsets({ ...memberCommit, topics: [{ name: 'payments', partitions: [{ partitionIndex: 1, committedOffset: 3n, committedMetadata: null }] }] })
    const result = await h.coordinator.deleteOffsets('g', [
      { name: 'orders', partitions: [{ partitionIndex: 0 }] },
      { name: 'payments', partitions: [{ partitionIndex: 1 }] },
      { name: 'nope', partitions: [{ partitionIndex: 0 }] }
    ])
    assert.deepEqual(result, {
      errorCode: 0,
      topics: [
        { name: 'orders', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }] },
        { name: 'payments', partitions: [{ partitionIndex: 1, errorCode: 0 }] },
        { name: 'nope', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] }
      ]
    })
    assert.deepEqual(h.coordinator.fetchOffsets('g', null).topics.map(t => t.name), ['orders'])
  } finally { await h.cleanup() }
})

test('offset delete on an empty group removes the group with its last offset; unknown groups are GROUP_ID_NOT_FOUND', async () => {
  const h = await openHarness()
  try {
    await h.coordinator.commitOffsets(adminCommit('g', 'orders', 0, 5n))
    const result = await h.coordinator.deleteOffsets('g', [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }])
    assert.equal(at(at(result.topics, 0).partitions, 0).errorCode, 0)
    assert.equal(h.coordinator.listGroups().groups.length, 0)
    assert.deepEqual(await h.coordinator.deleteOffsets('g', []), { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] })
    assert.deepEqual(await h.coordinator.deleteOffsets('', []), { errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] })
  } finally { await h.cleanup() }
})
