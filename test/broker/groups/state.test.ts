import { test } from 'node:test'
import assert from 'node:assert/strict'
import { canTransition, GroupState, parseGroupState } from '../../../src/broker/groups/state.js'

test('only Kafka transitions are allowed', () => {
  assert.equal(canTransition(GroupState.Empty, GroupState.PreparingRebalance), true)
  assert.equal(canTransition(GroupState.PreparingRebalance, GroupState.CompletingRebalance), true)
  assert.equal(canTransition(GroupState.CompletingRebalance, GroupState.Stable), true)
  assert.equal(canTransition(GroupState.Stable, GroupState.PreparingRebalance), true)
  assert.equal(canTransition(GroupState.Empty, GroupState.Stable), false)
  assert.equal(canTransition(GroupState.Stable, GroupState.CompletingRebalance), false)
  assert.equal(canTransition(GroupState.Dead, GroupState.Empty), false)
})

test('state names parse case-insensitively and unknown names do not', () => {
  assert.equal(parseGroupState('completingrebalance'), GroupState.CompletingRebalance)
  assert.equal(parseGroupState('STABLE'), GroupState.Stable)
  assert.equal(parseGroupState('Rebalancing'), undefined)
})
