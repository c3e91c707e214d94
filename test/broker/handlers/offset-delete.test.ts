/* eslint-disable @typescript-eslint/no-explicit-any -- answers from the untyped test harness are read field by field */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { offsetDeleteHandler } from '../../../src/broker/handlers/offset-delete.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { openGroupContext } from '../../helpers/handler-context.js'
import { at } from '../../helpers/at.js'

test('offsets of an empty group are deleted per partition; unknown groups are GROUP_ID_NOT_FOUND', async () => {
  const ctx = await openGroupContext()
  try {
    await ctx.groups.commitOffsets({
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [{ name: 'orders', partitions: [0, 1].map(partitionIndex => ({ partitionIndex, committedOffset: 5n, committedMetadata: null })) }]
    })
    const answer = await ctx.call(offsetDeleteHandler, 0, { groupId: 'g', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }, { name: 'gone', partitions: [{ partitionIndex: 0 }] }] })
    assert.equal(answer.errorCode, 0)
    assert.deepEqual(answer.topics.map((t: any) => t.partitions.map((p: any) => p.errorCode)), [[0], [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]])
    assert.deepEqual(at(ctx.groups.fetchOffsets('g', null).topics, 0).partitions.map(p => p.partitionIndex), [1])
    const missing = await ctx.call(offsetDeleteHandler, 0, { groupId: 'nope', topics: [] })
    assert.deepEqual([missing.errorCode, missing.topics.length], [ErrorCode.GROUP_ID_NOT_FOUND, 0])
  } finally { await ctx.close() }
})
