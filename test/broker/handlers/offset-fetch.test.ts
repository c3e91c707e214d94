/* eslint-disable @typescript-eslint/no-explicit-any -- answers from the untyped test harness are read field by field */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { offsetFetchHandler } from '../../../src/broker/handlers/offset-fetch.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { openGroupContext } from '../../helpers/handler-context.js'

async function seed (ctx: Awaited<ReturnType<typeof openGroupContext>>): Promise<void> {
  for (const [groupId, offset] of [['a', 10n], ['b', 20n]] as const) {
    await ctx.groups.commitOffsets({
      groupId,
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, committedOffset: offset, committedLeaderEpoch: 4, committedMetadata: `meta-${groupId}` }] }]
    })
  }
}

test('v1 answers the partitions asked, with -1 for those never committed', async () => {
  const ctx = await openGroupContext()
  try {
    await seed(ctx)
    const answer = await ctx.call(offsetFetchHandler, 1, { groupId: 'a', topics: [{ name: 'orders', partitionIndexes: [0, 1] }] })
    assert.deepEqual(answer.topics[0].partitions.map((p: any) => [p.partitionIndex, p.committedOffset, p.metadata, p.errorCode]), [[0, -1n, '', 0], [1, 10n, 'meta-a', 0]])
    const empty = await ctx.call(offsetFetchHandler, 1, { groupId: '', topics: [{ name: 'orders', partitionIndexes: [0] }] })
    assert.deepEqual(empty.topics[0].partitions.map((p: any) => [p.committedOffset, p.errorCode]), [[-1n, 0]], 'the empty group id is allowed, as Kafka does')
    const invalid = await ctx.call(offsetFetchHandler, 1, { groupId: 'g'.repeat(256), topics: [{ name: 'orders', partitionIndexes: [0] }] })
    assert.equal(invalid.topics[0].partitions[0].errorCode, ErrorCode.INVALID_GROUP_ID, 'before v2 the group error sits on each partition')
  } finally { await ctx.close() }
})

test('v5 null topics answer everything committed, with leader epochs; v2+ group errors are top-level', async () => {
  const ctx = await openGroupContext()
  try {
    await seed(ctx)
    const answer = await ctx.call(offsetFetchHandler, 5, { groupId: 'b', topics: null })
    assert.equal(answer.errorCode, 0)
    assert.deepEqual(answer.topics.map((t: any) => [t.name, t.partitions.map((p: any) => [p.partitionIndex, p.committedOffset, p.committedLeaderEpoch])]), [['orders', [[1, 20n, 4]]]])
    const invalid = await ctx.call(offsetFetchHandler, 7, { groupId: 'g'.repeat(256), topics: null, requireStable: true })
    assert.deepEqual([invalid.errorCode, invalid.topics.length], [ErrorCode.INVALID_GROUP_ID, 0])
  } finally { await ctx.close() }
})

test('v8 fetches several groups at once, each with its own error', async () => {
  const ctx = await openGroupContext()
  try {
    await seed(ctx)
    const answer = await ctx.call(offsetFetchHandler, 8, {
      groups: [
        { groupId: 'a', topics: [{ name: 'orders', partitionIndexes: [1] }] },
        { groupId: 'b', topics: null },
        { groupId: '', topics: null },
        { groupId: 'g'.repeat(256), topics: null }
      ],
      requireStable: false
    })
    assert.deepEqual(answer.groups.map((g: any) => [g.groupId, g.errorCode, g.topics.flatMap((t: any) => t.partitions.map((p: any) => p.committedOffset))]), [
      ['a', 0, [10n]],
      ['b', 0, [20n]],
      ['', 0, []],
      ['g'.repeat(256), ErrorCode.INVALID_GROUP_ID, []]
    ])
  } finally { await ctx.close() }
})
