// A clock a test controls: `await t.clock.advance('30s')` moves time forward
// and fires, in deadline order, every timer the broker armed through it (group
// session and rebalance timeouts, offset expiry, log retention), so a test
// waits for nothing real. By default it also runs with the wall clock (real
// timers fire on their own, so clients heartbeating in real time stay alive);
// frozen, time moves only on advance(). It implements the coordinator's Clock
// seam (src/broker/groups/clock.ts), which the broker now passes to every
// component that keeps time; components that only read the time take `now`.
import type { Clock, TimerHandle } from '../broker/groups/clock.js'

export type Duration = number | string

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** '250ms', '30s', '5m', '1.5h', '7d' or a number of milliseconds. */
export function parseDuration (duration: Duration): number {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || duration < 0) throw new RangeError(`a duration must be a non-negative number of ms, got ${duration}`)
    return duration
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(duration)
  if (match === null) throw new RangeError(`cannot read duration "${duration}": use a number of ms or e.g. '250ms', '30s', '5m', '2h', '7d'`)
  return Number(match[1]) * UNIT_MS[match[2]!]!
}

interface Timer { at: number, fire: () => unknown, real: NodeJS.Timeout | null }

/** Lets callbacks that were started by a timer run their continuations before time moves on. */
const settle = (): Promise<void> => new Promise(resolve => setImmediate(resolve))

export interface ClockOptions {
  /** Time to start at (ms since the epoch); default now. */
  start?: number
  /**
   * false (default): time flows as the wall clock does, timers fire on their
   * own, and advance() jumps ahead. true: time moves only when advance() says.
   */
  frozen?: boolean
}

export class ControllableClock implements Clock {
  /** Running mode: ms added to the wall clock. */
  private offset: number
  /** Frozen mode: the current time. */
  private frozenAt: number | null
  private readonly timers = new Map<number, Timer>()
  private nextId = 1

  constructor (options: ClockOptions = {}) {
    const start = options.start ?? Date.now()
    this.frozenAt = options.frozen === true ? start : null
    this.offset = start - Date.now()
  }

  get frozen (): boolean { return this.frozenAt !== null }

  now = (): number => this.frozenAt ?? Date.now() + this.offset

  setTimer = (delayMs: number, fire: () => unknown): TimerHandle => {
    const id = this.nextId++
    const delay = Math.max(0, delayMs)
    this.timers.set(id, { at: this.now() + delay, fire, real: this.arm(id, delay) })
    return id
  }

  clearTimer = (handle: TimerHandle): void => {
    const timer = this.timers.get(handle as number)
    if (timer?.real != null) clearTimeout(timer.real)
    this.timers.delete(handle as number)
  }

  /** Timers armed and not yet fired. */
  get pendingTimers (): number { return this.timers.size }

  /**
   * Moves time forward, firing each timer that comes due at its own deadline
   * (including timers armed by the ones that fire). A callback that returns a
   * promise (a retention pass) is awaited, so its effects are visible when
   * advance() resolves.
   */
  async advance (duration: Duration): Promise<void> {
    const target = this.now() + parseDuration(duration)
    for (;;) {
      let dueId = -1
      let due: Timer | undefined
      for (const [id, t] of this.timers) {
        if (t.at <= target && (due === undefined || t.at < due.at)) { dueId = id; due = t }
      }
      if (due === undefined) break
      this.clearTimer(dueId)
      this.moveTo(Math.max(this.now(), due.at))
      await due.fire()
      await settle()
    }
    this.moveTo(Math.max(this.now(), target))
    // what is still pending now has less real time to wait
    for (const [id, t] of this.timers) {
      if (t.real !== null) { clearTimeout(t.real); t.real = this.arm(id, Math.max(0, t.at - this.now())) }
    }
    await settle()
  }

  private moveTo (time: number): void {
    if (this.frozenAt !== null) this.frozenAt = time
    else this.offset = time - Date.now()
  }

  /** Running mode: a real timer fires the callback when its time comes on its own. */
  private arm (id: number, delayMs: number): NodeJS.Timeout | null {
    if (this.frozenAt !== null) return null
    return setTimeout(() => {
      const timer = this.timers.get(id)
      if (timer === undefined) return
      this.timers.delete(id)
      timer.fire()
    }, delayMs)
  }
}
