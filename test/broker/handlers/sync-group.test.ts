import { test } from 'node:test'
import assert from 'node:assert/strict'
import { joinGroupHandler } from '../../../src/broker/handlers/join-group.js'
import { syncGroupHandler } from '../../../src/broker/handlers/sync-group.js'
import { heartbeatHandler } from '../../../src/broker/handlers/heartbeat.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { consumerProtocols, openGroupContext } from '../../helpers/handler-context.js'

test('join, sync and heartbeat across old and flexible versions', async () => {
  const ctx = await openGroupContext()
  try {
    const joined = await ctx.call(joinGroupHandler, 3, { groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000, memberId: '', protocolType: 'consumer', protocols: consumerProtocols() })
    const identity = { groupId: 'g', generationId: joined.generationId, memberId: joined.memberId }
    const synced = await ctx.call(syncGroupHandler, 5, { ...identity, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: joined.memberId, assignment: Buffer.from('mine') }] })
    assert.deepEqual([synced.errorCode, synced.protocolType, synced.protocolName, synced.assignment.toString()], [0, 'consumer', 'range', 'mine'])
    const again = await ctx.call(syncGroupHandler, 0, { ...identity, assignments: [] })
    assert.equal(again.assignment.toString(), 'mine')
    assert.equal((await ctx.call(heartbeatHandler, 0, identity)).errorCode, 0)
    assert.equal((await ctx.call(heartbeatHandler, 4, { ...identity, groupInstanceId: null })).errorCode, 0)
    assert.equal((await ctx.call(heartbeatHandler, 2, { ...identity, generationId: 99 })).errorCode, ErrorCode.ILLEGAL_GENERATION)
    const mismatch = await ctx.call(syncGroupHandler, 5, { ...identity, groupInstanceId: null, protocolType: 'consumer', protocolName: 'sticky', assignments: [] })
    assert.equal(mismatch.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
  } finally { await ctx.close() }
})
