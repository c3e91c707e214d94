// Long-poll waiters of one partition: fetches parked until the high watermark
// passes their offset, woken after each write (or at close, or by their signal).

interface Waiter { offset: number, resolve: () => void }

export class DataWaiters {
  private waiters: Waiter[] = []

  /** Whether any fetch is parked here now. */
  get waiting (): boolean { return this.waiters.length > 0 }

  /** Resolves once wake() sees an end past `offset`, or `signal` aborts. The caller checks first whether to wait. */
  wait (offset: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.resolve()
    return new Promise(resolve => {
      const waiter = { offset, resolve }
      this.waiters.push(waiter)
      signal?.addEventListener('abort', () => {
        this.waiters = this.waiters.filter(w => w !== waiter)
        resolve()
      }, { once: true })
    })
  }

  /** Releases the waiters whose offset is below `end`; all of them when `all`. */
  wake (end: number, all = false): void {
    if (this.waiters.length === 0) return
    const keep: Waiter[] = []
    for (const w of this.waiters) {
      if (w.offset < end || all) w.resolve(); else keep.push(w)
    }
    this.waiters = keep
  }
}
