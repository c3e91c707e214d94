/* eslint-disable @typescript-eslint/no-explicit-any -- answers from the untyped test harness are read field by field */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { joinGroupHandler } from '../../../src/broker/handlers/join-group.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { consumerProtocols, openGroupContext } from '../../helpers/handler-context.js'
import { at } from '../../helpers/at.js'

const request = (extra: object = {}): object => ({ groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: consumerProtocols(), reason: null, ...extra })

test('v0 joins directly and is answered with generation, protocol and leader', async () => {
  const ctx = await openGroupContext()
  try {
    const answer = await ctx.call(joinGroupHandler, 0, request(), 'legacy')
    assert.equal(answer.errorCode, 0)
    assert.equal(answer.generationId, 1)
    assert.equal(answer.protocolName, 'range')
    assert.equal(answer.leader, answer.memberId)
    assert.match(answer.memberId, /^legacy-/)
    assert.deepEqual(answer.members.map((m: any) => m.memberId), [answer.memberId])
    assert.deepEqual(at(answer.members, 0).metadata, at(consumerProtocols(), 0).metadata)
  } finally { await ctx.close() }
})

test('v4+ first asks for a member id; v7+ answers the protocol type and a null protocol name on errors', async () => {
  const ctx = await openGroupContext()
  try {
    const first = await ctx.call(joinGroupHandler, 7, request())
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED)
    assert.equal(first.protocolName, null)
    assert.notEqual(first.memberId, '')
    const joined = await ctx.call(joinGroupHandler, 7, request({ memberId: first.memberId }))
    assert.equal(joined.errorCode, 0)
    assert.equal(joined.protocolType, 'consumer')
    assert.equal(joined.protocolName, 'range')
    const v5error = await ctx.call(joinGroupHandler, 5, request({ memberId: 'ghost' }))
    assert.deepEqual([v5error.errorCode, v5error.protocolName, v5error.generationId], [ErrorCode.UNKNOWN_MEMBER_ID, '', -1])
  } finally { await ctx.close() }
})

test('v5+ static members carry their instance id through to the leader answer (v9 flexible)', async () => {
  const ctx = await openGroupContext()
  try {
    const answer = await ctx.call(joinGroupHandler, 9, request({ groupInstanceId: 'host-1', reason: 'starting' }))
    assert.equal(answer.errorCode, 0)
    assert.equal(answer.skipAssignment, false)
    assert.deepEqual(answer.members.map((m: any) => m.groupInstanceId), ['host-1'])
    const described = at(ctx.groups.describeGroups(['g']), 0)
    assert.equal(at(described.members, 0).clientHost, '/127.0.0.1')
    assert.equal(at(described.members, 0).clientId, 'test-client')
  } finally { await ctx.close() }
})
