// Waiting for a condition instead of for a time. Tests run on shared 2-core machines
// where other work may take the CPU for seconds, so no test may assume how fast
// anything happens: it waits until the condition holds. PATIENCE_MS only turns a real
// hang into a failure that says what was awaited (before the runner's 10-minute
// timeout would, with no explanation); no passing run comes near it.
export const PATIENCE_MS = Number(process.env.TRIBUTARY_TEST_PATIENCE_MS ?? 120_000)

/** How often waitFor re-checks a condition that no event announces. */
const RECHECK_MS = 10

/**
 * Resolves with probe()'s first truthy answer, re-checking every few milliseconds;
 * rejects after PATIENCE_MS with `what` and describe().
 */
export async function waitFor<T> (probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what = 'the condition', describe: () => string = () => ''): Promise<T> {
  const giveUpAt = Date.now() + PATIENCE_MS
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== null && value !== false) return value
    if (Date.now() > giveUpAt) throw new Error(`TRIB_ERR_TEST_TIMEOUT: ${what} did not happen within ${PATIENCE_MS} ms ${describe()}`)
    await new Promise(resolve => setTimeout(resolve, RECHECK_MS))
  }
}

/**
 * Keeps the event loop alive until the returned function is called: for tests that
 * await a product timer which is unref'd (so that it never holds a broker open).
 */
export function holdEventLoop (): () => void {
  const handle = setInterval(() => {}, 1 << 30)
  return () => clearInterval(handle)
}
