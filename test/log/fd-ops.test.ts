// The log's writev and fdatasync run on the descriptor through the callback API (src/log/fd-ops.ts);
// the FileHandle still owns it, so a close must wait for the calls in flight, or a descriptor could be
// closed (and reused by another open) under a write.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { realFs } from '../../src/log/fs.js'

test('a close issued while writes and an fdatasync run lets every one of them finish first', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-fd-ops-'))
  try {
    const path = join(dir, 'f')
    const handle = await realFs.open(path, true)
    const chunk = Buffer.alloc(64 * 1024, 7)
    const writes = Array.from({ length: 32 }, (_, i) => handle.writev([chunk], i * chunk.length))
    const synced = handle.sync()
    const closed = handle.close()
    await Promise.all([...writes, synced, closed])
    const bytes = await readFile(path)
    assert.equal(bytes.length, 32 * chunk.length)
    assert.ok(bytes.every(b => b === 7))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('writes land at their positions and a call on a closed handle rejects with the system error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-fd-ops-'))
  try {
    const handle = await realFs.open(join(dir, 'g'), true)
    await handle.writev([Buffer.from('abc'), Buffer.from('def')], 10)
    assert.equal(await handle.size(), 16)
    assert.equal((await readFile(join(dir, 'g'))).subarray(10).toString(), 'abcdef')
    await handle.close()
    await assert.rejects(handle.sync(), (err: NodeJS.ErrnoException) => err.code === 'EBADF')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
