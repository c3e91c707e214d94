// Runs one fuzz target for a number of inputs with fast-check, and keeps every
// failing input (shrunk to a small one) as a regression fixture in
// test/fuzz/regressions/, which fuzz.test.ts replays on every test run.
import fc from 'fast-check'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FuzzTarget } from './targets/index.js'

/** Inputs between two turns of the event loop (see fuzzTarget). */
const YIELD_EVERY = 1000

export const REGRESSIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'regressions')

/** A kept failing input: bytes as hex, text as it is. */
export interface RegressionFixture {
  target: string
  hex?: string
  text?: string
  /** What went wrong when it was found (before the fix). */
  error: string
}

export interface FuzzOutcome {
  target: string
  runs: number
  ms: number
  /** Slowest single input (ms) during the run: on a loaded machine mostly scheduling and GC. */
  slowestMs: number
  /** That input run again alone (best of 3, ms): what it really costs, so a hang shows here. */
  slowestAloneMs: number
  failure?: { fixture: string, error: string }
}

export function inputOf (fixture: RegressionFixture): Buffer | string {
  return fixture.hex !== undefined ? Buffer.from(fixture.hex, 'hex') : fixture.text ?? ''
}

export function loadRegressions (): Array<{ file: string, fixture: RegressionFixture }> {
  return readdirSync(REGRESSIONS_DIR).filter(f => f.endsWith('.json')).sort()
    .map(file => ({ file, fixture: JSON.parse(readFileSync(join(REGRESSIONS_DIR, file), 'utf8')) as RegressionFixture }))
}

function saveRegression (target: string, input: Buffer | string, error: unknown): string {
  const fixture: RegressionFixture = Buffer.isBuffer(input) ? { target, hex: input.toString('hex'), error: String(error) } : { target, text: input, error: String(error) }
  const id = createHash('sha256').update(Buffer.isBuffer(input) ? input : Buffer.from(input)).digest('hex').slice(0, 12)
  const file = `${target}-${id}.json`
  writeFileSync(join(REGRESSIONS_DIR, file), JSON.stringify(fixture, null, 2) + '\n')
  return file
}

/** `timeLimitMs`: stop there even if `runs` inputs were not all tried (the outcome says how many were). */
/** `onProgress`: called with the inputs run so far every `progressEveryMs` (the loop turns every YIELD_EVERY inputs, so timers fire). */
export async function fuzzTarget (target: FuzzTarget, options: { runs: number, seed: number, save: boolean, timeLimitMs?: number, progressEveryMs?: number, onProgress?: (runs: number, ms: number) => void }): Promise<FuzzOutcome> {
  const close = await target.open?.()
  let slowestMs = 0
  let slowest: Buffer | string | undefined
  let runs = 0
  const took = (input: Buffer | string, start: number): void => {
    const ms = performance.now() - start
    if (ms > slowestMs) { slowestMs = ms; slowest = input }
  }
  const timed = (input: Buffer | string): void | Promise<void> => {
    const start = performance.now()
    runs++
    const result = target.check(input)
    if (result instanceof Promise) return result.then(() => took(input, start))
    took(input, start)
  }
  const alone = async (): Promise<number> => {
    if (slowest === undefined) return 0
    let best = Infinity
    for (let i = 0; i < 3; i++) {
      const start = performance.now()
      await target.check(slowest)
      best = Math.min(best, performance.now() - start)
    }
    return best
  }
  const started = performance.now()
  const progress = options.onProgress === undefined ? undefined : setInterval(() => options.onProgress?.(runs, performance.now() - started), options.progressEveryMs ?? 60_000)
  // Most inputs are refused with an error; capturing a stack for each would be
  // most of the cost of a run. Findings keep their message (and are replayed).
  const stackTraceLimit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    const parameters = { numRuns: options.runs, seed: options.seed, ...(options.timeLimitMs !== undefined ? { interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false } : {}) }
    // Every target runs as an async property that lets the event loop turn every
    // YIELD_EVERY inputs: node's zlib frees a sync call's native state (about 10 KB
    // after a failed gunzipSync) only once the loop turns, so a million inputs run
    // in one synchronous loop grew the gzip run to 6 GB, which no broker does.
    let sinceYield = 0
    const details = await fc.check(fc.asyncProperty(target.inputs(), async input => {
      await timed(input)
      if (++sinceYield >= YIELD_EVERY) {
        sinceYield = 0
        await new Promise(resolve => setImmediate(resolve))
      }
    }), parameters)
    const ms = performance.now() - started
    const outcome: FuzzOutcome = { target: target.name, runs, ms, slowestMs, slowestAloneMs: details.failed ? 0 : await alone() }
    if (details.failed && details.counterexample !== null) {
      const [input] = details.counterexample
      const error = details.errorInstance ?? 'failed'
      outcome.failure = { fixture: options.save ? saveRegression(target.name, input, error) : '(not saved)', error: String(error) }
    }
    return outcome
  } finally {
    clearInterval(progress)
    Error.stackTraceLimit = stackTraceLimit
    await close?.()
  }
}
