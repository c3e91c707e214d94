// A FileSystem that injects faults, for tests: the next operation of a kind
// fails, the next write is cut short, or the "machine" crashes after N more bytes.
// A crash makes every later call fail (the process is dead) and `powerLoss()`
// then throws away what was written but not fsynced, as a power cut would,
// including directory entries (new files, new directories, renames) whose
// parent directory was not fsynced since: a file's fdatasync does not make its
// name durable.
import { dirname } from 'node:path'
import type { DiskSpace, FileHandle, FileSystem } from './fs.js'

export type FaultKind = 'open' | 'write' | 'read' | 'sync' | 'truncate' | 'writeFileAtomic' | 'rename' | 'unlink'

function eio (what: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`EIO: injected fault on ${what}`)
  err.code = 'EIO'
  return err
}

interface Tracked { synced: number, written: number }

/** A directory change not yet made durable by an fsync of `parent`. */
type PendingEntry =
  | { kind: 'file' | 'dir', parent: string, path: string }
  | { kind: 'rename', parent: string, from: string, to: string }

export class FaultyFs implements FileSystem {
  private readonly failures = new Map<FaultKind, number>()
  private shortWriteBytes = -1
  private crashBudget = Infinity
  crashed = false
  private crashTrigger: { kind: FaultKind, match: (path: string) => boolean } | null = null
  /** Per path: bytes known fsynced and the highest byte written since. */
  private readonly tracked = new Map<string, Tracked>()
  /** Directory entries created or moved since their directory's last fsync, oldest first. */
  private pendingEntries: PendingEntry[] = []

  constructor (private readonly base: FileSystem) {}

  /** Disk size and free space pass through (no faults: nothing durable depends on them). */
  get statfs (): ((path: string) => Promise<DiskSpace>) | undefined {
    return this.base.statfs?.bind(this.base)
  }

  /** The next `times` operations of this kind throw EIO. */
  failNext (kind: FaultKind, times = 1): void { this.failures.set(kind, times) }
  /** The next write stores only `bytes` bytes, then throws EIO. */
  shortWriteNext (bytes: number): void { this.shortWriteBytes = bytes }
  /** After `bytes` more bytes are written the process is considered dead. */
  crashAfterBytes (bytes: number): void { this.crashBudget = bytes }
  /** Crash now. */
  crash (): void { this.crashed = true }
  /** The first `kind` operation on a path matching `match` does not happen: the process dies just before it. */
  crashOn (kind: FaultKind, match: (path: string) => boolean): void { this.crashTrigger = { kind, match } }

  /** Drops every byte written after the last fsync of each file (after a crash). */
  async powerLoss (): Promise<void> {
    this.crashed = true
    for (const [path, t] of this.tracked) {
      if (t.written > t.synced) {
        const fh = await this.base.open(path, false).catch(() => null)
        if (fh === null) continue
        const size = await fh.size()
        if (size > t.synced) await fh.truncate(t.synced)
        await fh.close()
      }
    }
    this.tracked.clear()
    // newest first, so a file inside a lost new directory goes before the directory
    for (const e of this.pendingEntries.reverse()) {
      if (e.kind === 'file') await this.base.unlink(e.path)
      else if (e.kind === 'dir') await this.base.removeDir(e.path)
      else if (e.kind === 'rename' && await this.base.exists(e.to) && !(await this.base.exists(e.from))) await this.base.rename(e.to, e.from)
    }
    this.pendingEntries = []
  }

  /** Paths created or renamed and not yet durable in their directory (for tests). */
  get unsyncedEntries (): string[] {
    return this.pendingEntries.map(e => e.kind === 'rename' ? e.to : e.path)
  }

  check (kind: FaultKind, what: string): void {
    if (this.crashed) throw eio(`${what} after crash`)
    if (this.crashTrigger !== null && this.crashTrigger.kind === kind && this.crashTrigger.match(what)) {
      this.crashTrigger = null
      this.crashed = true
      throw eio(`${what}: crashed before it`)
    }
    const n = this.failures.get(kind)
    if (n !== undefined && n > 0) {
      this.failures.set(kind, n - 1)
      throw eio(what)
    }
  }

  /** How many bytes of a write of `len` get through; -1 means all. */
  takeWriteBudget (len: number): number {
    if (this.shortWriteBytes >= 0) {
      const n = Math.min(this.shortWriteBytes, len)
      this.shortWriteBytes = -1
      return n
    }
    if (len >= this.crashBudget) {
      const n = this.crashBudget
      this.crashBudget = Infinity
      this.crashed = true
      return n
    }
    this.crashBudget -= len
    return -1
  }

  track (path: string): Tracked {
    let t = this.tracked.get(path)
    if (t === undefined) { t = { synced: 0, written: 0 }; this.tracked.set(path, t) }
    return t
  }

  async open (path: string, create: boolean): Promise<FileHandle> {
    this.check('open', path)
    const isNew = create && !(await this.base.exists(path))
    const fh = await this.base.open(path, create)
    if (isNew) this.pendingEntries.push({ kind: 'file', parent: dirname(path), path })
    const t = this.track(path)
    if (t.written === 0) t.synced = t.written = await fh.size()
    return new FaultyFileHandle(this, path, fh)
  }

  get fileSizes (): ((paths: string[]) => Promise<Array<number | null>>) | undefined {
    if (this.base.fileSizes === undefined) return undefined
    return async (paths) => { for (const p of paths) this.check('read', p); return await this.base.fileSizes!(paths) }
  }

  async readFile (path: string): Promise<Buffer | null> { this.check('read', path); return this.base.readFile(path) }
  async writeFileAtomic (path: string, data: Buffer | string): Promise<void> {
    this.check('writeFileAtomic', path)
    return this.base.writeFileAtomic(path, data)
  }

  async mkdir (path: string): Promise<void> {
    this.check('open', path)
    const created: string[] = []
    for (let p = path; !(await this.base.exists(p)); p = dirname(p)) created.unshift(p)
    await this.base.mkdir(path)
    for (const p of created) this.pendingEntries.push({ kind: 'dir', parent: dirname(p), path: p })
  }

  async readdir (path: string): Promise<string[]> { this.check('read', path); return this.base.readdir(path) }
  async unlink (path: string): Promise<void> {
    this.check('unlink', path)
    this.tracked.delete(path)
    this.pendingEntries = this.pendingEntries.filter(e => e.kind === 'rename' || e.path !== path)
    return this.base.unlink(path)
  }

  async removeDir (path: string): Promise<void> {
    this.check('unlink', path)
    const inside = (p: string): boolean => p === path || p.startsWith(path + '/')
    this.pendingEntries = this.pendingEntries.filter(e => e.kind === 'rename' ? !inside(e.to) : !inside(e.path))
    return this.base.removeDir(path)
  }

  async rename (from: string, to: string): Promise<void> {
    this.check('rename', from)
    await this.base.rename(from, to)
    this.pendingEntries.push({ kind: 'rename', parent: dirname(to), from, to })
  }

  async exists (path: string): Promise<boolean> { this.check('read', path); return this.base.exists(path) }
  /** syncfs: every file and directory entry written so far becomes durable. */
  get syncFileSystem (): ((path: string) => Promise<void>) | undefined {
    if (this.base.syncFileSystem === undefined) return undefined
    return async (path) => {
      this.check('sync', path)
      await this.base.syncFileSystem!(path)
      for (const t of this.tracked.values()) t.synced = Math.max(t.synced, t.written)
      this.pendingEntries = []
    }
  }

  async syncDir (path: string): Promise<void> {
    this.check('sync', path)
    await this.base.syncDir(path)
    this.pendingEntries = this.pendingEntries.filter(e => e.parent !== path)
  }
}

class FaultyFileHandle implements FileHandle {
  constructor (private readonly fs: FaultyFs, private readonly path: string, private readonly fh: FileHandle) {}

  async writev (buffers: Buffer[], position: number): Promise<void> {
    this.fs.check('write', this.path)
    let total = 0
    for (const b of buffers) total += b.length
    const allowed = this.fs.takeWriteBudget(total)
    const t = this.fs.track(this.path)
    if (allowed >= 0) {
      const partial = Buffer.concat(buffers).subarray(0, allowed)
      if (partial.length > 0) await this.fh.writev([partial], position)
      t.written = Math.max(t.written, position + allowed)
      throw eio(`short write to ${this.path} (${allowed} of ${total} bytes)`)
    }
    await this.fh.writev(buffers, position)
    t.written = Math.max(t.written, position + total)
  }

  async read (buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    this.fs.check('read', this.path)
    return this.fh.read(buffer, offset, length, position)
  }

  async sync (): Promise<void> {
    this.fs.check('sync', this.path)
    const t = this.fs.track(this.path)
    const written = t.written
    await this.fh.sync()
    t.synced = Math.max(t.synced, written)
  }

  async truncate (length: number): Promise<void> {
    this.fs.check('truncate', this.path)
    await this.fh.truncate(length)
    const t = this.fs.track(this.path)
    t.written = Math.min(t.written, length)
    t.synced = Math.min(t.synced, length)
  }

  async size (): Promise<number> { this.fs.check('read', this.path); return this.fh.size() }
  async close (): Promise<void> { await this.fh.close() }
}
