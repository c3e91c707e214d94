// consume --where against ground truth nobody here wrote: event-pattern cases
// validated against Amazon EventBridge (../shared/conformance/eventbridge-patterns.json).
// Every case's event is one record; each chosen case's pattern must select its own
// record exactly when EventBridge says the pattern matches.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BrokerProcess, projectRoot } from '../helpers/broker-process.js'
import { cliFor, type CliResult } from './cli-process.js'

interface Case { name: string, expect: 'match' | 'no-match' | 'invalid', event?: unknown, pattern?: unknown, patternText?: string }

// ../shared next to the project (the main checkout) or two levels up (a worktree under wt/).
const casesFile = [join(projectRoot, '..', 'shared'), join(projectRoot, '..', '..', 'shared')]
  .map(dir => join(dir, 'conformance', 'eventbridge-patterns.json'))
  .find(file => existsSync(file))
if (casesFile === undefined) throw new Error('TRIB_ERR_TEST_NO_CONFORMANCE: ../shared/conformance/eventbridge-patterns.json not found')
const cases = JSON.parse(readFileSync(casesFile, 'utf8')) as Case[]
const usable = cases.filter(c => c.patternText === undefined && c.pattern !== undefined)
const decided = usable.filter(c => c.expect !== 'invalid')
// Each case costs a CLI process, so take every fifth decided case (both kinds) and four invalid ones.
const chosen = decided.filter((_, i) => i % 5 === 0)
const invalid = usable.filter(c => c.expect === 'invalid').slice(0, 4)

let broker: BrokerProcess
let cli: ReturnType<typeof cliFor>

before(async () => {
  broker = await BrokerProcess.start()
  cli = cliFor(broker)
  ok(await cli(['topic', 'create', 'events']))
  const lines = decided.map(c => JSON.stringify({ key: c.name, value: c.event }))
  ok(await cli(['produce', 'events', '--jsonl', '-q'], { input: lines.join('\n') + '\n' }))
})
after(async () => { await broker.cleanup() })

function ok (result: CliResult): CliResult {
  assert.equal(result.status, 0, `exit ${result.status}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`)
  return result
}

test('the chosen cases cover both verdicts', () => {
  assert.ok(chosen.some(c => c.expect === 'match') && chosen.some(c => c.expect === 'no-match'))
  assert.ok(invalid.length > 0)
})

for (const c of chosen) {
  test(`--where selects the event of case ${c.name} exactly when EventBridge says ${c.expect}`, async () => {
    const selected = ok(await cli(['consume', 'events', '-e', '--where', JSON.stringify(c.pattern), '-f', '%k\\n'])).stdout.split('\n').filter(k => k !== '')
    assert.equal(selected.includes(c.name), c.expect === 'match', `selected: ${selected.join(', ')}`)
  })
}

for (const c of invalid) {
  test(`--where refuses the invalid pattern of case ${c.name} as a usage error`, async () => {
    const result = await cli(['consume', 'events', '-e', '--where', JSON.stringify(c.pattern)])
    assert.equal(result.status, 2)
    assert.match(result.stderr, /invalid --where: not a valid event pattern/)
  })
}
