// Shared by the log tests: temporary data directories, batch builders and a
// FileSystem wrapper that counts what the engine does to the disk.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after } from 'node:test'
import { encodeBatch } from '../../src/protocol/records/batch-codec.js'
import type { FileHandle, FileSystem } from '../../src/log/fs.js'
import { realFs } from '../../src/log/fs.js'

/** Writes `bytes` at `position` (the end of the file if omitted) through `fs`, as a crashed writer or a bad disk would. */
export async function scribble (fs: FileSystem, path: string, bytes: Buffer, position?: number): Promise<void> {
  const fh = await fs.open(path, false)
  await fh.writev([bytes], position ?? await fh.size())
  await fh.close()
}

/** A file's size, read through `fs`. */
export async function sizeOf (fs: FileSystem, path: string): Promise<number> {
  const fh = await fs.open(path, false)
  try { return await fh.size() } finally { await fh.close() }
}

export async function tempDir (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trib-log-'))
  after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** A batch of `count` records whose values are `${tag}-${i}`, with timestamps from `ts`. */
export function batch (tag: string, count = 1, ts = 1_000): Buffer {
  return encodeBatch(Array.from({ length: count }, (_, i) => ({ value: `${tag}-${i}`, timestamp: ts + i })))
}

export interface Counts { writes: number, bytesWritten: number, syncs: number, logBytesRead: number, opens: number }

/** Wraps a FileSystem, counting file opens, writev calls and their bytes, fsyncs and bytes read from .log files. */
export function countingFs (base: FileSystem = realFs): { fs: FileSystem, counts: Counts } {
  const counts: Counts = { writes: 0, bytesWritten: 0, syncs: 0, logBytesRead: 0, opens: 0 }
  const wrap = (path: string, fh: FileHandle): FileHandle => ({
    writev: async (b, p) => { counts.writes++; for (const x of b) counts.bytesWritten += x.length; await fh.writev(b, p) },
    read: async (buf, off, len, pos) => {
      const n = await fh.read(buf, off, len, pos)
      if (path.endsWith('.log')) counts.logBytesRead += n
      return n
    },
    sync: async () => { counts.syncs++; await fh.sync() },
    truncate: l => fh.truncate(l),
    size: () => fh.size(),
    close: () => fh.close(),
  })
  const fs: FileSystem = { ...base, open: async (path, create) => { counts.opens++; return wrap(path, await base.open(path, create)) } }
  return { fs, counts }
}
