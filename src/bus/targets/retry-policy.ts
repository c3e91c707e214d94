// RetryPolicy: how many more attempts, for how long, and how far apart.
// Defaults are EventBridge's (185 attempts, 24 hours). Delays grow
// exponentially from baseDelayMs up to maxDelayMs, with "equal jitter" (half
// fixed, half random) so retries of a burst spread out but never fire at once.
import type { RetryPolicy } from '../model.js'

export const DEFAULT_MAX_RETRY_ATTEMPTS = 185
export const DEFAULT_MAX_EVENT_AGE_SECONDS = 86_400

export interface BackoffOptions { baseDelayMs: number, maxDelayMs: number, random?: () => number }

export const ExhaustedCondition = {
  attempts: 'MaximumRetryAttemptsExceeded',
  age: 'MaximumEventAgeExceeded',
  notRetryable: 'NotRetryable',
} as const

export function maxRetryAttempts (policy: RetryPolicy | undefined): number {
  return policy?.MaximumRetryAttempts ?? DEFAULT_MAX_RETRY_ATTEMPTS
}

export function maxEventAgeMs (policy: RetryPolicy | undefined): number {
  return (policy?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_EVENT_AGE_SECONDS) * 1000
}

/** Delay before retry number `retry` (1 = the first retry after the first failure). */
export function backoffDelayMs (retry: number, options: BackoffOptions): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(retry - 1, 30))
  const random = options.random ?? Math.random
  return Math.round(exponential / 2 + random() * exponential / 2)
}

/**
 * Null while another attempt is allowed after `retriesDone` retries have failed,
 * else the condition that ended the retries.
 */
export function exhaustedCondition (policy: RetryPolicy | undefined, retriesDone: number, ingestedAt: number, nextAttemptAt: number): string | null {
  if (retriesDone >= maxRetryAttempts(policy)) return ExhaustedCondition.attempts
  if (nextAttemptAt - ingestedAt > maxEventAgeMs(policy)) return ExhaustedCondition.age
  return null
}
