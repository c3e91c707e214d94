// Long-poll waiters of one partition: fetches parked until the high watermark
// passes their offset, woken after each write (or at close, or when cancelled).
// A parked Fetch registers a callback and gets a cancel function back: no
// promise, AbortController or listener per wait, and a cancel is O(1) (the
// waiter is marked and dropped at the next wake), because a consumer at the
// tail parks and is woken once per write.

interface Waiter { offset: number, wake: (() => void) | null }

export class DataWaiters {
  private waiters: Waiter[] = []

  /** Calls `wake` once wake() sees an end past `offset`; the returned function cancels that. The caller checks first whether to wait. */
  park (offset: number, wake: () => void): () => void {
    const waiter: Waiter = { offset, wake }
    this.waiters.push(waiter)
    return () => { waiter.wake = null }
  }

  /** Resolves once wake() sees an end past `offset`, or `signal` aborts. The caller checks first whether to wait. */
  wait (offset: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.resolve()
    return new Promise(resolve => {
      const cancel = this.park(offset, resolve)
      signal?.addEventListener('abort', () => { cancel(); resolve() }, { once: true })
    })
  }

  /** Releases the waiters whose offset is below `end`; all of them when `all`. */
  wake (end: number, all = false): void {
    if (this.waiters.length === 0) return
    const keep: Waiter[] = []
    const due: Array<() => void> = []
    for (const w of this.waiters) {
      if (w.wake === null) continue
      if (w.offset < end || all) due.push(w.wake); else keep.push(w)
    }
    this.waiters = keep
    // called after the list is settled, so a callback that parks again lands in the new list
    for (const wake of due) wake()
  }
}
