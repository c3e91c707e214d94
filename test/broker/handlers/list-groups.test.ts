/* eslint-disable @typescript-eslint/no-explicit-any -- answers from the untyped test harness are read field by field */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { listGroupsHandler } from '../../../src/broker/handlers/list-groups.js'
import { joinGroupHandler } from '../../../src/broker/handlers/join-group.js'
import { consumerProtocols, openGroupContext } from '../../helpers/handler-context.js'

test('v0 lists every group; v4 filters by state and reports it', async () => {
  const ctx = await openGroupContext()
  try {
    await ctx.call(joinGroupHandler, 1, { groupId: 'active', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000, memberId: '', protocolType: 'consumer', protocols: consumerProtocols() })
    await ctx.groups.commitOffsets({ groupId: 'idle', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }] })
    const v0 = await ctx.call(listGroupsHandler, 0, {})
    assert.deepEqual(v0.groups.map((g: any) => [g.groupId, g.protocolType]).sort(), [['active', 'consumer'], ['idle', '']])
    const v4 = await ctx.call(listGroupsHandler, 4, { statesFilter: ['CompletingRebalance'] })
    assert.deepEqual(v4.groups, [{ groupId: 'active', protocolType: 'consumer', groupState: 'CompletingRebalance' }])
  } finally { await ctx.close() }
})
