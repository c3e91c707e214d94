import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { readFile, stat } from 'node:fs/promises'
import { FaultyFs, realFs, remainder } from '../../src/log/fs.js'
import { tempDir } from './helpers.js'

test('the real fs writes buffers at a position and reads them back', async () => {
  const dir = await tempDir()
  const fh = await realFs.open(join(dir, 'a'), true)
  await fh.writev([Buffer.from('hello '), Buffer.from('world')], 0)
  await fh.writev([Buffer.from('W')], 6)
  await fh.sync()
  const buf = Buffer.alloc(11)
  assert.equal(await fh.read(buf, 0, 11, 0), 11)
  assert.equal(buf.toString(), 'hello World')
  assert.equal(await fh.read(Buffer.alloc(5), 0, 5, 9), 2)
  assert.equal(await fh.size(), 11)
  await fh.truncate(5)
  assert.equal(await fh.size(), 5)
  await fh.close()
})

test('opening a missing file without create fails, and readFile of a missing file is null', async () => {
  const dir = await tempDir()
  await assert.rejects(realFs.open(join(dir, 'missing'), false), { code: 'ENOENT' })
  assert.equal(await realFs.readFile(join(dir, 'missing')), null)
  assert.deepEqual(await realFs.readdir(join(dir, 'nope')), [])
  await realFs.unlink(join(dir, 'missing'))
})

test('an atomic write replaces the file and leaves no temporary behind', async () => {
  const dir = await tempDir()
  await realFs.writeFileAtomic(join(dir, 'f'), 'one')
  await realFs.writeFileAtomic(join(dir, 'f'), 'two')
  assert.equal(await readFile(join(dir, 'f'), 'utf8'), 'two')
  assert.deepEqual(await realFs.readdir(dir), ['f'])
})

test('remainder skips whole and partial buffers', () => {
  const parts = remainder([Buffer.from('abc'), Buffer.from('defg')], 4)
  assert.equal(Buffer.concat(parts).toString(), 'efg')
})

test('the faulty fs fails the next operation of a kind once', async () => {
  const dir = await tempDir()
  const fs = new FaultyFs(realFs)
  const fh = await fs.open(join(dir, 'a'), true)
  fs.failNext('sync')
  await fh.writev([Buffer.from('x')], 0)
  await assert.rejects(fh.sync(), { code: 'EIO' })
  await fh.sync()
  await fh.close()
})

test('a short write stores only part of the bytes and throws', async () => {
  const dir = await tempDir()
  const fs = new FaultyFs(realFs)
  const fh = await fs.open(join(dir, 'a'), true)
  fs.shortWriteNext(3)
  await assert.rejects(fh.writev([Buffer.from('abcdef')], 0), { code: 'EIO' })
  assert.equal((await stat(join(dir, 'a'))).size, 3)
  await fh.close()
})

test('a crash after N bytes stops everything, and power loss drops unsynced bytes', async () => {
  const dir = await tempDir()
  const fs = new FaultyFs(realFs)
  const fh = await fs.open(join(dir, 'a'), true)
  await fh.writev([Buffer.from('durable')], 0)
  await fh.sync()
  await fs.syncDir(dir)
  fs.crashAfterBytes(4)
  await fh.writev([Buffer.from('ab')], 7)
  await assert.rejects(fh.writev([Buffer.from('cdef')], 9), { code: 'EIO' })
  await assert.rejects(fh.sync(), { code: 'EIO' })
  assert.equal(await readFile(join(dir, 'a'), 'utf8'), 'durableabcd')
  await fs.powerLoss()
  assert.equal(await readFile(join(dir, 'a'), 'utf8'), 'durable')
  await fh.close()
})

test('a power cut loses new files, directories and renames whose directory was not fsynced', async () => {
  const dir = await tempDir()
  const fs = new FaultyFs(realFs)
  await fs.mkdir(join(dir, 'kept'))
  const kept = await fs.open(join(dir, 'kept', 'f'), true)
  await kept.writev([Buffer.from('x')], 0)
  await kept.sync()
  await fs.syncDir(join(dir, 'kept'))
  await fs.syncDir(dir)
  await fs.mkdir(join(dir, 'new', 'deeper'))
  const lost = await fs.open(join(dir, 'new', 'deeper', 'f'), true)
  await lost.writev([Buffer.from('y')], 0)
  await lost.sync()
  await fs.syncDir(join(dir, 'new', 'deeper'))
  const moved = await fs.open(join(dir, 'kept', 'before'), true)
  await moved.sync()
  await fs.syncDir(join(dir, 'kept'))
  await fs.rename(join(dir, 'kept', 'before'), join(dir, 'kept', 'after'))
  await kept.close(); await lost.close(); await moved.close()
  await fs.powerLoss()
  assert.equal(await readFile(join(dir, 'kept', 'f'), 'utf8'), 'x')
  assert.equal(await realFs.exists(join(dir, 'new')), false, 'the unsynced directory is gone with its synced file')
  assert.equal(await realFs.exists(join(dir, 'kept', 'before')), true, 'the unsynced rename is undone')
  assert.equal(await realFs.exists(join(dir, 'kept', 'after')), false)
})
