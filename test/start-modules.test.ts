// What loading the broker (and the CLI that starts it) loads: a module that start never uses is time before
// /health answers (issue 15, target 4). The AWS signer (@smithy/*) is loaded at its first use only.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

test('loading the broker, the console and every CLI command loads no AWS signer module', async () => {
  await import('../src/tributary.js')
  for (const command of ['start', 'topic', 'produce', 'consume', 'group', 'bus', 'status', 'completion']) await import(`../src/cli/commands/${command}.js`)
  await import('../src/cli/output/failure.js')
  const loaded = Object.keys(createRequire(import.meta.url).cache)
  assert.ok(loaded.some(path => path.includes('/node_modules/fastify/')), 'CommonJS dependencies are listed here')
  assert.deepEqual(loaded.filter(path => path.includes('/@smithy/')), [])
})
