import { test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DELIVERY_JOURNAL_FILE, DeliveryStore, type DeliveryState } from '../../../src/bus/targets/delivery-store.js'
import { encodeFrame } from '../../../src/log/journal-format.js'

async function tempStateDir (t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trib-delivery-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return join(dir, '__bus')
}

const state = (cursor: number): DeliveryState => ({ cursor, retries: [] })

async function reopen (stateDir: string): Promise<DeliveryStore> {
  const store = new DeliveryStore(stateDir)
  await store.open()
  return store
}

test('cursors of buses with any name come back after a restart: 256 characters, unicode, path-like', async (t) => {
  const stateDir = await tempStateDir(t)
  const names = ['b'.repeat(256), 'x'.repeat(250), 'bús/日本/🚀', '../../etc/passwd']
  const store = await reopen(stateDir)
  for (const [i, name] of names.entries()) await store.save(name, state(i + 10))
  await store.close()
  const again = await reopen(stateDir)
  for (const [i, name] of names.entries()) assert.deepEqual(again.saved(name), state(i + 10))
  assert.deepEqual(await readdir(stateDir), [DELIVERY_JOURNAL_FILE], 'no bus name became a file name')
  await again.forget(names[0]!)
  await again.close()
  const last = await reopen(stateDir)
  assert.equal(last.saved(names[0]!), undefined)
  await last.close()
})

test('a cursor that does not parse is skipped and the other buses keep theirs', async (t) => {
  const stateDir = await tempStateDir(t)
  const store = await reopen(stateDir)
  await store.save('good', state(5))
  await store.close()
  await appendFile(join(stateDir, DELIVERY_JOURNAL_FILE), encodeFrame([{ key: 'bad', value: Buffer.from('{"cursor":"x"}') }]).bytes)
  const again = await reopen(stateDir)
  assert.deepEqual(again.saved('good'), state(5))
  assert.equal(again.saved('bad'), undefined)
  await again.close()
})

test('delivery/<bus>.json files of the previous version are migrated once', async (t) => {
  const stateDir = await tempStateDir(t)
  await mkdir(join(stateDir, 'delivery'), { recursive: true })
  const retry = { ruleName: 'r', targetId: 't', eventText: '{}', ingestedAt: 1, retriesDone: 1, nextAttemptAt: 2, lastErrorCode: '503', lastErrorMessage: 'x' }
  await writeFile(join(stateDir, 'delivery', 'default.json'), JSON.stringify({ cursor: 42, retries: [retry] }))
  await writeFile(join(stateDir, 'delivery', 'orders.json'), JSON.stringify({ cursor: 7, retries: [] }))
  await writeFile(join(stateDir, 'delivery', 'broken.json'), '{"cur')
  const store = await reopen(stateDir)
  assert.deepEqual(store.saved('default'), { cursor: 42, retries: [retry] })
  assert.deepEqual(store.saved('orders'), state(7))
  assert.equal(store.saved('broken'), undefined)
  await store.close()
  assert.deepEqual(await readdir(stateDir), [DELIVERY_JOURNAL_FILE], 'the old directory is gone')
  const again = await reopen(stateDir)
  assert.deepEqual(again.saved('default'), { cursor: 42, retries: [retry] })
  await again.close()
})
