// Group commit: callers wait for "everything up to offset N is fsynced". While
// one fsync runs, later waiters queue and share the next one, so N concurrent
// acks=all producers cost about two fsyncs, not N.

import { produceTraceOn, traceLine, traceNow } from './produce-trace.js'

interface Waiter { offset: number, resolve: () => void, reject: (err: unknown) => void }

export class GroupCommit {
  /** Every offset below this is durable. */
  durableEnd: number
  private waiters: Waiter[] = []
  private running = false
  private forced = false

  constructor (
    initialDurableEnd: number,
    /** Offsets below this have been written (the fsync target). */
    private readonly writtenEnd: () => number,
    private readonly syncWritten: () => Promise<void>,
    private readonly onSyncError: (err: unknown) => void
  ) {
    this.durableEnd = initialDurableEnd
  }

  /** Resolves once `offset` is fsynced. */
  waitFor (offset: number): Promise<void> {
    if (offset < this.durableEnd) return Promise.resolve()
    return new Promise((resolve, reject) => {
      this.waiters.push({ offset, resolve, reject })
      this.kick()
    })
  }

  /** Starts an fsync even if nobody waits (flush.messages / flush.ms / close). */
  requestSync (): Promise<void> {
    const target = this.writtenEnd()
    if (target <= this.durableEnd) return Promise.resolve()
    this.forced = true
    return this.waitFor(target - 1)
  }

  /** Call after writes complete: waiters may now be satisfiable. */
  kick (): void {
    if (this.running) return
    const written = this.writtenEnd()
    if (written <= this.durableEnd) return
    if (!this.forced && !this.waiters.some(w => w.offset < written)) return
    this.running = true
    this.forced = false
    this.run(written).catch(() => {}) // run() settles its own errors
  }

  private async run (target: number): Promise<void> {
    const startedAt = produceTraceOn ? traceNow() : 0
    try {
      await this.syncWritten()
      if (produceTraceOn) traceLine(['fsync', startedAt, traceNow(), target])
      this.durableEnd = Math.max(this.durableEnd, target)
      this.settle(w => w.offset < this.durableEnd, w => w.resolve())
    } catch (err) {
      this.settle(w => w.offset < target, w => w.reject(err))
      this.onSyncError(err)
    } finally {
      this.running = false
    }
    this.kick()
  }

  private settle (match: (w: Waiter) => boolean, act: (w: Waiter) => void): void {
    const keep: Waiter[] = []
    const done: Waiter[] = []
    for (const w of this.waiters) (match(w) ? done : keep).push(w)
    this.waiters = keep
    for (const w of done) act(w)
  }

  /** Rejects everyone still waiting (the log is closing or failed). */
  failAll (err: unknown): void {
    this.settle(() => true, w => w.reject(err))
  }
}
