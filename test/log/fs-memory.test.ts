// The in-memory FileSystem answers every primitive the way the real one does:
// the same steps run on both, and the observations must be equal.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { realFs } from '../../src/log/fs.js'
import type { FileSystem } from '../../src/log/fs.js'
import { MemoryFs } from '../../src/log/fs-memory.js'
import { tempDir } from './helpers.js'

async function errorCode (p: Promise<unknown>): Promise<string | undefined> {
  try { await p; return undefined } catch (err) { return (err as NodeJS.ErrnoException).code }
}

/** Runs the same steps on a file system and returns what they observed. */
async function observe (fs: FileSystem, dir: string): Promise<unknown[]> {
  const seen: unknown[] = []
  await fs.mkdir(join(dir, 'a', 'b'))
  const fh = await fs.open(join(dir, 'a', 'b', 'f'), true)
  await fh.writev([Buffer.from('hello')], 0)
  await fh.writev([Buffer.from('!')], 8) // a hole of zeros
  seen.push(await fh.size())
  const buf = Buffer.alloc(16)
  const n = await fh.read(buf, 0, 16, 0)
  seen.push(buf.subarray(0, n).toString('hex'))
  await fh.truncate(3)
  seen.push(await fh.size(), await fh.read(Buffer.alloc(4), 0, 4, 3))
  await fh.sync()
  // a directory rename moves what is inside it
  await fs.rename(join(dir, 'a'), join(dir, 'moved'))
  seen.push((await fs.readdir(join(dir, 'moved', 'b'))).sort(), await fs.exists(join(dir, 'a')))
  // a handle keeps its file after the name is gone, as an open descriptor keeps the inode
  await fs.unlink(join(dir, 'moved', 'b', 'f'))
  seen.push(await fh.size())
  await fh.close()
  seen.push(await errorCode(fs.open(join(dir, 'missing'), false)))
  seen.push(await errorCode(fs.open(join(dir, 'no-dir', 'f'), true)))
  seen.push(await fs.readFile(join(dir, 'missing')), await fs.readdir(join(dir, 'missing')))
  await fs.writeFileAtomic(join(dir, 'meta'), 'one')
  await fs.writeFileAtomic(join(dir, 'meta'), Buffer.from('two'))
  seen.push((await fs.readFile(join(dir, 'meta')))?.toString())
  await fs.unlink(join(dir, 'meta'))
  await fs.unlink(join(dir, 'meta'))
  await fs.removeDir(join(dir, 'moved'))
  await fs.removeDir(join(dir, 'moved'))
  seen.push((await fs.readdir(dir)).sort())
  seen.push(await errorCode(fs.syncDir(join(dir, 'gone'))))
  return seen
}

describe('the in-memory file system', () => {
  test('observes exactly what the real file system observes', async () => {
    const real = await observe(realFs, await tempDir())
    const memory = await observe(new MemoryFs(), '/memory/test')
    assert.deepEqual(memory, real)
  })

  test('frees every byte once the files are removed', async () => {
    const fs = new MemoryFs()
    await fs.mkdir('/d')
    const fh = await fs.open('/d/f', true)
    await fh.writev([Buffer.alloc(100_000, 1)], 0)
    await fh.close()
    assert.equal(fs.bytesStored, 100_000)
    await fs.removeDir('/d')
    assert.equal(fs.bytesStored, 0)
  })
})
