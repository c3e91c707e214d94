// fsync timing at the one seam every log write goes through (src/log/fs.ts):
// a FileSystem that forwards to another and times each file and directory
// sync. The log engine does not know it is measured.
import type { Histogram } from 'prom-client'
import type { FileHandle, FileSystem } from '../log/index.js'

export type FsyncKind = 'file' | 'directory'

export function timedFs (inner: FileSystem, fsyncSeconds: Histogram<'kind'>): FileSystem {
  const timed = async (kind: FsyncKind, sync: () => Promise<void>): Promise<void> => {
    const end = fsyncSeconds.startTimer({ kind })
    await sync()
    end() // failed syncs are not timed: they are the log's error to report, not a latency
  }
  return {
    open: async (path, create) => {
      const handle: FileHandle = await inner.open(path, create)
      return {
        writev: (buffers, position) => handle.writev(buffers, position),
        read: (buffer, offset, length, position) => handle.read(buffer, offset, length, position),
        sync: () => timed('file', () => handle.sync()),
        truncate: length => handle.truncate(length),
        size: () => handle.size(),
        close: () => handle.close()
      }
    },
    readFile: path => inner.readFile(path),
    writeFileAtomic: (path, data) => inner.writeFileAtomic(path, data),
    mkdir: path => inner.mkdir(path),
    readdir: path => inner.readdir(path),
    unlink: path => inner.unlink(path),
    removeDir: path => inner.removeDir(path),
    rename: (from, to) => inner.rename(from, to),
    exists: path => inner.exists(path),
    syncDir: path => timed('directory', () => inner.syncDir(path)),
    // absent when the inner store has no disk behind it, as there
    ...(inner.statfs === undefined ? {} : { statfs: inner.statfs.bind(inner) })
  }
}
