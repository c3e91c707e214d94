// The journal's own behaviour beyond the storage contract: group commit with
// fsyncs held open by hand, the frame layout, and replay of the live state.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Journal } from '../../src/log/journal.js'
import { encodeFrame, scanFrames } from '../../src/log/journal-format.js'
import { realFs, type FileHandle, type FileSystem } from '../../src/log/fs.js'
import { tempDir } from './helpers.js'

/** realFs whose file fsyncs wait until the test releases them, one by one. */
function heldSyncFs (): { fs: FileSystem, held: Array<() => void>, started: () => Promise<void> } {
  const held: Array<() => void> = []
  let onStart: (() => void) | null = null
  const wrap = (fh: FileHandle): FileHandle => ({
    ...fh,
    writev: (b, p) => fh.writev(b, p),
    read: (b, o, l, p) => fh.read(b, o, l, p),
    truncate: l => fh.truncate(l),
    size: () => fh.size(),
    close: () => fh.close(),
    sync: async () => {
      await new Promise<void>(resolve => { held.push(resolve); onStart?.() })
      await fh.sync()
    },
  })
  const fs: FileSystem = { ...realFs, open: async (path, create) => wrap(await realFs.open(path, create)) }
  const started = (): Promise<void> => held.length > 0 ? Promise.resolve() : new Promise(resolve => { onStart = () => { onStart = null; resolve() } })
  return { fs, held, started }
}

test('writers that arrive while an fsync is held share the next one: 21 writers, 2 fsyncs', async () => {
  const dir = await tempDir()
  const { fs, held, started } = heldSyncFs()
  const journal = new Journal({ dir, name: 'j', fs })
  await journal.open()
  const first = journal.put('first', Buffer.from('1'))
  await started()
  const later = Array.from({ length: 20 }, (_, i) => journal.put(`k${i}`, Buffer.from(String(i))))
  // let the 20 frames reach the file while the first fsync is still held
  while (journal.sizeBytes < 21 * 19) await new Promise(setImmediate)
  held.shift()!()
  await first
  await started()
  assert.equal(held.length, 1, 'one follow-up fsync for all twenty')
  held.shift()!()
  await Promise.all(later)
  assert.equal(journal.stats.fsyncs, 2)
  await journal.close()
})

test('a frame is applied whole or not at all: a torn multi-key frame leaves none of its keys', async () => {
  const one = encodeFrame([{ key: 'a', value: Buffer.from('1') }]).bytes
  const two = encodeFrame([{ key: 'b', value: Buffer.from('2') }, { key: 'a', value: null }, { key: 'c', value: Buffer.from('3') }]).bytes
  const seen: string[] = []
  const whole = scanFrames(Buffer.concat([one, two]), ops => { for (const op of ops) seen.push(`${op.key}=${op.value?.toString() ?? '-'}`) })
  assert.deepEqual(seen, ['a=1', 'b=2', 'a=-', 'c=3'])
  assert.equal(whole.validBytes, one.length + two.length)
  seen.length = 0
  const torn = scanFrames(Buffer.concat([one, two.subarray(0, two.length - 1)]), ops => { for (const op of ops) seen.push(op.key) })
  assert.deepEqual(seen, ['a'])
  assert.equal(torn.validBytes, one.length)
})

test('keys of any length and characters round-trip: 300 characters, unicode, path-like', async () => {
  const dir = await tempDir()
  const keys = ['x'.repeat(300), 'ünïcödé/日本語/🚀', '../../etc/passwd', '', 'a\u0000b']
  const journal = new Journal({ dir, name: 'j' })
  await journal.open()
  for (const [i, key] of keys.entries()) await journal.put(key, Buffer.from(String(i)))
  await journal.close()
  const again = new Journal({ dir, name: 'j' })
  const { entries } = await again.open()
  await again.close()
  assert.deepEqual([...entries].map(([k, v]) => [k, v.toString()]), keys.map((k, i) => [k, String(i)]))
})

test('writes to a closed journal are refused with a clear error', async () => {
  const dir = await tempDir()
  const journal = new Journal({ dir, name: 'j' })
  await assert.rejects(journal.put('a', Buffer.from('1')), { code: 'TRIB_ERR_LOG_CLOSED' })
  await journal.open()
  await journal.close()
  await assert.rejects(journal.put('a', Buffer.from('1')), { code: 'TRIB_ERR_LOG_CLOSED' })
})
