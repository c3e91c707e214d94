// The bus keeps time through the broker's Clock seam (src/broker/groups/clock.ts):
// scheduled rules and retry backoff arm their timers on it, so the embedded
// broker's test clock drives them. Without a clock given, the wall clock.
import { systemClock, type Clock, type TimerHandle } from '../broker/groups/clock.js'

export { systemClock, type Clock, type TimerHandle }

/**
 * Arms a timer on `clock`. A wall-clock timer is unref'd: a pending schedule
 * or retry must not hold the process open by itself (close() clears them all).
 */
export function armTimer (clock: Clock, delayMs: number, fire: () => unknown): TimerHandle {
  const handle = clock.setTimer(delayMs, fire)
  const timeout = handle as { unref?: unknown }
  if (typeof timeout?.unref === 'function') (handle as NodeJS.Timeout).unref()
  return handle
}
