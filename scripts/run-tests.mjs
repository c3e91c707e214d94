// Runs every test/**/*.test.ts through node:test with the tsx loader.
// Node 20's test runner does not expand globs itself, so we list the files here.
// --test-force-exit: a test file whose clients leave handles open must not hang CI;
// --test-timeout: a stuck test fails after 10 minutes instead of running forever.
// Usage: node scripts/run-tests.mjs [path-substring ...]
import { readdirSync, statSync } from 'node:fs'
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

const filters = process.argv.slice(2)
const files = walk('test').sort().filter(f => filters.length === 0 || filters.some(s => f.includes(s)))
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-force-exit', '--test-timeout=600000', '--test-reporter=spec', ...files], { stdio: 'inherit' })
process.exit(result.status ?? 1)
