// Runs tasks with at most `limit` in flight; resolves when all have settled.
export async function runLimited (tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  if (tasks.length === 0) return
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const task = tasks[next++]
      if (task !== undefined) await task()
    }
  }
  const workers: Promise<void>[] = []
  for (let i = 0; i < Math.min(limit, tasks.length); i++) workers.push(worker())
  await Promise.all(workers)
}

/**
 * At most `limit` holders at once, waiters served in arrival order: shared by
 * several runLimited loops (first attempts and retries) so that together they
 * stay within one limit.
 */
export class Slots {
  private used = 0
  private readonly waiting: Array<() => void> = []

  constructor (private readonly limit: number) {}

  get inUse (): number { return this.used }

  async run<T> (task: () => Promise<T>): Promise<T> {
    if (this.used >= this.limit) await new Promise<void>(resolve => this.waiting.push(resolve))
    else this.used++
    try {
      return await task()
    } finally {
      // hand the slot straight to the next waiter, or free it
      const next = this.waiting.shift()
      if (next !== undefined) next()
      else this.used--
    }
  }
}
