/* eslint-disable @typescript-eslint/no-explicit-any -- answers from the untyped test harness are read field by field */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { deleteGroupsHandler } from '../../../src/broker/handlers/delete-groups.js'
import { joinGroupHandler } from '../../../src/broker/handlers/join-group.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { consumerProtocols, openGroupContext } from '../../helpers/handler-context.js'

test('empty groups are deleted; groups with members and unknown groups are refused', async () => {
  const ctx = await openGroupContext()
  try {
    await ctx.call(joinGroupHandler, 1, { groupId: 'active', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000, memberId: '', protocolType: 'consumer', protocols: consumerProtocols() })
    await ctx.groups.commitOffsets({ groupId: 'idle', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }] })
    for (const version of [0, 2]) {
      const answer = await ctx.call(deleteGroupsHandler, version, { groupsNames: ['idle', 'active', 'never'] })
      assert.deepEqual(answer.results.map((r: any) => [r.groupId, r.errorCode]), [
        ['idle', version === 0 ? 0 : ErrorCode.GROUP_ID_NOT_FOUND],
        ['active', ErrorCode.NON_EMPTY_GROUP],
        ['never', ErrorCode.GROUP_ID_NOT_FOUND]
      ])
    }
  } finally { await ctx.close() }
})
