// The short fuzz run of the unit suite: a few thousand generated inputs per
// target (FUZZ_RUNS, default 2000; FUZZ_SEED fixes the seed, default a fixed
// one so a CI failure reproduces), and every input that ever failed, kept in
// test/fuzz/regressions/, replayed. The long run is `npm run fuzz`.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { allTargets } from './targets/index.js'
import { fuzzTarget, inputOf, loadRegressions } from './fuzz-target.js'

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000)
const SEED = Number(process.env.FUZZ_SEED ?? 20261203)
const targets = allTargets()

describe('inputs that once failed stay fixed', () => {
  for (const { file, fixture } of loadRegressions()) {
    test(`${file} (${fixture.error.slice(0, 80)})`, async () => {
      const target = targets.find(t => t.name === fixture.target)
      assert.ok(target, `a target named ${fixture.target}`)
      const close = await target.open?.()
      try {
        await target.check(inputOf(fixture))
      } finally {
        await close?.()
      }
    })
  }
})

describe(`fuzzing: ${RUNS} generated inputs per target, seed ${SEED}`, () => {
  for (const target of targets) {
    test(`${target.name} neither crashes nor passes its limits`, async () => {
      const outcome = await fuzzTarget(target, { runs: RUNS, seed: SEED, save: false })
      assert.equal(outcome.failure, undefined, `${target.name}: ${outcome.failure?.error ?? ''}`)
      assert.equal(outcome.runs >= RUNS, true)
    })
  }
})
