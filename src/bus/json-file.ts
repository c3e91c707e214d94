// Small state files written so a crash leaves either the old or the new
// content: write a temp file, fsync it, rename over the old one, fsync the dir.
import { open, readFile, rename, mkdir, unlink } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'

export async function readJsonFile<T> (path: string): Promise<T | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  return JSON.parse(text) as T
}

export async function writeJsonFileAtomic (path: string, value: unknown): Promise<void> {
  const dir = dirname(path)
  // a directory made here must itself survive a power cut, or the file goes with it
  const firstCreated = await mkdir(dir, { recursive: true })
  if (firstCreated !== undefined) {
    for (let p = resolve(dir); ; p = dirname(p)) {
      await syncDir(dirname(p))
      if (p === resolve(firstCreated) || p === dirname(p)) break
    }
  }
  const tmp = `${path}.tmp`
  const file = await open(tmp, 'w')
  try {
    await file.writeFile(JSON.stringify(value))
    await file.sync()
  } finally {
    await file.close()
  }
  await rename(tmp, path)
  await syncDir(dir)
}

export async function removeFile (path: string): Promise<void> {
  try {
    await unlink(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}

async function syncDir (dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } catch (err) {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL' && (err as NodeJS.ErrnoException).code !== 'EISDIR') throw err
  } finally {
    await handle.close()
  }
}

/**
 * Serialises writes of one file and coalesces bursts: callers await the write
 * that includes their change, and at most one write waits behind the running one.
 */
export class CoalescingJsonWriter {
  private running: Promise<void> | null = null
  private pending: Promise<void> | null = null

  constructor (private readonly path: string, private readonly snapshot: () => unknown) {}

  write (): Promise<void> {
    if (this.pending) return this.pending
    if (!this.running) {
      this.running = this.run()
      return this.running
    }
    const after = this.running
    this.pending = after.catch(() => {}).then(() => {
      this.pending = null
      this.running = this.run()
      return this.running
    })
    return this.pending
  }

  private async run (): Promise<void> {
    try {
      await writeJsonFileAtomic(this.path, this.snapshot())
    } finally {
      this.running = null
    }
  }
}
