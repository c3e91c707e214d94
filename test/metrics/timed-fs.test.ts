// The metrics' timed file system forwards everything the log may use: without syncFileSystem the log
// would fall back to an fsync per partition where one syncfs serves a thousand (LogManager.flushedMany).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Histogram, Registry } from 'prom-client'
import { FaultyFs, realFs } from '../../src/log/fs.js'
import { timedFs } from '../../src/metrics/timed-fs.js'

test('the timed file system passes syncfs through to the file system it wraps', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-timed-fs-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const inner = new FaultyFs(realFs)
  const fh = await inner.open(join(dir, 'f'), true)
  await fh.writev([Buffer.from('written, not fsynced')], 0)
  await fh.close()
  const histogram = new Histogram({ name: 'test_fsync_seconds', help: 'h', labelNames: ['kind'], registers: [new Registry()] })
  const timed = timedFs(inner, histogram)
  assert.ok(timed.syncFileSystem !== undefined)
  await timed.syncFileSystem(dir)
  // FaultyFs counts the bytes as durable only once its syncfs ran: a power cut keeps them
  await inner.powerLoss()
  assert.equal((await realFs.readFile(join(dir, 'f')))?.toString(), 'written, not fsynced')
})
