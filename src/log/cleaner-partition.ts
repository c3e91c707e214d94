// One cleaning pass over one partition, as Kafka's cleaner does it: find the
// cleanable section (whole segments below the active one, the last stable
// offset and min.compaction.lag.ms), map each dirty key to its latest offset,
// then rewrite the segments from the start of the log to the end of the dirty
// section in groups of at most segment.bytes, each group swapped in atomically.
import { join } from 'node:path'
import { BatchOffsets } from '../protocol/records/batch-header.js'
import { TributaryError, TributaryErrorCode, isRecordFormatError } from '../errors.js'
import type { ResolvedTopicConfig } from './config.js'
import { filterBatch, emptyBatch } from './cleaner-batch.js'
import type { BatchOutcome } from './cleaner-batch.js'
import { analyzeLog, keyOf } from './cleaner-key-map.js'
import type { LogAnalysis } from './cleaner-key-map.js'
import { batchFacts } from './cleaner-records.js'
import type { RawRecord } from './cleaner-records.js'
import { CleanedFileWriter, cleanedFileName, commitSwap, finishSwap } from './cleaner-swap.js'
import type { FileSystem } from './fs.js'
import type { PartitionLog } from './partition-log.js'
import { scanSegment } from './segment-scan.js'
import { Segment } from './segment.js'

export interface CleanTarget {
  log: PartitionLog
  /** The partition's directory. */
  dir: string
  config: () => ResolvedTopicConfig
}

export interface PartitionCleanOptions {
  fs: FileSystem
  now: number
  /** Ignore min.cleanable.dirty.ratio (tests, an explicit request). */
  force: boolean
  /** First offset not yet cleaned (the cleaner's checkpoint). */
  checkpoint: number
  maxKeys: number
  shouldStop: () => boolean
}

export interface PartitionCleanResult {
  /** The new checkpoint: everything below it has been cleaned. */
  checkpoint: number
  segmentsRewritten: number
  recordsRemoved: number
  bytesBefore: number
  bytesAfter: number
}

/** Thrown when a swap was committed on disk but could not be finished in memory: the next open finishes it. */
export class SwapIncompleteError extends TributaryError {
  constructor (what: string, cause: unknown) {
    super(TributaryErrorCode.STORAGE_ERROR, `cleaner swap committed but not finished (${what}): ${(cause as Error)?.message ?? String(cause)}`, { cause })
  }
}

/** Reads batches of a segment in runs of about this many bytes, then processes them. */
const READ_RUN_BYTES = 1024 * 1024
/** An unchanged segment is held in memory up to this size before writing starts anyway. */
const HOLD_UNCHANGED_BYTES = 8 * 1024 * 1024
/** Offsets inside a segment are stored relative to its base as int32. */
const MAX_SEGMENT_OFFSET_SPAN = 0x7fffffff

/** Index of the first segment that must not be cleaned: active, unstable, or too young. */
function cleanableEndIndex (segs: readonly Segment[], lastStableOffset: number, cfg: ResolvedTopicConfig, now: number): number {
  let k = 0
  while (k < segs.length - 1) {
    const s = segs[k]!
    if (s.nextOffset > lastStableOffset) break
    if (cfg.minCompactionLagMs > 0 && s.maxTimestamp > now - cfg.minCompactionLagMs) break
    k++
  }
  return k
}

export async function cleanPartition (target: CleanTarget, opts: PartitionCleanOptions): Promise<PartitionCleanResult | null> {
  const cfg = target.config()
  if (!cfg.compact) return null
  const log = target.log
  const segs = log.segments.slice()
  let endIndex = cleanableEndIndex(segs, log.lastStableOffset, cfg, opts.now)
  const firstDirty = Math.max(opts.checkpoint, log.logStartOffset)
  let dirtyIndex = 0
  while (dirtyIndex < endIndex && segs[dirtyIndex]!.nextOffset <= firstDirty) dirtyIndex++
  if (dirtyIndex >= endIndex) return null
  let cleanBytes = 0
  let dirtyBytes = 0
  for (let i = 0; i < endIndex; i++) { if (i < dirtyIndex) cleanBytes += segs[i]!.size; else dirtyBytes += segs[i]!.size }
  const firstDirtySeg = segs[dirtyIndex]!
  const overdue = Number.isFinite(cfg.maxCompactionLagMs) && firstDirtySeg.maxTimestamp >= 0 &&
    firstDirtySeg.maxTimestamp < opts.now - cfg.maxCompactionLagMs
  if (!opts.force && !overdue && (dirtyBytes === 0 || dirtyBytes / (cleanBytes + dirtyBytes) < cfg.minCleanableDirtyRatio)) return null

  const analysis = await analyzeLog(segs, {
    dirtyStart: firstDirtySeg.baseOffset, endIndex, scanEnd: log.lastStableOffset, maxKeys: opts.maxKeys,
  })
  while (endIndex > 0 && segs[endIndex]!.baseOffset > analysis.dirtyEnd) endIndex--

  const result: PartitionCleanResult = { checkpoint: segs[endIndex]!.baseOffset, segmentsRewritten: 0, recordsRemoved: 0, bytesBefore: 0, bytesAfter: 0 }
  for (const group of groupSegments(segs.slice(0, endIndex), cfg.segmentBytes)) {
    if (opts.shouldStop()) { result.checkpoint = Math.min(result.checkpoint, group[0]!.baseOffset); break }
    const next = segs[segs.indexOf(group[group.length - 1]!) + 1]!
    await cleanGroup(target, opts, group, next.baseOffset, analysis, result)
  }
  return result
}

/** Consecutive segments whose sizes add up to at most `maxBytes` (at least one per group). */
export function groupSegments (segs: Segment[], maxBytes: number): Segment[][] {
  const groups: Segment[][] = []
  let current: Segment[] = []
  let bytes = 0
  for (const s of segs) {
    const first = current[0]
    if (first !== undefined && (bytes + s.size > maxBytes || s.nextOffset - first.baseOffset > MAX_SEGMENT_OFFSET_SPAN)) {
      groups.push(current)
      current = []
      bytes = 0
    }
    current.push(s)
    bytes += s.size
  }
  if (current.length > 0) groups.push(current)
  return groups
}

function decideBatch (bytes: Buffer, analysis: LogAnalysis, retain: (r: RawRecord) => boolean): { outcome: BatchOutcome, removed: number } {
  const f = batchFacts(bytes)
  if (f.control) return { outcome: { action: 'keep' }, removed: 0 }
  const retainEmpty = f.producerId >= 0 && analysis.lastBatchOfProducer.get(f.producerId) === f.baseOffset
  if (f.transactional) {
    const committed = analysis.txnOutcome.get(f.baseOffset)
    // a transaction not yet decided is left exactly as it is
    if (committed === undefined) return { outcome: { action: 'keep' }, removed: 0 }
    if (!committed) {
      return { outcome: retainEmpty ? { action: 'rewrite', bytes: emptyBatch(bytes) } : { action: 'drop' }, removed: f.recordCount }
    }
  }
  let outcome: BatchOutcome
  try {
    outcome = filterBatch(bytes, f, retain, retainEmpty)
  } catch (err) {
    // a batch we cannot read (over the decompression limit) is kept whole rather than lost
    if (isRecordFormatError(err)) return { outcome: { action: 'keep' }, removed: 0 }
    throw err
  }
  const removed = outcome.action === 'keep' ? 0 : outcome.action === 'drop' ? f.recordCount : f.recordCount - outcome.bytes.readInt32BE(BatchOffsets.recordCount)
  return { outcome, removed }
}

async function cleanGroup (target: CleanTarget, opts: PartitionCleanOptions, group: Segment[], end: number,
  analysis: LogAnalysis, result: PartitionCleanResult): Promise<void> {
  const cfg = target.config()
  const { fs, now } = opts
  const base = group[0]!.baseOffset
  const cleanedPath = join(target.dir, cleanedFileName(base, end))
  const retain = (r: RawRecord): boolean => {
    // keyless records cannot be compacted; Kafka refuses them at produce, we keep what was accepted
    if (r.key === null) return true
    const latest = analysis.latest.get(keyOf(r.key))
    if (latest !== undefined && latest > r.offset) return false
    if (r.tombstone && now - r.timestamp > cfg.deleteRetentionMs) return false
    return true
  }
  let changed = group.length > 1
  let writer: CleanedFileWriter | null = null
  let held: Buffer[] = []
  let heldBytes = 0
  let removed = 0
  const emit = async (bytes: Buffer): Promise<void> => {
    if (writer === null) {
      held.push(bytes)
      heldBytes += bytes.length
      if (!changed && heldBytes < HOLD_UNCHANGED_BYTES) return
      writer = await CleanedFileWriter.create(fs, cleanedPath)
      for (const b of held) await writer.add(b)
      held = []
      return
    }
    await writer.add(bytes)
  }
  try {
    for (const seg of group) {
      let from = 0
      while (from < seg.size) {
        const run: Buffer[] = []
        let runBytes = 0
        const scan = await scanSegment(seg.fh, from, seg.size, true, b => { run.push(b.bytes); runBytes += b.size; return runBytes < READ_RUN_BYTES })
        if (scan.stopReason !== 'end') {
          throw new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, `cleaner found a ${scan.stopReason} batch in ${seg.logPath} at ${scan.validEnd}`)
        }
        for (const bytes of run) {
          const { outcome, removed: n } = decideBatch(bytes, analysis, retain)
          removed += n
          if (outcome.action !== 'keep') changed = true
          if (outcome.action === 'keep') await emit(bytes)
          else if (outcome.action === 'rewrite') await emit(outcome.bytes)
        }
        from = scan.validEnd
      }
    }
    if (!changed) {
      if (writer !== null) { await (writer as CleanedFileWriter).abandon(); await fs.unlink(cleanedPath) }
      return
    }
    if (writer === null) {
      writer = await CleanedFileWriter.create(fs, cleanedPath)
      for (const b of held) await writer.add(b)
    }
    await (writer as CleanedFileWriter).finish()
  } catch (err) {
    if (writer !== null) await (writer as CleanedFileWriter).abandon()
    await fs.unlink(cleanedPath).catch(() => {})
    throw err
  }
  const bytesBefore = group.reduce((n, s) => n + s.size, 0)
  const swapped = await swapIn(target, opts, group, end)
  if (!swapped) return
  result.segmentsRewritten += group.length
  result.recordsRemoved += removed
  result.bytesBefore += bytesBefore
  result.bytesAfter += swapped.size
}

/** Under the partition's maintenance lock: commit the swap and replace the segments in memory. */
async function swapIn (target: CleanTarget, opts: PartitionCleanOptions, group: Segment[], end: number): Promise<Segment | null> {
  const { log, dir } = target
  const { fs } = opts
  const base = group[0]!.baseOffset
  return log.exclusive(async () => {
    const at = log.segments.indexOf(group[0]!)
    const intact = at >= 0 && at + group.length < log.segments.length && group.every((s, i) => log.segments[at + i] === s)
    if (!intact) {
      // retention or DeleteRecords removed some of them meanwhile: this result is stale
      await fs.unlink(join(dir, cleanedFileName(base, end)))
      return null
    }
    await commitSwap(fs, dir, base, end)
    try {
      await finishSwap(fs, dir, base, end, group.map(s => s.baseOffset))
      const { segment, recovery } = await Segment.load(fs, dir, base, () => target.config().indexIntervalBytes, opts.now)
      if (recovery !== null && recovery.stopReason !== 'end') throw new Error(`cleaned segment is ${recovery.stopReason}`)
      await segment.writeIndexes()
      log.segments.splice(log.segments.indexOf(group[0]!), group.length, segment)
      for (const s of group) log.retireSegment(s)
      log.forgetCachedTail()
      return segment
    } catch (err) {
      throw new SwapIncompleteError(`${target.log.topic}-${target.log.partition} at ${base}`, err)
    }
  })
}
