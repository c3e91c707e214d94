/* eslint-disable @typescript-eslint/no-explicit-any -- answers from the untyped test harness are read field by field */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { offsetCommitHandler } from '../../../src/broker/handlers/offset-commit.js'
import { joinGroupHandler } from '../../../src/broker/handlers/join-group.js'
import { syncGroupHandler } from '../../../src/broker/handlers/sync-group.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { consumerProtocols, openGroupContext } from '../../helpers/handler-context.js'
import { at } from '../../helpers/at.js'

const topics = (offset: bigint, metadata: string | null = null): object[] =>
  [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: 2, commitTimestamp: -1n, committedMetadata: metadata }] }]

const committed = (ctx: Awaited<ReturnType<typeof openGroupContext>>, groupId: string): { committedOffset: bigint, metadata: string | null } =>
  at(at(ctx.groups.fetchOffsets(groupId, [{ name: 'orders', partitionIndexes: [0] }]).topics, 0).partitions, 0)

test('v0 commits without generation, v2 with a retention time, v8 from a member', async () => {
  const ctx = await openGroupContext()
  try {
    const v0 = await ctx.call(offsetCommitHandler, 0, { groupId: 'simple', topics: topics(5n, 'v0') })
    assert.equal(at(at(v0.topics, 0).partitions, 0).errorCode, 0)
    assert.equal(committed(ctx, 'simple').committedOffset, 5n)
    const v2 = await ctx.call(offsetCommitHandler, 2, { groupId: 'simple', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: 3_600_000n, topics: topics(6n) })
    assert.equal(at(at(v2.topics, 0).partitions, 0).errorCode, 0)

    const joined = await ctx.call(joinGroupHandler, 5, { groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: consumerProtocols() })
    const member = await ctx.call(joinGroupHandler, 5, { groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000, memberId: joined.memberId, groupInstanceId: null, protocolType: 'consumer', protocols: consumerProtocols() })
    await ctx.call(syncGroupHandler, 3, { groupId: 'g', generationId: member.generationId, memberId: member.memberId, groupInstanceId: null, assignments: [] })
    const v8 = await ctx.call(offsetCommitHandler, 8, { groupId: 'g', generationIdOrMemberEpoch: member.generationId, memberId: member.memberId, groupInstanceId: null, topics: topics(42n, 'ckpt') })
    assert.equal(at(at(v8.topics, 0).partitions, 0).errorCode, 0)
    assert.deepEqual([committed(ctx, 'g').committedOffset, committed(ctx, 'g').metadata], [42n, 'ckpt'])
    const stale = await ctx.call(offsetCommitHandler, 7, { groupId: 'g', generationIdOrMemberEpoch: member.generationId - 1, memberId: member.memberId, groupInstanceId: null, topics: topics(1n) })
    assert.equal(at(at(stale.topics, 0).partitions, 0).errorCode, ErrorCode.ILLEGAL_GENERATION)
    const anonymous = await ctx.call(offsetCommitHandler, 0, { groupId: 'g', topics: topics(1n) })
    assert.equal(at(at(anonymous.topics, 0).partitions, 0).errorCode, ErrorCode.UNKNOWN_MEMBER_ID, 'v0 cannot commit for a group with members')
    assert.equal(committed(ctx, 'g').committedOffset, 42n)
  } finally { await ctx.close() }
})

test('bad partitions and metadata get their own error codes', async () => {
  const ctx = await openGroupContext()
  try {
    const answer = await ctx.call(offsetCommitHandler, 8, {
      groupId: 'g',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        { name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: 'x'.repeat(5000) }, { partitionIndex: 7, committedOffset: 1n, committedMetadata: null }] },
        { name: 'unknown', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }
      ]
    })
    assert.deepEqual(answer.topics.map((t: any) => t.partitions.map((p: any) => p.errorCode)), [[ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]])
  } finally { await ctx.close() }
})
