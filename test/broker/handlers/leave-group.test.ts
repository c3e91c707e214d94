/* eslint-disable @typescript-eslint/no-explicit-any -- answers from the untyped test harness are read field by field */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { joinGroupHandler } from '../../../src/broker/handlers/join-group.js'
import { leaveGroupHandler } from '../../../src/broker/handlers/leave-group.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { consumerProtocols, openGroupContext } from '../../helpers/handler-context.js'
import { at } from '../../helpers/at.js'

const join = { groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000, memberId: '', protocolType: 'consumer', protocols: consumerProtocols() }

test('v0-2 leave one member and fold its error into the answer', async () => {
  const ctx = await openGroupContext()
  try {
    const joined = await ctx.call(joinGroupHandler, 1, join)
    assert.equal((await ctx.call(leaveGroupHandler, 1, { groupId: 'g', memberId: 'ghost' })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal((await ctx.call(leaveGroupHandler, 0, { groupId: 'g', memberId: joined.memberId })).errorCode, 0)
    assert.equal(at(ctx.groups.describeGroups(['g']), 0).groupState, 'Empty')
  } finally { await ctx.close() }
})

test('v3+ leave a batch with an error per member (v5 flexible, with reasons)', async () => {
  const ctx = await openGroupContext()
  try {
    const joined = await ctx.call(joinGroupHandler, 1, join)
    const answer = await ctx.call(leaveGroupHandler, 5, {
      groupId: 'g',
      members: [{ memberId: joined.memberId, groupInstanceId: null, reason: 'shutting down' }, { memberId: 'ghost', groupInstanceId: null, reason: null }]
    })
    assert.equal(answer.errorCode, 0)
    assert.deepEqual(answer.members.map((m: any) => [m.memberId, m.errorCode]), [[joined.memberId, 0], ['ghost', ErrorCode.UNKNOWN_MEMBER_ID]])
    assert.equal((await ctx.call(leaveGroupHandler, 3, { groupId: '', members: [] })).errorCode, ErrorCode.INVALID_GROUP_ID)
  } finally { await ctx.close() }
})
