import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { GroupState } from '../../../src/broker/groups/index.js'
import { joinRequest, openHarness, stableGroup, subscription } from './helpers.js'
import { at } from '../../helpers/at.js'

const offsetOf = (coordinator: Awaited<ReturnType<typeof openHarness>>['coordinator'], groupId: string): { offset: bigint, metadata: string | null } => {
  const p = at(at(coordinator.fetchOffsets(groupId, [{ name: 'orders', partitionIndexes: [1] }]).topics, 0).partitions, 0)
  return { offset: p.committedOffset, metadata: p.metadata }
}

test('committed offsets and metadata survive a crash (no close) and a clean restart', async () => {
  const h = await openHarness()
  try {
    const [m] = await stableGroup(h, 'g', 1)
    await h.coordinator.commitOffsets({
      groupId: 'g',
      generationId: m.generationId,
      memberId: m.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, committedOffset: 1234n, committedMetadata: 'checkpoint' }] }]
    })
    const afterCrash = await h.reopen()
    assert.deepEqual(offsetOf(afterCrash, 'g'), { offset: 1234n, metadata: 'checkpoint' })
    await afterCrash.close()
    const afterRestart = await h.reopen()
    assert.deepEqual(offsetOf(afterRestart, 'g'), { offset: 1234n, metadata: 'checkpoint' })
  } finally { await h.cleanup() }
})

test('a stable group comes back with its members, generation and assignments; members that do not return expire', async () => {
  const h = await openHarness()
  try {
    const [a, b] = await stableGroup(h, 'g', 2, [{ sessionTimeoutMs: 10_000 }, { sessionTimeoutMs: 10_000 }])
    await h.coordinator.close()
    const back = await h.reopen()
    const described = at(back.describeGroups(['g']), 0)
    assert.equal(described.groupState, GroupState.Stable)
    assert.deepEqual(described.members.map(m => [m.memberId, m.memberAssignment.toString(), m.memberMetadata]), [
      [a.memberId, `assigned:${a.memberId}`, subscription()],
      [b.memberId, `assigned:${b.memberId}`, subscription()]
    ])
    assert.equal(back.heartbeat({ groupId: 'g', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null }), ErrorCode.NONE)
    const synced = await back.sync({ groupId: 'g', generationId: b.generationId, memberId: b.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] })
    assert.equal(synced.assignment.toString(), `assigned:${b.memberId}`)
    h.clock.advance(9_000)
    back.heartbeat({ groupId: 'g', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null })
    h.clock.advance(6_000)
    assert.equal(back.heartbeat({ groupId: 'g', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null }), ErrorCode.REBALANCE_IN_PROGRESS, 'b never came back and expired')
  } finally { await h.cleanup() }
})

test('an emptied group comes back Empty with its generation, and a deleted one stays deleted', async () => {
  const h = await openHarness()
  try {
    const [m] = await stableGroup(h, 'g', 1)
    const [d] = await stableGroup(h, 'doomed', 1)
    h.coordinator.leave('g', [{ memberId: m.memberId, groupInstanceId: null }])
    h.coordinator.leave('doomed', [{ memberId: d.memberId, groupInstanceId: null }])
    assert.deepEqual(await h.coordinator.deleteGroups(['doomed']), [{ groupId: 'doomed', errorCode: 0 }])
    await h.coordinator.close()
    const back = await h.reopen()
    assert.deepEqual(back.listGroups().groups, [{ groupId: 'g', protocolType: 'consumer', groupState: 'Empty' }])
    const rejoin = back.join(joinRequest('g'))
    h.clock.advance(0)
    assert.equal((await rejoin).generationId, m.generationId + 2, 'generations keep counting across the restart')
  } finally { await h.cleanup() }
})

test('closing answers held joins with NOT_COORDINATOR and later requests with COORDINATOR_NOT_AVAILABLE', async () => {
  const h = await openHarness({ initialRebalanceDelayMs: 3000 })
  try {
    const held = h.coordinator.join(joinRequest('g'))
    await h.coordinator.close()
    assert.equal((await held).errorCode, ErrorCode.NOT_COORDINATOR)
    assert.equal((await h.coordinator.join(joinRequest('g'))).errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE)
    assert.equal(h.clock.pendingTimers, 0, 'close leaves no timer behind')
  } finally { await h.cleanup() }
})
