// Compaction of a journal (./journal.ts): the live keys' latest values are
// written as fresh frames into a temporary file, which is fsynced, renamed over
// the journal and made durable by an fsync of the directory. A crash at any
// point leaves either the old file or the new one under the journal's name,
// and both hold the same live state; a leftover temporary file is removed at open.
import { dirname } from 'node:path'
import type { FileSystem } from './fs.js'
import { encodeFrame, opBytes, type JournalOp, type LiveEntry } from './journal-format.js'

/** Frames of a rewritten journal hold about this much, so no single buffer grows with the state. */
const FRAME_TARGET_BYTES = 1024 * 1024

export interface Rewritten { size: number, live: Map<string, LiveEntry>, liveBytes: number }

/** Lays out the live state as frames; `current` is the whole current file. */
export function layOut (current: Buffer, live: Map<string, LiveEntry>): { frames: Buffer[], rewritten: Rewritten } {
  const frames: Buffer[] = []
  const next = new Map<string, LiveEntry>()
  let size = 0
  let liveBytes = 0
  let ops: JournalOp[] = []
  let opsBytes = 0
  const flush = (): void => {
    if (ops.length === 0) return
    const { bytes, valueOffsets } = encodeFrame(ops)
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!
      const cost = opBytes(Buffer.byteLength(op.key), op.value!.length)
      next.set(op.key, { valueAt: size + valueOffsets[i]!, valueLength: op.value!.length, opBytes: cost })
      liveBytes += cost
    }
    frames.push(bytes)
    size += bytes.length
    ops = []
    opsBytes = 0
  }
  for (const [key, entry] of live) {
    ops.push({ key, value: current.subarray(entry.valueAt, entry.valueAt + entry.valueLength) })
    opsBytes += entry.opBytes
    if (opsBytes >= FRAME_TARGET_BYTES) flush()
  }
  flush()
  return { frames, rewritten: { size, live: next, liveBytes } }
}

/**
 * Writes `frames` to `tmpPath`, fsyncs it and its name: if a power cut undoes
 * the rename that follows, the whole file is still there under `tmpPath` for
 * open() to take. Nothing about the journal has changed yet, so a failure here
 * only costs the attempt.
 */
export async function writeTemporary (fs: FileSystem, tmpPath: string, frames: Buffer[]): Promise<void> {
  const out = await fs.open(tmpPath, true)
  try {
    await out.truncate(0)
    if (frames.length > 0) await out.writev(frames, 0)
    await out.sync()
  } finally {
    await out.close()
  }
  await fs.syncDir(dirname(tmpPath))
}

/** Renames the temporary file over the journal and makes the new name durable. */
export async function swapIn (fs: FileSystem, tmpPath: string, path: string): Promise<void> {
  await fs.rename(tmpPath, path)
  await fs.syncDir(dirname(path))
}
