// Order per key, parallelism across keys: a job starts only after every earlier
// job with the same key has finished, and at most `concurrency` jobs run at
// once. A job waiting for its key's predecessor holds no slot, so one key stuck
// in retries never stops the others.
export class KeyedRunner {
  private readonly tails = new Map<string, Promise<void>>()
  private running = 0
  private readonly waiting: Array<() => void> = []

  constructor (private readonly concurrency: number) {}

  /** Queues `job` (which must not reject) behind its key; a null key is ordered against nothing. */
  run (key: string | null, job: () => Promise<void>): Promise<void> {
    const previous = key === null ? undefined : this.tails.get(key)
    const done = (previous ?? Promise.resolve()).then(async () => await this.limited(job))
    if (key !== null) {
      this.tails.set(key, done)
      done.then(() => { if (this.tails.get(key) === done) this.tails.delete(key) }, () => {})
    }
    return done
  }

  private async limited (job: () => Promise<void>): Promise<void> {
    if (this.running >= this.concurrency) await new Promise<void>(resolve => this.waiting.push(resolve))
    this.running++
    try {
      await job()
    } finally {
      this.running--
      this.waiting.shift()?.()
    }
  }
}
