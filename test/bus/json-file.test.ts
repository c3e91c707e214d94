import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoalescingJsonWriter, readJsonFile, writeJsonFileAtomic } from '../../src/bus/json-file.js'

test('an atomic write leaves only the final file and reads back', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bus-json-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await writeJsonFileAtomic(join(dir, 'a.json'), { x: 1 })
  await writeJsonFileAtomic(join(dir, 'a.json'), { x: 2 })
  assert.deepEqual(await readJsonFile(join(dir, 'a.json')), { x: 2 })
  assert.deepEqual(await readdir(dir), ['a.json'])
  assert.equal(await readJsonFile(join(dir, 'missing.json')), undefined)
})

test('a burst of writes is coalesced and the last state wins', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bus-json-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  let state = 0
  let snapshots = 0
  const writer = new CoalescingJsonWriter(join(dir, 's.json'), () => { snapshots++; return { state } })
  const writes: Promise<void>[] = []
  for (let i = 1; i <= 20; i++) {
    state = i
    writes.push(writer.write())
  }
  await Promise.all(writes)
  assert.deepEqual(await readJsonFile(join(dir, 's.json')), { state: 20 })
  assert.ok(snapshots <= 2, `${snapshots} writes`)
})
