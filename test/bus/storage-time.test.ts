import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LogManager } from '../../src/log/index.js'
import { BusStorage } from '../../src/bus/storage.js'

test('a read by time starts at the first record stamped at or after the time, and at the end when none is', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-bus-time-'))
  const log = await LogManager.open(dir)
  t.after(async () => { await log.close(); await rm(dir, { recursive: true, force: true }) })
  const storage = new BusStorage(log)
  await storage.ensureTopic('__bus.archive.t')
  for (const timestamp of [1_000, 2_000, 3_000]) await storage.append('__bus.archive.t', [{ key: null, value: `at ${timestamp}`, timestamp }])
  assert.equal(await storage.offsetForTimestamp('__bus.archive.t', 0), 0)
  assert.equal(await storage.offsetForTimestamp('__bus.archive.t', 1_500), 1)
  assert.equal(await storage.offsetForTimestamp('__bus.archive.t', 3_000), 2)
  assert.equal(await storage.offsetForTimestamp('__bus.archive.t', 3_001), 3)
})
