import { test } from 'node:test'
import assert from 'node:assert/strict'
import { backoffDelayMs, exhaustedCondition } from '../../../src/bus/targets/retry-policy.js'

test('backoff doubles up to the cap, with jitter in the upper half', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1000 }
  assert.equal(backoffDelayMs(1, { ...options, random: () => 0 }), 50)
  assert.equal(backoffDelayMs(1, { ...options, random: () => 1 }), 100)
  assert.equal(backoffDelayMs(3, { ...options, random: () => 1 }), 400)
  assert.equal(backoffDelayMs(10, { ...options, random: () => 1 }), 1000)
  assert.equal(backoffDelayMs(10, { ...options, random: () => 0 }), 500)
})

test('retries end at MaximumRetryAttempts or MaximumEventAgeInSeconds, defaulting to 185 and 24 h', () => {
  assert.equal(exhaustedCondition({ MaximumRetryAttempts: 2 }, 1, 0, 10), null)
  assert.equal(exhaustedCondition({ MaximumRetryAttempts: 2 }, 2, 0, 10), 'MaximumRetryAttemptsExceeded')
  assert.equal(exhaustedCondition({ MaximumEventAgeInSeconds: 60 }, 0, 0, 61_000), 'MaximumEventAgeExceeded')
  assert.equal(exhaustedCondition(undefined, 184, 0, 86_400_000), null)
  assert.equal(exhaustedCondition(undefined, 185, 0, 1), 'MaximumRetryAttemptsExceeded')
  assert.equal(exhaustedCondition(undefined, 0, 0, 86_400_001), 'MaximumEventAgeExceeded')
})
