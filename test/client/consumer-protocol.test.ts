// The consumer embedded protocol checked against kafkajs's encoder and decoder
// (a second implementation of the same bytes), and the range assignor's layout.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AssignerProtocol } from 'kafkajs'
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, rangeAssign } from '../../src/client/consumer-protocol.js'

test('a subscription kafkajs encodes decodes to its topics, and ours decodes in kafkajs', () => {
  const theirs = AssignerProtocol.MemberMetadata.encode({ version: 1, topics: ['orders', 'payments'], userData: Buffer.from('x') })
  assert.deepEqual(decodeSubscription(theirs), ['orders', 'payments'])
  assert.deepEqual(AssignerProtocol.MemberMetadata.decode(encodeSubscription(['a', 'b']))?.topics, ['a', 'b'])
})

test('an assignment round-trips through kafkajs both ways', () => {
  const theirs = AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { orders: [2, 0], payments: [1] }, userData: Buffer.alloc(0) })
  assert.deepEqual(decodeAssignment(theirs), { orders: [0, 2], payments: [1] })
  assert.deepEqual(AssignerProtocol.MemberAssignment.decode(encodeAssignment({ t: [0, 1, 2] }))?.assignment, { t: [0, 1, 2] })
  assert.deepEqual(decodeAssignment(Buffer.alloc(0)), {}, 'an empty assignment is nothing assigned')
})

test('range assignment gives consecutive ranges, the first members one extra', () => {
  const plan = rangeAssign([{ memberId: 'b', topics: ['t'] }, { memberId: 'a', topics: ['t', 'u'] }], topic => topic === 't' ? 5 : 2)
  assert.deepEqual(plan, { a: { t: [0, 1, 2], u: [0, 1] }, b: { t: [3, 4] } })
  assert.deepEqual(rangeAssign([{ memberId: 'm1', topics: ['t'] }, { memberId: 'm2', topics: ['t'] }, { memberId: 'm3', topics: ['t'] }], () => 2),
    { m1: { t: [0] }, m2: { t: [1] }, m3: {} })
})
