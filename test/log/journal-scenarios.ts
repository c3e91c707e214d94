// The journal's part of the storage contract (run by storage-contract.test.ts):
// scenarios written once and run on every FileSystem backend, then the fault
// scenarios that need the fault-injecting one.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { Journal } from '../../src/log/journal.js'
import { FaultyFs, realFs, type FileSystem } from '../../src/log/fs.js'
import { TributaryErrorCode } from '../../src/errors.js'
import { scribble, sizeOf, tempDir } from './helpers.js'

const NAME = 'state.journal'

async function liveState (dir: string, fs: FileSystem = realFs): Promise<Record<string, string>> {
  const journal = new Journal({ dir, name: NAME, fs })
  const { entries } = await journal.open()
  await journal.close()
  return Object.fromEntries([...entries].map(([k, v]) => [k, v.toString()]))
}

/** A fresh file system and a data directory on it, per scenario (a scenario's reopens share the same "disk"). */
export interface JournalBackend { fs: () => FileSystem, dir: () => Promise<string> }

export function journalContract (makeBackend: () => JournalBackend): void {
  test('journal: puts and deletes come back as the latest value per key after a reopen', async () => {
    const backend = makeBackend()
    const makeFs = backend.fs
    const dir = await backend.dir()
    const journal = new Journal({ dir: join(dir, 'nested', 'state'), name: NAME, fs: makeFs() })
    await journal.open()
    await journal.put('a', Buffer.from('1'))
    await journal.write([{ key: 'b', value: Buffer.from('2') }, { key: 'c', value: Buffer.from('3') }])
    await journal.put('a', Buffer.from('4'))
    await journal.delete('b')
    await journal.close()
    assert.deepEqual(await liveState(join(dir, 'nested', 'state'), makeFs()), { a: '4', c: '3' })
  })

  test('journal: concurrent writers all land exactly once', async () => {
    const backend = makeBackend()
    const makeFs = backend.fs
    const dir = await backend.dir()
    const journal = new Journal({ dir, name: NAME, fs: makeFs() })
    await journal.open()
    await Promise.all(Array.from({ length: 200 }, (_, i) => journal.put(`k${i % 50}`, Buffer.from(`v${i}`))))
    await journal.close()
    const state = await liveState(dir, makeFs())
    assert.equal(Object.keys(state).length, 50)
    for (let k = 0; k < 50; k++) assert.equal(state[`k${k}`], `v${150 + k}`, 'the last write of each key wins')
  })

  test('journal: a torn tail and a corrupt frame are cut off at open, and later writes follow the last whole frame', async () => {
    const backend = makeBackend()
    const makeFs = backend.fs
    const dir = await backend.dir()
    const journal = new Journal({ dir, name: NAME, fs: makeFs() })
    await journal.open()
    for (let i = 0; i < 4; i++) await journal.put(`k${i}`, Buffer.from(`v${i}`))
    await journal.close()
    const path = join(dir, NAME)
    const whole = await sizeOf(makeFs(), path)
    await scribble(makeFs(), path, Buffer.from([0, 0, 0, 40, 1, 2, 3, 4, 1, 1]))
    const reopened = new Journal({ dir, name: NAME, fs: makeFs() })
    const recovery = await reopened.open()
    assert.equal(recovery.truncatedBytes, 10)
    assert.equal(await sizeOf(makeFs(), path), whole)
    await reopened.put('after', Buffer.from('x'))
    await reopened.close()
    // corrupt one byte inside the third frame: it and everything after it go
    const frame = whole / 4
    await scribble(makeFs(), path, Buffer.from([0xee]), frame * 2 + frame - 1)
    assert.deepEqual(await liveState(dir, makeFs()), { k0: 'v0', k1: 'v1' })
  })

  test('journal: compaction keeps the live state, shrinks the file, and runs by itself once garbage dominates', async () => {
    const backend = makeBackend()
    const makeFs = backend.fs
    const dir = await backend.dir()
    const journal = new Journal({ dir, name: NAME, fs: makeFs(), compactAfterBytes: 4096 })
    await journal.open()
    for (let i = 0; i < 500; i++) await journal.put(`k${i % 10}`, Buffer.from(`value-${i}`))
    assert.ok(journal.stats.compactions >= 1, 'compacted automatically')
    assert.ok(journal.sizeBytes < 4096)
    await journal.delete('k0')
    await journal.compact()
    await journal.put('k1', Buffer.from('after-compaction'))
    await journal.close()
    const expected: Record<string, string> = { k1: 'after-compaction' }
    for (let k = 2; k < 10; k++) expected[`k${k}`] = `value-${490 + k}`
    assert.deepEqual(await liveState(dir, makeFs()), expected)
  })
}

export function journalFaults (): void {
  async function faulty (options: { compactAfterBytes?: number } = {}): Promise<{ dir: string, fs: FaultyFs, journal: Journal }> {
    const dir = await tempDir()
    const fs = new FaultyFs(realFs)
    const journal = new Journal({ dir: join(dir, 'j'), name: NAME, fs, ...options })
    await journal.open()
    return { dir: join(dir, 'j'), fs, journal }
  }

  test('journal: after a power cut every acknowledged write is back, the new directory and file included', async () => {
    const { dir, fs, journal } = await faulty()
    for (let i = 0; i < 20; i++) await journal.put(`k${i}`, Buffer.from(`v${i}`))
    const unacked = journal.put('late', Buffer.from('maybe'))
    await fs.powerLoss()
    await unacked.catch(() => {})
    const state = await liveState(dir)
    for (let i = 0; i < 20; i++) assert.equal(state[`k${i}`], `v${i}`)
  })

  test('journal: a power cut in the middle of a compaction keeps the whole live state', async () => {
    const { dir, fs, journal } = await faulty()
    for (let i = 0; i < 50; i++) await journal.put(`k${i % 5}`, Buffer.from(`v${i}`))
    fs.crashOn('rename', path => path.endsWith('.compact'))
    await assert.rejects(journal.compact())
    await fs.powerLoss()
    assert.deepEqual(await liveState(dir), { k0: 'v45', k1: 'v46', k2: 'v47', k3: 'v48', k4: 'v49' })
  })

  test('journal: a compaction whose rename is undone by a power cut keeps the whole live state', async () => {
    const { dir, fs, journal } = await faulty()
    for (let i = 0; i < 50; i++) await journal.put(`k${i % 5}`, Buffer.from(`v${i}`))
    let dirSyncs = 0 // the first makes the temporary file's name durable, the second the rename
    fs.crashOn('sync', path => path === dir && ++dirSyncs === 2)
    await assert.rejects(journal.compact())
    assert.ok(fs.unsyncedEntries.includes(join(dir, NAME)), 'the rename was not yet durable')
    await fs.powerLoss()
    assert.deepEqual(await liveState(dir), { k0: 'v45', k1: 'v46', k2: 'v47', k3: 'v48', k4: 'v49' })
  })

  test('journal: a crash in the middle of a write leaves a torn frame that open cuts', async () => {
    const { dir, fs, journal } = await faulty()
    for (let i = 0; i < 3; i++) await journal.put(`k${i}`, Buffer.from(`v${i}`))
    fs.crashAfterBytes(7)
    await assert.rejects(journal.put('torn', Buffer.from('x'.repeat(100))))
    // the process died; the machine did not, so the torn bytes are still in the file
    const reopened = new Journal({ dir, name: NAME })
    const recovery = await reopened.open()
    assert.equal(recovery.truncatedBytes, 7)
    await reopened.close()
    assert.deepEqual(await liveState(dir), { k0: 'v0', k1: 'v1', k2: 'v2' })
  })

  test('journal: a failed write rejects its writer only and leaves no bytes behind', async () => {
    const { dir, fs, journal } = await faulty()
    await journal.put('a', Buffer.from('1'))
    fs.shortWriteNext(5)
    await assert.rejects(journal.put('lost', Buffer.from('2')), { code: TributaryErrorCode.STORAGE_ERROR })
    await journal.put('b', Buffer.from('3'))
    await journal.close()
    assert.deepEqual(await liveState(dir), { a: '1', b: '3' })
  })

  test('journal: a failed fsync rejects every waiting writer and the journal refuses writes until reopened', async () => {
    const { dir, fs, journal } = await faulty()
    await journal.put('a', Buffer.from('1'))
    fs.failNext('sync')
    const waiting = [journal.put('b', Buffer.from('2')), journal.put('c', Buffer.from('3'))]
    for (const w of waiting) await assert.rejects(w, { code: TributaryErrorCode.STORAGE_ERROR })
    assert.notEqual(journal.failed, null)
    await assert.rejects(journal.put('d', Buffer.from('4')), /takes no writes until it is reopened/)
    await journal.close()
    const reopened = new Journal({ dir, name: NAME, fs })
    await reopened.open()
    await reopened.put('e', Buffer.from('5'))
    await reopened.close()
    const state = await liveState(dir)
    assert.equal(state.a, '1')
    assert.equal(state.d, undefined)
    assert.equal(state.e, '5')
  })
}
