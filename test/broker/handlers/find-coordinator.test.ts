/* eslint-disable @typescript-eslint/no-explicit-any -- answers from the untyped test harness are read field by field */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { findCoordinatorHandler } from '../../../src/broker/handlers/find-coordinator.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { openGroupContext } from '../../helpers/handler-context.js'

test('every version names this broker as the coordinator of any group', async () => {
  const ctx = await openGroupContext()
  try {
    const v0 = await ctx.call(findCoordinatorHandler, 0, { key: 'g' })
    assert.deepEqual([v0.errorCode, v0.nodeId, v0.host, v0.port], [0, 7, 'broker.local', 19092])
    const v3 = await ctx.call(findCoordinatorHandler, 3, { key: 'txn', keyType: 1 })
    assert.deepEqual([v3.errorCode, v3.nodeId, v3.errorMessage], [0, 7, null])
  } finally { await ctx.close() }
})

test('v4 answers each batched key, and unknown key types are INVALID_REQUEST', async () => {
  const ctx = await openGroupContext()
  try {
    const v4 = await ctx.call(findCoordinatorHandler, 4, { keyType: 0, coordinatorKeys: ['a', 'b'] })
    assert.deepEqual(v4.coordinators.map((c: any) => [c.key, c.nodeId, c.host, c.port, c.errorCode]), [['a', 7, 'broker.local', 19092, 0], ['b', 7, 'broker.local', 19092, 0]])
    const bad = await ctx.call(findCoordinatorHandler, 2, { key: 'g', keyType: 5 })
    assert.equal(bad.errorCode, ErrorCode.INVALID_REQUEST)
  } finally { await ctx.close() }
})
