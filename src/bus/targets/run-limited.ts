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
