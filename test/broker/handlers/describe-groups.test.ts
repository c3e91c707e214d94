/* eslint-disable @typescript-eslint/no-explicit-any -- answers from the untyped test harness are read field by field */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeGroupsHandler } from '../../../src/broker/handlers/describe-groups.js'
import { joinGroupHandler } from '../../../src/broker/handlers/join-group.js'
import { syncGroupHandler } from '../../../src/broker/handlers/sync-group.js'
import { consumerProtocols, openGroupContext } from '../../helpers/handler-context.js'
import { at } from '../../helpers/at.js'

test('a stable group is described with its members at v0 and v5', async () => {
  const ctx = await openGroupContext()
  try {
    const joined = await ctx.call(joinGroupHandler, 5, { groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000, memberId: '', groupInstanceId: 'host-a', protocolType: 'consumer', protocols: consumerProtocols() }, 'email-service')
    await ctx.call(syncGroupHandler, 3, { groupId: 'g', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: 'host-a', assignments: [{ memberId: joined.memberId, assignment: Buffer.from('all') }] })
    const v0 = await ctx.call(describeGroupsHandler, 0, { groups: ['g', 'missing'] })
    assert.deepEqual(v0.groups.map((g: any) => [g.groupId, g.errorCode, g.groupState, g.protocolType, g.protocolData]), [['g', 0, 'Stable', 'consumer', 'range'], ['missing', 0, 'Dead', '', '']])
    const member = at(at(v0.groups, 0).members, 0)
    assert.deepEqual([member.memberId, member.clientId, member.clientHost, member.memberAssignment.toString()], [joined.memberId, 'email-service', '/127.0.0.1', 'all'])
    assert.deepEqual(member.memberMetadata, at(consumerProtocols(), 0).metadata)
    const v5 = await ctx.call(describeGroupsHandler, 5, { groups: ['g'], includeAuthorizedOperations: true })
    assert.equal(at(at(v5.groups, 0).members, 0).groupInstanceId, 'host-a')
    assert.ok(at(v5.groups, 0).authorizedOperations > 0)
  } finally { await ctx.close() }
})
