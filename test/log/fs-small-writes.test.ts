// A small write does not go through libuv's thread pool (src/log/fs.ts, SYNC_WRITE_MAX_BYTES): it is on the
// OS by the time writev settles even while every pool thread is busy, so an acks=all append does not wait
// for a pool thread before its fsync can start. The pool is held busy deterministically: each of its threads
// is parked in open() of a FIFO that has no writer yet, and released by opening the writing end.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { closeSync, constants, openSync, readFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { realFs, SYNC_WRITE_MAX_BYTES } from '../../src/log/fs.js'
import { tempDir } from './helpers.js'

const poolSize = Number(process.env.UV_THREADPOOL_SIZE ?? '4')

/** Parks every libuv pool thread; the returned function lets them go and waits until they have. */
async function occupyThreadPool (dir: string): Promise<() => Promise<void>> {
  const fifo = join(dir, 'park')
  execFileSync('mkfifo', [fifo])
  const parked = Array.from({ length: poolSize }, () => open(fifo, 'r'))
  return async () => {
    // Opening for writing without blocking succeeds once a reader is in open(), and wakes every reader.
    // The pool threads may not all have reached open() yet: keep a writer open until every one returned.
    const writer = await new Promise<number>((resolve, reject) => {
      const tryOpen = (): void => {
        try { resolve(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK)) } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENXIO') setImmediate(tryOpen); else reject(err)
        }
      }
      tryOpen()
    })
    const handles = await Promise.all(parked)
    closeSync(writer)
    await Promise.all(handles.map(h => h.close()))
  }
}

test('a small write reaches the file while every thread of the pool is busy; a large one waits for a thread', async () => {
  const dir = await tempDir()
  const path = join(dir, 'segment')
  const fh = await realFs.open(path, true)
  const release = await occupyThreadPool(dir)
  let smallDone = false
  let largeDone = false
  let small: Promise<void> | undefined
  let large: Promise<void> | undefined
  try {
    const bytes = Buffer.alloc(SYNC_WRITE_MAX_BYTES, 0x61)
    small = fh.writev([bytes.subarray(0, 1000), bytes.subarray(1000)], 0).then(() => { smallDone = true })
    await new Promise(setImmediate)
    assert.equal(smallDone, true, 'the small write settled without a pool thread')
    assert.equal(readFileSync(path).length, SYNC_WRITE_MAX_BYTES, 'the small write is on the OS')
    large = fh.writev([Buffer.alloc(SYNC_WRITE_MAX_BYTES + 1, 0x62)], SYNC_WRITE_MAX_BYTES).then(() => { largeDone = true })
    await new Promise(setImmediate)
    assert.equal(largeDone, false, 'the large write waits for a pool thread (none is free)')
  } finally {
    await release()
  }
  await Promise.all([small, large])
  assert.equal(readFileSync(path).length, 2 * SYNC_WRITE_MAX_BYTES + 1)
  await fh.close()
})

test('while an fsync of the file is pending, a small write goes to the pool too (it could wait for the journal commit that fsync forced)', async () => {
  const dir = await tempDir()
  const path = join(dir, 'segment')
  const fh = await realFs.open(path, true)
  const release = await occupyThreadPool(dir)
  let writeDone = false
  let sync: Promise<void> | undefined
  let write: Promise<void> | undefined
  try {
    sync = fh.sync()
    write = fh.writev([Buffer.from('after the fsync started')], 0).then(() => { writeDone = true })
    await new Promise(setImmediate)
    assert.equal(writeDone, false, 'the write waits for a pool thread, off the event loop')
  } finally {
    await release()
  }
  await Promise.all([sync, write])
  assert.equal(readFileSync(path, 'utf8'), 'after the fsync started')
  // with the fsync done, small writes are made on this thread again
  let again = false
  const next = fh.writev([Buffer.from('!')], 23).then(() => { again = true })
  await new Promise(setImmediate)
  assert.equal(again, true)
  await next
  await fh.close()
})
