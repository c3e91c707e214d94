// How a failed handler is retried: exponential backoff with jitter, so a fleet
// of consumers that failed together does not retry together. "Equal jitter":
// the wait is between half and all of the exponential delay, so it never
// collapses to zero and never exceeds maxMs.
import type { Clock } from '../../broker/groups/clock.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'

export interface BackoffOptions {
  /** Wait before the second attempt; default 100 ms. */
  initialMs?: number
  /** Cap on any one wait; default 30 s. */
  maxMs?: number
  /** Growth per attempt; default 2. */
  multiplier?: number
}

export interface RetryOptions {
  /** Attempts in all, the first included; default 3. 1 means no retry. */
  attempts?: number
  backoff?: BackoffOptions
}

export interface RetryPolicy { attempts: number, initialMs: number, maxMs: number, multiplier: number }

export function retryPolicy (options: RetryOptions = {}): RetryPolicy {
  const policy = {
    attempts: options.attempts ?? 3,
    initialMs: options.backoff?.initialMs ?? 100,
    maxMs: options.backoff?.maxMs ?? 30_000,
    multiplier: options.backoff?.multiplier ?? 2
  }
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) throw new TributaryError(TributaryErrorCode.STREAM_OPTIONS, `retry.attempts must be an integer >= 1, got ${policy.attempts}`)
  for (const key of ['initialMs', 'maxMs', 'multiplier'] as const) {
    if (!Number.isFinite(policy[key]) || policy[key] < 0) throw new TributaryError(TributaryErrorCode.STREAM_OPTIONS, `retry.backoff.${key} must be a non-negative number, got ${policy[key]}`)
  }
  return policy
}

/** The wait after failed attempt `attempt` (1-based). */
export function backoffDelay (policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** (attempt - 1))
  return exponential / 2 + random() * exponential / 2
}

/** Resolves after `ms` on `clock` (a test clock's advance() fires it at once); `abort` cuts the wait short. */
export function waitOn (clock: Clock, ms: number, abort: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (abort.aborted) { resolve(); return }
    const onAbort = (): void => { clock.clearTimer(handle); resolve() }
    const handle = clock.setTimer(ms, () => { abort.removeEventListener('abort', onAbort); resolve() })
    abort.addEventListener('abort', onAbort, { once: true })
  })
}
