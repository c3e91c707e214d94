// Many small file-system jobs (opening or closing thousands of partitions) run
// faster a few dozen at a time than one by one, and must not all start at once.

/** Runs fn(0 .. count-1) with at most `limit` running at once; rejects with the first failure once all have settled. */
export async function forEachLimited (count: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  let failure: { err: unknown } | null = null
  await Promise.all(Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count && failure === null) {
      const i = next++
      try { await fn(i) } catch (err) { failure ??= { err } }
    }
  }))
  if (failure !== null) throw (failure as { err: unknown }).err
}
