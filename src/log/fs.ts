// The one seam between the log engine and the file system. `realFs` is
// node:fs/promises; `FaultyFs` wraps any FileSystem and injects failures, short
// writes and crashes (losing unsynced bytes) so recovery can be tested.
import { constants, promises as fsp, statSync, writevSync } from 'node:fs'
import { dirname } from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { siblingPath } from './file-names.js'
import { DescriptorCalls } from './fd-ops.js'

export interface FileHandle {
  /** Writes all of `buffers` at `position` (loops over short writes). */
  writev: (buffers: Buffer[], position: number) => Promise<void>
  /** Positional read; returns the bytes read (less than `length` at end of file). */
  read: (buffer: Buffer, offset: number, length: number, position: number) => Promise<number>
  /** fdatasync: data and the size needed to read it back. */
  sync: () => Promise<void>
  truncate: (length: number) => Promise<void>
  size: () => Promise<number>
  close: () => Promise<void>
}

export interface FileSystem {
  /** Opens for reading and writing, creating the file if `create` is set. */
  open: (path: string, create: boolean) => Promise<FileHandle>
  /** The whole file, or null if it does not exist. */
  readFile: (path: string) => Promise<Buffer | null>
  /** Writes a temporary file, fsyncs it, renames it over `path` and fsyncs the directory. */
  writeFileAtomic: (path: string, data: Buffer | string) => Promise<void>
  mkdir: (path: string) => Promise<void>
  /** Names in the directory; [] if it does not exist. */
  readdir: (path: string) => Promise<string[]>
  /** Removes a file; no error if it is already gone. */
  unlink: (path: string) => Promise<void>
  /** Removes a directory tree; no error if it is already gone. */
  removeDir: (path: string) => Promise<void>
  rename: (from: string, to: string) => Promise<void>
  exists: (path: string) => Promise<boolean>
  syncDir: (path: string) => Promise<void>
  /**
   * Size and free space of the file system holding `path`, for DescribeLogDirs and
   * `tributary status`. Optional: a store with no disk behind it (in-memory) leaves it out.
   */
  statfs?: (path: string) => Promise<DiskSpace>
  /**
   * The size of each file, null for one that does not exist. Optional: used once at
   * start to check a recovery checkpoint against thousands of partitions' files,
   * so the real one stats them back to back instead of one promise each.
   */
  fileSizes?: (paths: string[]) => Promise<Array<number | null>>
  /**
   * One syncfs(2) of the file system holding `path`: every byte and directory entry
   * written before the call is durable when it resolves. Optional: the recovery
   * checkpoint uses it to vouch for partitions written without an fsync of their own.
   */
  syncFileSystem?: (path: string) => Promise<void>
}

/** Bytes of the file system holding a directory; usableBytes is what an unprivileged process may still write. */
export interface DiskSpace {
  totalBytes: number
  usableBytes: number
}

function isNotFound (err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT'
}

/**
 * Writes up to this size are made on the calling thread (writevSync), larger ones on libuv's pool. A small
 * write into the page cache costs tens to a few hundred µs of copying, about what the two thread hand-offs of
 * a pool job cost on an idle machine and far less than they cost on a busy one: each hand-off waits for a
 * thread to be scheduled, and on a shared 2-core host that is where a produce ack's milliseconds went
 * (issue 15, target 3: the write step of an acks=all produce ack, p99 17-30 ms through the pool at 2 MB/s
 * under load, 0.7-8 ms written here). It also takes the write out of the pool's queue, so it does not wait
 * behind other partitions' reads and fsyncs, and lets the group commit's fsync start on the same turn.
 * Large writes (a throughput producer's batches) stay on the pool: their copy would hold up the event loop.
 * Durability is unchanged: an acks=all answer still waits for the fdatasync after the write.
 */
export const SYNC_WRITE_MAX_BYTES = 128 * 1024

// A write on the calling thread stalls the whole event loop if the kernel makes it wait (dirty-page throttling
// behind a slow disk, a frozen file system). So for 5 s after any fsync that took longer than SLOW_SYNC_MS,
// writes go back to the pool, where a stall holds up one thread, not every client. Not lower: on a busy shared
// host an fsync seen from JavaScript takes 50-100 ms at p99 with a healthy disk (the pool's threads wait for a
// core), and falling back then would bring back the hand-offs exactly when they cost most.
const SLOW_SYNC_MS = 500
let diskSlowUntil = 0

class RealFileHandle implements FileHandle {
  /** writev and fdatasync go through the callback API on the descriptor (./fd-ops.ts says why). */
  private readonly calls: DescriptorCalls
  /** fsyncs of this file not yet returned (the group commit may run two at once). */
  private syncsPending = 0

  constructor (private readonly fh: fsp.FileHandle) { this.calls = new DescriptorCalls(fh.fd) }

  async writev (buffers: Buffer[], position: number): Promise<void> {
    let total = 0
    for (const b of buffers) total += b.length
    let bytesWritten = total <= SYNC_WRITE_MAX_BYTES && !this.writeMayBlock()
      ? writevSync(this.fh.fd, buffers, position)
      : await this.calls.writev(buffers, position)
    while (bytesWritten < total) {
      // a short write: resubmit what is left, rare on regular files
      const rest = remainder(buffers, bytesWritten)
      const written = await this.calls.writev(rest, position + bytesWritten)
      if (written === 0) throw new Error('write made no progress')
      bytesWritten += written
    }
  }

  async read (buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    let done = 0
    while (done < length) {
      const { bytesRead } = await this.fh.read(buffer, offset + done, length - done, position + done)
      if (bytesRead === 0) break
      done += bytesRead
    }
    return done
  }

  async sync (): Promise<void> {
    const start = performance.now()
    this.syncsPending++
    try {
      await this.calls.datasync()
    } finally {
      this.syncsPending--
      const end = performance.now()
      if (end - start > SLOW_SYNC_MS) diskSlowUntil = end + 5000
    }
  }

  /**
   * Whether a write should stay off the event loop. Not while this file's fsync is pending: a write that grows
   * the file needs a journal handle, and ext4 makes it wait while the commit that fsync forced is locked, which
   * on the calling thread would stall every client for the commit (measured: acks=all p50 1.7-5x slower at
   * 2 MB/s under load). Nor while the disk looks stalled (above).
   */
  private writeMayBlock (): boolean {
    return this.syncsPending > 0 || performance.now() < diskSlowUntil
  }

  async truncate (length: number): Promise<void> { await this.fh.truncate(length) }
  async size (): Promise<number> { return (await this.fh.stat()).size }
  async close (): Promise<void> {
    await this.calls.drained()
    await this.fh.close()
  }
}

/** The buffers that remain after skipping `skip` bytes. */
export function remainder (buffers: Buffer[], skip: number): Buffer[] {
  const out: Buffer[] = []
  for (const b of buffers) {
    if (skip >= b.length) { skip -= b.length; continue }
    out.push(skip > 0 ? b.subarray(skip) : b)
    skip = 0
  }
  return out
}

let tmpCounter = 0

export const realFs: FileSystem = {
  async open (path, create) {
    // O_RDWR|O_CREAT, not 'a+': O_APPEND would ignore the positions we write at
    const flags = create ? constants.O_RDWR | constants.O_CREAT : constants.O_RDWR
    return new RealFileHandle(await fsp.open(path, flags, 0o644))
  },
  async readFile (path) {
    try { return await fsp.readFile(path) } catch (err) { if (isNotFound(err)) return null; throw err }
  },
  async writeFileAtomic (path, data) {
    // shortened if needed: a 249-character topic's metadata file plus this suffix exceeds 255 bytes
    const tmp = siblingPath(path, `.${process.pid}.${tmpCounter++}.tmp`)
    const fh = await fsp.open(tmp, 'w')
    try {
      await fh.writeFile(data)
      await fh.sync()
    } finally {
      await fh.close()
    }
    await fsp.rename(tmp, path)
    await syncDir(dirname(path))
  },
  async mkdir (path) { await fsp.mkdir(path, { recursive: true }) },
  async readdir (path) {
    try { return await fsp.readdir(path) } catch (err) { if (isNotFound(err)) return []; throw err }
  },
  async unlink (path) {
    try { await fsp.unlink(path) } catch (err) { if (!isNotFound(err)) throw err }
  },
  async removeDir (path) { await fsp.rm(path, { recursive: true, force: true }) },
  async rename (from, to) { await fsp.rename(from, to) },
  exists,
  syncDir,
  async statfs (path) {
    const s = await fsp.statfs(path)
    return { totalBytes: s.bsize * s.blocks, usableBytes: s.bsize * s.bavail }
  },
  async syncFileSystem (path) {
    // Node has no syncfs binding; coreutils' `sync --file-system` is exactly syncfs(2) on the path's file system
    await promisify(execFile)('sync', ['--file-system', path])
  },
  async fileSizes (paths) {
    // synchronous on purpose: ten thousand stats take a few ms back to back, far
    // more through the thread pool; only start-up calls this, before serving anything
    return paths.map(p => statSync(p, { throwIfNoEntry: false })?.size ?? null)
  },
}

async function exists (path: string): Promise<boolean> {
  try { await fsp.stat(path); return true } catch (err) { if (isNotFound(err)) return false; throw err }
}

async function syncDir (path: string): Promise<void> {
  const fh = await fsp.open(path, 'r')
  try { await fh.sync() } catch (err) {
    // some file systems refuse fsync on a directory; the rename is still ordered
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err
  } finally { await fh.close() }
}

/**
 * Creates `path` and any missing parents, then fsyncs the directory holding each
 * new name: without that a power cut can lose the directory, and every file in
 * it, however well those files were fsynced.
 */
export async function mkdirDurable (fs: FileSystem, path: string): Promise<void> {
  const created: string[] = []
  for (let p = path; !(await fs.exists(p)); p = dirname(p)) created.unshift(p)
  if (created.length === 0) return
  await fs.mkdir(path)
  for (const p of created) await fs.syncDir(dirname(p))
}

export { FaultyFs } from './fs-faulty.js'
export type { FaultKind } from './fs-faulty.js'
