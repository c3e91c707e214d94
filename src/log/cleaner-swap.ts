// Replacing segments with their cleaned version so that a crash at any point
// leaves either the old segments or the new one, never both or neither (Kafka's
// .cleaned/.swap protocol). The name carries the offset range it replaces:
//   1. write `<base>-<end>.cleaned` and fsync it          (crash: deleted on open)
//   2. rename it to `<base>-<end>.swap`, fsync the dir     (the commit point)
//   3. delete the old segments' index files, then logs     (crash: redone on open)
//   4. rename the swap to `<base>.log`, fsync the dir
// On open, a .swap deletes every segment with a base offset in [base, end) and
// takes its place; a .cleaned is simply deleted.
import { join } from 'node:path'
import type { FileHandle, FileSystem } from './fs.js'
import { segmentFileName } from './segment.js'

const pad = (n: number): string => String(n).padStart(20, '0')

export function cleanedFileName (base: number, end: number): string { return `${pad(base)}-${pad(end)}.cleaned` }
export function swapFileName (base: number, end: number): string { return `${pad(base)}-${pad(end)}.swap` }

const CLEANED = /^(\d{20})-(\d{20})\.cleaned$/
const SWAP = /^(\d{20})-(\d{20})\.swap$/
const SEGMENT_FILE = /^(\d{20})\.(log|index|timeindex)$/

/** Buffers batches and writes them to a new file in large writes. */
export class CleanedFileWriter {
  private parts: Buffer[] = []
  private pendingBytes = 0
  position = 0

  private constructor (private readonly fh: FileHandle, private readonly flushAt: number) {}

  static async create (fs: FileSystem, path: string, flushAt = 1024 * 1024): Promise<CleanedFileWriter> {
    const fh = await fs.open(path, true)
    if (await fh.size() > 0) await fh.truncate(0)
    return new CleanedFileWriter(fh, flushAt)
  }

  async add (batch: Buffer): Promise<void> {
    this.parts.push(batch)
    this.pendingBytes += batch.length
    if (this.pendingBytes >= this.flushAt) await this.flush()
  }

  private async flush (): Promise<void> {
    if (this.parts.length === 0) return
    await this.fh.writev(this.parts, this.position)
    this.position += this.pendingBytes
    this.parts = []
    this.pendingBytes = 0
  }

  /** Writes what is buffered, fsyncs and closes. */
  async finish (): Promise<void> {
    try {
      await this.flush()
      await this.fh.sync()
    } finally {
      await this.fh.close()
    }
  }

  async abandon (): Promise<void> { await this.fh.close().catch(() => {}) }
}

/** Step 2: the cleaned file becomes the committed replacement of [base, end). */
export async function commitSwap (fs: FileSystem, dir: string, base: number, end: number): Promise<void> {
  await fs.rename(join(dir, cleanedFileName(base, end)), join(dir, swapFileName(base, end)))
  await fs.syncDir(dir)
}

/** Steps 3 and 4: removes the replaced segments' files and moves the swap into place. */
export async function finishSwap (fs: FileSystem, dir: string, base: number, end: number, replacedBases: number[]): Promise<void> {
  // index files first: a new `<base>.log` must never meet the old `<base>.index`
  for (const b of replacedBases) {
    await fs.unlink(join(dir, segmentFileName(b, '.index')))
    await fs.unlink(join(dir, segmentFileName(b, '.timeindex')))
  }
  for (const b of replacedBases) await fs.unlink(join(dir, segmentFileName(b, '.log')))
  // the unlinks must be durable before the rename is: otherwise a power cut could keep the
  // rename but undo an unlink, pairing an old index with the new log
  await fs.syncDir(dir)
  await fs.rename(join(dir, swapFileName(base, end)), join(dir, segmentFileName(base, '.log')))
  await fs.syncDir(dir)
}

/**
 * Run before a partition's segments are loaded: rolls back unfinished cleaning
 * (.cleaned) and completes committed swaps (.swap). Returns how many swaps it completed.
 */
export async function recoverInterruptedCleaning (fs: FileSystem, dir: string): Promise<number> {
  const names = await fs.readdir(dir)
  let completed = 0
  for (const name of names) {
    if (CLEANED.test(name)) await fs.unlink(join(dir, name))
  }
  const swaps = names.map(n => SWAP.exec(n)).filter((m): m is RegExpExecArray => m !== null)
    .map(m => ({ base: Number(m[1]), end: Number(m[2]) })).sort((a, b) => a.base - b.base)
  for (const { base, end } of swaps) {
    const replaced = new Set<number>()
    for (const name of names) {
      const m = SEGMENT_FILE.exec(name)
      if (m !== null && Number(m[1]) >= base && Number(m[1]) < end) replaced.add(Number(m[1]))
    }
    await finishSwap(fs, dir, base, end, [...replaced])
    completed++
  }
  return completed
}
