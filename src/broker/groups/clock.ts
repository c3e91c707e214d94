// The coordinator's only seam to time: reading the clock and arming one-shot
// timers. Session, rebalance and initial-delay timeouts are timers (never a
// polling loop); tests drive them deterministically with a manual clock.

export type TimerHandle = unknown

export interface Clock {
  now: () => number
  setTimer: (delayMs: number, fire: () => void) => TimerHandle
  clearTimer: (handle: TimerHandle) => void
}

/**
 * Wall-clock time and Node's timers. The timers are not unref'd: a pending
 * JoinGroup answer is real work, and close() clears every timer it armed.
 */
export function systemClock (now: () => number = Date.now): Clock {
  return {
    now,
    setTimer: (delayMs, fire) => setTimeout(fire, Math.max(0, delayMs)),
    clearTimer: handle => clearTimeout(handle as NodeJS.Timeout)
  }
}
