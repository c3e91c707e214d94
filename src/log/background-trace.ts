// Times of the log's background work (recovery checkpoint, its syncfs, producer
// snapshots, index checkpoints), printed to stderr when NODE_DEBUG includes
// `tributary-background`. bench/latency.ts turns it on in its brokers and lines
// these spans up with the slow produce acks, to find what stalls the tail.
// Times are ms since the process started (performance.now()), as --trace-gc prints them.
import { debuglog } from 'node:util'

const log = debuglog('tributary-background')

/** Runs `work`, and when tracing is on prints its start and duration as `bg <what> <start ms> <duration ms>`. */
export function traceBackground<T> (what: string, work: () => Promise<T>): Promise<T> {
  if (!log.enabled) return work()
  const start = performance.now()
  return work().finally(() => { log(`bg ${what} ${start.toFixed(1)} ${(performance.now() - start).toFixed(1)}`) })
}

/** The synchronous version, for work done on the event loop (it stalls everything else while it runs). */
export function traceBackgroundSync<T> (what: string, work: () => T): T {
  if (!log.enabled) return work()
  const start = performance.now()
  try { return work() } finally { log(`bg ${what} ${start.toFixed(1)} ${(performance.now() - start).toFixed(1)}`) }
}

/** Prints this process's time origin (epoch ms) once, so a reader can put the spans on the wall clock. */
export function traceOrigin (): void {
  if (log.enabled) log(`bg-origin ${performance.timeOrigin.toFixed(1)}`)
}
