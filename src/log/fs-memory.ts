// A FileSystem held entirely in memory, for the embedded broker's default
// storage ('memory') and for tests: nothing touches the disk, and dropping the
// object frees everything. It keeps the semantics the storage contract relies
// on: positional writes that extend a file with zeros, directory trees whose
// renames move every child, handles that keep reading an unlinked file (as an
// open descriptor keeps its inode), and ENOENT / ENOTDIR / EISDIR errors where
// node:fs raises them. fsync has nothing to make durable, so it only checks
// that the target still makes sense.
import { basename, dirname, resolve } from 'node:path'
import type { FileHandle, FileSystem } from './fs.js'

interface FileNode { kind: 'file', data: Buffer, size: number }
interface DirNode { kind: 'dir', children: Map<string, Node> }
type Node = FileNode | DirNode

function fsError (code: 'ENOENT' | 'ENOTDIR' | 'EISDIR' | 'EEXIST' | 'EBADF', op: string, path: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: ${op} '${path}' (in-memory file system)`)
  err.code = code
  err.path = path
  return err
}

class MemoryFileHandle implements FileHandle {
  private closed = false

  constructor (private readonly node: FileNode, private readonly path: string) {}

  async writev (buffers: Buffer[], position: number): Promise<void> {
    this.assertOpen('write')
    let total = 0
    for (const b of buffers) total += b.length
    const end = position + total
    ensureCapacity(this.node, end)
    // a write past the end leaves a hole of zeros, as on disk
    if (position > this.node.size) this.node.data.fill(0, this.node.size, position)
    let at = position
    for (const b of buffers) { b.copy(this.node.data, at); at += b.length }
    this.node.size = Math.max(this.node.size, end)
  }

  async read (buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    this.assertOpen('read')
    if (position >= this.node.size) return 0
    const n = Math.min(length, this.node.size - position)
    this.node.data.copy(buffer, offset, position, position + n)
    return n
  }

  async sync (): Promise<void> { this.assertOpen('fsync') }

  async truncate (length: number): Promise<void> {
    this.assertOpen('ftruncate')
    if (length > this.node.size) {
      ensureCapacity(this.node, length)
      this.node.data.fill(0, this.node.size, length)
    }
    this.node.size = length
  }

  async size (): Promise<number> { this.assertOpen('fstat'); return this.node.size }
  async close (): Promise<void> { this.closed = true }

  private assertOpen (op: string): void {
    if (this.closed) throw fsError('EBADF', op, this.path)
  }
}

/** Grows the backing buffer geometrically so appends cost amortised O(bytes). */
function ensureCapacity (node: FileNode, size: number): void {
  if (size <= node.data.length) return
  const grown = Buffer.allocUnsafe(Math.max(size, node.data.length * 2, 4096))
  node.data.copy(grown, 0, 0, node.size)
  node.data = grown
}

export class MemoryFs implements FileSystem {
  private readonly root: DirNode = { kind: 'dir', children: new Map() }

  /** Bytes held by every file, for tests and the benchmark's leak check. */
  get bytesStored (): number {
    let total = 0
    const walk = (dir: DirNode): void => {
      for (const node of dir.children.values()) {
        if (node.kind === 'file') total += node.size
        else walk(node)
      }
    }
    walk(this.root)
    return total
  }

  async open (path: string, create: boolean): Promise<FileHandle> {
    const full = resolve(path)
    const parent = this.parentDir(full, 'open')
    const name = basename(full)
    let node = parent.children.get(name)
    if (node === undefined) {
      if (!create) throw fsError('ENOENT', 'open', full)
      node = { kind: 'file', data: Buffer.alloc(0), size: 0 }
      parent.children.set(name, node)
    }
    if (node.kind === 'dir') throw fsError('EISDIR', 'open', full)
    return new MemoryFileHandle(node, full)
  }

  /** Nothing to flush: memory is all there is. */
  async syncFileSystem (): Promise<void> {}

  async fileSizes (paths: string[]): Promise<Array<number | null>> {
    return paths.map(p => { const node = this.lookup(resolve(p)); return node?.kind === 'file' ? node.size : null })
  }

  async readFile (path: string): Promise<Buffer | null> {
    const node = this.lookup(resolve(path))
    if (node === undefined) return null
    if (node.kind === 'dir') throw fsError('EISDIR', 'read', path)
    return Buffer.from(node.data.subarray(0, node.size))
  }

  async writeFileAtomic (path: string, data: Buffer | string): Promise<void> {
    const full = resolve(path)
    const parent = this.parentDir(full, 'open')
    const existing = parent.children.get(basename(full))
    if (existing?.kind === 'dir') throw fsError('EISDIR', 'rename', full)
    // a fresh node, as a rename over the old file: open handles keep the old content
    const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data)
    parent.children.set(basename(full), { kind: 'file', data: bytes, size: bytes.length })
  }

  async mkdir (path: string): Promise<void> {
    let dir = this.root
    const full = resolve(path)
    for (const part of full.split('/').filter(p => p !== '')) {
      let next = dir.children.get(part)
      if (next === undefined) {
        next = { kind: 'dir', children: new Map() }
        dir.children.set(part, next)
      }
      if (next.kind === 'file') throw fsError('EEXIST', 'mkdir', full)
      dir = next
    }
  }

  async readdir (path: string): Promise<string[]> {
    const node = this.lookup(resolve(path))
    if (node === undefined) return []
    if (node.kind === 'file') throw fsError('ENOTDIR', 'scandir', path)
    return [...node.children.keys()]
  }

  async unlink (path: string): Promise<void> {
    const full = resolve(path)
    const parent = this.lookup(dirname(full))
    if (parent === undefined || parent.kind !== 'dir') return
    const node = parent.children.get(basename(full))
    if (node === undefined) return
    if (node.kind === 'dir') throw fsError('EISDIR', 'unlink', full)
    parent.children.delete(basename(full))
  }

  async removeDir (path: string): Promise<void> {
    const full = resolve(path)
    const parent = this.lookup(dirname(full))
    if (parent !== undefined && parent.kind === 'dir') parent.children.delete(basename(full))
  }

  async rename (from: string, to: string): Promise<void> {
    const src = resolve(from)
    const dst = resolve(to)
    const fromParent = this.parentDir(src, 'rename')
    const node = fromParent.children.get(basename(src))
    if (node === undefined) throw fsError('ENOENT', 'rename', src)
    const toParent = this.parentDir(dst, 'rename')
    const replaced = toParent.children.get(basename(dst))
    if (replaced !== undefined && replaced.kind !== node.kind) throw fsError(replaced.kind === 'dir' ? 'EISDIR' : 'ENOTDIR', 'rename', dst)
    if (replaced?.kind === 'dir' && replaced.children.size > 0) throw fsError('EEXIST', 'rename', dst)
    fromParent.children.delete(basename(src))
    toParent.children.set(basename(dst), node)
  }

  async exists (path: string): Promise<boolean> { return this.lookup(resolve(path)) !== undefined }

  async syncDir (path: string): Promise<void> {
    const node = this.lookup(resolve(path))
    if (node === undefined) throw fsError('ENOENT', 'open', path)
  }

  private lookup (full: string): Node | undefined {
    let node: Node = this.root
    for (const part of full.split('/').filter(p => p !== '')) {
      if (node.kind !== 'dir') return undefined
      const next: Node | undefined = node.children.get(part)
      if (next === undefined) return undefined
      node = next
    }
    return node
  }

  private parentDir (full: string, op: string): DirNode {
    const parent = this.lookup(dirname(full))
    if (parent === undefined) throw fsError('ENOENT', op, full)
    if (parent.kind !== 'dir') throw fsError('ENOTDIR', op, full)
    return parent
  }
}
