// The long fuzz run: `npm run fuzz [-- --runs=N --target=a,b --seed=N --minutes=M]`.
// 1,000,000 inputs per target by default (FUZZ_RUNS also sets it). Every
// failing input is saved to test/fuzz/regressions/ (the unit suite replays
// them); the exit status is 1 if any target failed. CPU-heavy: run it niced.
import { parseArgs } from 'node:util'
import { allTargets } from './targets/index.js'
import { fuzzTarget } from './fuzz-target.js'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: process.env.FUZZ_RUNS ?? '1000000' },
    target: { type: 'string' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    /** Time budget per target: stop early and report how many inputs were run. */
    minutes: { type: 'string' }
  }
})
const runs = Number(values.runs)
const seed = Number(values.seed)
const wanted = values.target?.split(',')
const targets = allTargets().filter(t => wanted === undefined || wanted.includes(t.name))
if (!Number.isInteger(runs) || runs < 1 || targets.length === 0) {
  console.error(`usage: npm run fuzz -- [--runs=N] [--seed=N] [--target=${allTargets().map(t => t.name).join(',')}]`)
  process.exit(2)
}
console.log(`fuzzing ${targets.length} targets, ${runs} inputs each, seed ${seed}`)
let failed = 0
for (const target of targets) {
  // a line a minute, so a long niced run can be watched (tail -f its log)
  const onProgress = (done: number, ms: number): void => { console.log(`${target.name.padEnd(18)} ${String(done).padStart(9)} inputs so far, ${(ms / 1000).toFixed(0)} s`) }
  const outcome = await fuzzTarget(target, { runs, seed, save: true, onProgress, ...(values.minutes !== undefined ? { timeLimitMs: Number(values.minutes) * 60_000 } : {}) })
  const seconds = outcome.ms / 1000
  const rate = Math.round(outcome.runs / seconds)
  const verdict = outcome.failure === undefined ? 'ok' : `FAILED, kept as test/fuzz/regressions/${outcome.failure.fixture}: ${outcome.failure.error}`
  console.log(`${target.name.padEnd(18)} ${String(outcome.runs).padStart(9)} inputs  ${seconds.toFixed(1).padStart(7)} s  ${String(rate).padStart(7)}/s  slowest ${outcome.slowestMs.toFixed(1)} ms (alone ${outcome.slowestAloneMs.toFixed(1)} ms)  ${verdict}`)
  if (outcome.failure !== undefined) failed++
}
process.exit(failed > 0 ? 1 : 0)
