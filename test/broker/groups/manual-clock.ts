// A clock for coordinator tests: time moves only when the test says so, and
// timers fire in deadline order as it passes them.
import type { Clock, TimerHandle } from '../../../src/broker/groups/clock.js'

interface Timer { at: number, fire: () => void }

export class ManualClock implements Clock {
  time = 1_700_000_000_000
  private readonly timers = new Map<number, Timer>()
  private nextId = 1

  now = (): number => this.time

  setTimer = (delayMs: number, fire: () => void): TimerHandle => {
    const id = this.nextId++
    this.timers.set(id, { at: this.time + Math.max(0, delayMs), fire })
    return id
  }

  clearTimer = (handle: TimerHandle): void => {
    this.timers.delete(handle as number)
  }

  /** Moves time forward by `ms`, firing every timer that comes due (including ones armed on the way). */
  advance (ms: number): void {
    const target = this.time + ms
    for (;;) {
      let dueId = -1
      let due: Timer | undefined
      for (const [id, t] of this.timers) {
        if (t.at <= target && (due === undefined || t.at < due.at)) { dueId = id; due = t }
      }
      if (due === undefined) break
      this.timers.delete(dueId)
      this.time = Math.max(this.time, due.at)
      due.fire()
    }
    this.time = target
  }

  get pendingTimers (): number { return this.timers.size }
}
