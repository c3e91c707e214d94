// Runs test/**/*.test.ts through node:test with the tsx loader.
// Node 20's test runner does not expand globs itself, so we list the files here.
// --test-timeout: a stuck test fails after 10 minutes instead of running forever.
// --test-force-exit only for the files that drive real clients (their sockets and
// timers can outlive a test): it makes the runner drop some verdicts from its report
// (nodejs/node#64833: counts come out short; a failure still fails the run, unnamed),
// so the unit files, which close what they open, run without it and report every test.
//
// Usage: node scripts/run-tests.mjs [--suite=unit|interop|all] [path-substring ...]
//   unit     everything that runs in-process: no broker child process, no external client
//            (kcat, kafka-python, the AWS CLI); the inner loop.
//   interop  test/interop: real Kafka and AWS clients against a broker child process;
//            test/console: the web console in headless Chromium.
//   all      (default) unit, interop, and the rest (test/fault crash tests, the CLI start test).
// Coverage: `npm run coverage` runs the unit suite under c8 (V8 coverage, mapped back to src/*.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

function walk (dir) {
  const out = []
  for (const name of readdirSync(dir)) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...walk(full))
    else if (name.endsWith('.test.ts')) out.push(full)
  }
  return out
}

// A test that starts a broker (or kcat, or a client in another process) is never a unit test,
// wherever its file lives: it is found by the helpers it imports.
const OUT_OF_PROCESS_HELPERS = /helpers\/(broker-process|kcat|kafkajs-member-process|stream-worker-process)\.js'/

function suiteOf (file) {
  if (file.startsWith(join('test', 'interop'))) return 'interop'
  // the console's journey drives a real Chromium: slow, and needs the browser installed
  if (file.startsWith(join('test', 'console'))) return 'interop'
  if (file.startsWith(join('test', 'fault'))) return 'process'
  if (OUT_OF_PROCESS_HELPERS.test(readFileSync(file, 'utf8'))) return 'process'
  return 'unit'
}

const args = process.argv.slice(2)
const suite = args.find(a => a.startsWith('--suite='))?.slice('--suite='.length) ?? 'all'
if (!['unit', 'interop', 'all'].includes(suite)) {
  console.error(`unknown suite ${suite}: use unit, interop or all`)
  process.exit(2)
}
const filters = args.filter(a => !a.startsWith('--'))
const files = walk('test').sort()
  .filter(f => suite === 'all' || suiteOf(f) === suite)
  .filter(f => filters.length === 0 || filters.some(s => f.includes(s)))
if (files.length === 0) {
  console.error('no test files match')
  process.exit(2)
}

const flags = ['--import', 'tsx', '--test', '--test-timeout=600000', '--test-reporter=spec']
const unitFiles = files.filter(f => suiteOf(f) === 'unit')
const otherFiles = files.filter(f => suiteOf(f) !== 'unit')
let status = 0
if (unitFiles.length > 0) {
  status = spawnSync(process.execPath, [...flags, ...unitFiles], { stdio: 'inherit' }).status ?? 1
}
if (otherFiles.length > 0) {
  const other = spawnSync(process.execPath, [...flags, '--test-force-exit', ...otherFiles], { stdio: 'inherit' }).status ?? 1
  if (status === 0) status = other
}
process.exit(status)
