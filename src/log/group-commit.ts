// Group commit: callers wait for "everything up to offset N is fsynced". While
// one fsync runs, later waiters queue and share the next one, so N concurrent
// acks=all producers cost about two fsyncs, not N.

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
    try {
      await this.syncWritten()
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

  /**
   * Something outside this log made every offset below `end` durable: one syncfs of the whole file
   * system, started after `end` was read from the written end. Settles those waiters without an
   * fsync of this log's own.
   */
  markDurable (end: number): void {
    const durable = Math.min(end, this.writtenEnd())
    if (durable <= this.durableEnd) return
    this.durableEnd = durable
    this.settle(w => w.offset < this.durableEnd, w => w.resolve())
  }

  /** Rejects everyone still waiting (the log is closing or failed). */
  failAll (err: unknown): void {
    this.settle(() => true, w => w.reject(err))
  }
}

/** One partition in a durability wait across many (see waitForManyDurable). */
export interface DurableTarget {
  /** Offsets below this are written (in the OS), read just before the shared sync starts. */
  writtenEnd: () => number
  /** The shared sync made every offset below `end` durable. */
  markDurable: (end: number) => void
  /** This partition's own group commit: resolves once `offset` is fsynced. */
  flushed: (offset: number) => Promise<unknown>
  /** The offset that must become durable (written already). */
  offset: number
}

/** Below this many partitions their own fsyncs are cheaper than starting one sync of the file system. */
export const SHARED_SYNC_MIN_PARTITIONS = 16

/**
 * One durability wait across many partitions: resolves, aligned with `targets`, with undefined for
 * each partition durable up to its offset or the error that kept it from being. With `syncAll` (one
 * syncfs of the file system holding them all) and enough partitions, their written ends are read,
 * one sync runs and every one of them is marked durable: one sync instead of an fsync per partition
 * (a bus step delivering to a thousand topic targets queued a thousand fsyncs on libuv's four threads,
 * ahead of the fsync a PutEvents answer waits for). Without it, or when it fails (which file failed
 * is then unknown; each file's own fsync reports its error), each partition's own group commit.
 */
export async function waitForManyDurable (targets: readonly DurableTarget[], syncAll: (() => Promise<void>) | undefined): Promise<unknown[]> {
  if (syncAll !== undefined && targets.length >= SHARED_SYNC_MIN_PARTITIONS) {
    const ends = targets.map(t => t.writtenEnd())
    try {
      await syncAll()
      targets.forEach((t, i) => { t.markDurable(ends[i]!) })
    } catch {
      // fall through: every partition's own fsync finds out whether its bytes are durable
    }
  }
  return await Promise.all(targets.map(async t => {
    try {
      await t.flushed(t.offset)
      return undefined
    } catch (err) {
      return err ?? new Error('fsync failed')
    }
  }))
}
