// Group commit: callers wait for "everything up to offset N is fsynced". Waiters
// that arrive while an fsync runs share the next one, so N concurrent acks=all
// producers cost about two fsyncs, not N.
//
// The next fsync starts as soon as new bytes are written and someone waits for
// them, even while the previous one still runs (at most MAX_SYNCS_IN_FLIGHT at
// once). Waiting for the running fsync to end before starting the next made a
// write that landed just after an fsync started wait for that whole fsync, then
// an event-loop turn and a pool hand-off, then a whole second fsync (issue 15,
// target 3: the "fsync wait" step of an acks=all ack). Started at once, its data
// is written back while the earlier commit runs. fdatasync covers every byte
// written before the call, so each fsync's target is the written end when it
// started. Results are applied in the order the fsyncs started: a later fsync
// never vouches for bytes while an earlier one can still fail, and once one
// fails, those that ran beside it count as failed too (after a failed fsync the
// kernel may have dropped dirty pages a concurrent fsync then did not see).

import { produceTraceOn, traceLine, traceNow } from './produce-trace.js'

interface Waiter { offset: number, resolve: () => void, reject: (err: unknown) => void }

/** Two: a second fsync overlaps the first's commit; a third would only queue behind both in the journal. */
export const MAX_SYNCS_IN_FLIGHT = 2

export class GroupCommit {
  /** Every offset below this is durable. */
  durableEnd: number
  private waiters: Waiter[] = []
  /** The written end the latest started fsync covers once it succeeds (meaningful while one is in flight). */
  private startedEnd: number
  private inFlight = 0
  /** Resolves once the latest started fsync's result is applied (never rejects). */
  private applied: Promise<void> = Promise.resolve()
  /** The error of an fsync whose result was applied while later ones still ran: those fail with it. */
  private failedWhileRunning: unknown = null
  private forced = false

  constructor (
    initialDurableEnd: number,
    /** Offsets below this have been written (the fsync target). */
    private readonly writtenEnd: () => number,
    /** fsyncs what is written; may resolve with work to run once this fsync counts (every earlier one succeeded too). */
    private readonly syncWritten: () => Promise<void | (() => void)>,
    private readonly onSyncError: (err: unknown) => void,
    /** 1 is the strict alternation (an fsync starts only once the previous one ended), for comparison. */
    private readonly maxInFlight = MAX_SYNCS_IN_FLIGHT
  ) {
    this.durableEnd = initialDurableEnd
    this.startedEnd = initialDurableEnd
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
    if (this.inFlight >= this.maxInFlight) return
    const written = this.writtenEnd()
    // bytes below startedEnd are covered by an fsync still running
    const from = this.inFlight > 0 ? Math.max(this.startedEnd, this.durableEnd) : this.durableEnd
    if (written <= from) return
    if (!this.forced && !this.waiters.some(w => w.offset >= from && w.offset < written)) return
    this.forced = false
    this.startedEnd = written
    this.inFlight++
    this.applied = this.apply(this.applied, this.startSync(written), written)
  }

  private async startSync (target: number): Promise<void | (() => void)> {
    const startedAt = produceTraceOn ? traceNow() : 0
    const followUp = await this.syncWritten()
    if (produceTraceOn) traceLine(['fsync', startedAt, traceNow(), target])
    return followUp
  }

  /** Applies one fsync's result once every earlier one's is applied. */
  private async apply (previous: Promise<void>, sync: Promise<void | (() => void)>, target: number): Promise<void> {
    let error: unknown = null
    const followUp = await sync.catch((err: unknown) => { error = err })
    await previous
    this.inFlight--
    if (error === null && this.failedWhileRunning !== null) error = this.failedWhileRunning
    if (this.inFlight === 0) this.failedWhileRunning = null
    else if (error !== null) this.failedWhileRunning = error
    if (error === null) {
      this.durableEnd = Math.max(this.durableEnd, target)
      if (followUp !== undefined) followUp()
      this.settle(w => w.offset < this.durableEnd, w => w.resolve())
    } else {
      this.settle(w => w.offset < target, w => w.reject(error))
      this.onSyncError(error)
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
