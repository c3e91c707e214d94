// The cleaner's first pass over a partition: the latest offset of every key in
// the dirty section, and the fate of transactional batches (committed, aborted,
// or still open) read from the control batches that end their transactions.
// Records of an aborted or still open transaction never count as a key's latest.
import { createHash } from 'node:crypto'
import { isRecordFormatError } from '../errors.js'
import { ControlType, batchFacts, controlType, recordsSection, walkRecords } from './cleaner-records.js'
import type { BatchFacts } from './cleaner-records.js'
import { scanSegment } from './segment-scan.js'
import type { Segment } from './segment.js'

/** Keys up to this size are used as they are; longer ones by their SHA-256, as Kafka uses a digest. */
const MAX_PLAIN_KEY_BYTES = 64

export function keyOf (key: Buffer): string {
  if (key.length <= MAX_PLAIN_KEY_BYTES) return 's' + key.toString('latin1')
  return 'h' + createHash('sha256').update(key).digest().toString('latin1')
}

export interface LogAnalysis {
  /** Latest offset of each key whose records lie in [dirtyStart, dirtyEnd). */
  latest: Map<string, number>
  /** Transactional data batches whose transaction ended: baseOffset -> committed. */
  txnOutcome: Map<number, boolean>
  /** Per producer id, the base offset of its last batch below dirtyEnd. */
  lastBatchOfProducer: Map<number, number>
  /** End of the dirty section actually covered (shrinks if the key map filled up). */
  dirtyEnd: number
}

export interface AnalysisRange {
  /** First offset of the dirty section (a segment base). */
  dirtyStart: number
  /** Index in `segments` of the first segment not to clean. */
  endIndex: number
  /** Nothing at or past this offset is read (the last stable offset). */
  scanEnd: number
  /** Stop adding segments to the dirty section once this many keys are mapped. */
  maxKeys: number
}

interface PendingBatch { baseOffset: number, keys: Array<[string, number]> }

export async function analyzeLog (segments: readonly Segment[], range: AnalysisRange): Promise<LogAnalysis> {
  const latest = new Map<string, number>()
  const txnOutcome = new Map<number, boolean>()
  const lastBatchOfProducer = new Map<number, number>()
  const pending = new Map<number, PendingBatch[]>()
  let dirtyEnd = segments[range.endIndex]!.baseOffset

  const note = (key: string, offset: number): void => {
    const prev = latest.get(key)
    if (prev === undefined || prev < offset) latest.set(key, offset)
  }
  const keysOf = (bytes: Buffer, f: BatchFacts, into: (key: string, offset: number) => void): void => {
    try {
      walkRecords(recordsSection(bytes, f), f, r => { if (r.key !== null && r.offset < dirtyEnd) into(keyOf(r.key), r.offset) })
    } catch (err) {
      // a batch we cannot read (over the decompression limit) is kept whole and supersedes nothing
      if (!isRecordFormatError(err)) throw err
    }
  }
  const onBatch = (bytes: Buffer): boolean => {
    const f = batchFacts(bytes)
    if (f.baseOffset >= range.scanEnd) return false
    if (f.baseOffset >= dirtyEnd && pending.size === 0) return false
    if (f.producerId >= 0 && f.baseOffset < dirtyEnd) lastBatchOfProducer.set(f.producerId, f.baseOffset)
    const dirty = f.baseOffset >= range.dirtyStart && f.baseOffset < dirtyEnd
    if (f.control) {
      const waiting = pending.get(f.producerId)
      if (!f.transactional || waiting === undefined) return true
      const type = controlType(bytes, f)
      if (type !== ControlType.commit && type !== ControlType.abort) return true
      for (const b of waiting) {
        txnOutcome.set(b.baseOffset, type === ControlType.commit)
        if (type === ControlType.commit) for (const [k, o] of b.keys) if (o < dirtyEnd) note(k, o)
      }
      pending.delete(f.producerId)
    } else if (f.transactional) {
      const entry: PendingBatch = { baseOffset: f.baseOffset, keys: [] }
      if (dirty) keysOf(bytes, f, (k, o) => entry.keys.push([k, o]))
      let list = pending.get(f.producerId)
      if (list === undefined) { list = []; pending.set(f.producerId, list) }
      list.push(entry)
    } else if (dirty) {
      keysOf(bytes, f, note)
    }
    return true
  }

  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!
    if (seg.baseOffset >= range.scanEnd) break
    if (seg.baseOffset >= dirtyEnd && pending.size === 0) break
    let stopped = false
    const result = await scanSegment(seg.fh, 0, seg.size, false, b => {
      const more = onBatch(b.bytes)
      if (!more) stopped = true
      return more
    })
    if (result.stopReason !== 'end') throw new Error(`segment ${seg.logPath} is ${result.stopReason} at ${result.validEnd}`)
    if (stopped) break
    // the key map is bounded: the dirty section ends at the segment where it filled up
    if (i < range.endIndex && seg.baseOffset >= range.dirtyStart && latest.size >= range.maxKeys) {
      dirtyEnd = Math.min(dirtyEnd, segments[i + 1]!.baseOffset)
    }
  }
  return { latest, txnOutcome, lastBatchOfProducer, dirtyEnd }
}
