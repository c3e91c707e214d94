// One segment: `<baseOffset, 20 digits>.log` with batches exactly as appended,
// plus its sparse `.index` and `.timeindex`. The segment tracks the committed size
// (bytes whose write completed); readers never look past it.
import { join } from 'node:path'
import { BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD } from '../protocol/records/batch-header.js'
import type { BatchSpan } from '../protocol/records/split.js'
import { TributaryError, TributaryErrorCode, storageError } from '../errors.js'
import { storedBatchSize, storedLastOffset } from './batch-walk.js'
import type { FileHandle, FileSystem } from './fs.js'
import { OffsetIndex } from './offset-index.js'
import { TimeIndex } from './time-index.js'
import {
  decodeOffsetIndexFile, decodeTimeIndexFile, encodeOffsetIndexFile, encodeTimeIndexFile,
} from './index-file.js'
import type { SegmentSummary } from './index-file.js'
import { readAt, scanSegment } from './segment-scan.js'
import type { ScanResult } from './segment-scan.js'

export function segmentFileName (baseOffset: number, ext: '.log' | '.index' | '.timeindex'): string {
  return String(baseOffset).padStart(20, '0') + ext
}

export function parseSegmentFileName (name: string): number | null {
  const m = /^(\d{20})\.log$/.exec(name)
  return m === null ? null : Number(m[1])
}

export interface BatchRange { readonly baseOffset: number, readonly lastOffset: number, readonly maxTimestamp: number }

export interface SegmentRead { chunks: Buffer[], bytes: number }

export interface IndexSnapshot { summary: SegmentSummary, offsetEntries: number, timeEntries: number }

export interface SegmentLoadResult { segment: Segment, recovery: ScanResult | null }

export class Segment {
  size = 0
  nextOffset: number
  maxTimestamp = -1
  maxTimestampBatchOffset = -1
  offsetIndex = new OffsetIndex()
  timeIndex = new TimeIndex()
  private bytesSinceIndexEntry = 0
  /** Bytes covered by the index files on disk (their last checkpoint); -1 while there are none. */
  indexedBytesOnDisk = -1
  private indexWrites: Promise<void> = Promise.resolve()

  private constructor (
    private readonly fs: FileSystem,
    readonly dir: string,
    readonly baseOffset: number,
    readonly fh: FileHandle,
    public createdMs: number,
    private readonly indexIntervalBytes: () => number
  ) {
    this.nextOffset = baseOffset
  }

  get logPath (): string { return join(this.dir, segmentFileName(this.baseOffset, '.log')) }
  get indexPath (): string { return join(this.dir, segmentFileName(this.baseOffset, '.index')) }
  get timeIndexPath (): string { return join(this.dir, segmentFileName(this.baseOffset, '.timeindex')) }
  get isEmpty (): boolean { return this.size === 0 }

  static async create (fs: FileSystem, dir: string, baseOffset: number, nowMs: number, indexInterval: () => number): Promise<Segment> {
    const fh = await fs.open(join(dir, segmentFileName(baseOffset, '.log')), true)
    const seg = new Segment(fs, dir, baseOffset, fh, nowMs, indexInterval)
    const existing = await fh.size()
    if (existing > 0) await fh.truncate(0)
    // the file's name must be durable before any batch in it is acknowledged as
    // fsynced: fdatasync of the file does not persist its directory entry
    await fs.syncDir(dir)
    return seg
  }

  /**
   * Opens an existing segment. A valid index whose coverage equals the file size
   * is used as is (the clean-shutdown case: no log read); otherwise the part of
   * the file the index does not cover is scanned, CRCs checked, a bad tail cut off.
   */
  static async load (fs: FileSystem, dir: string, baseOffset: number, indexInterval: () => number, nowMs: number): Promise<SegmentLoadResult> {
    const fh = await fs.open(join(dir, segmentFileName(baseOffset, '.log')), false)
    const seg = new Segment(fs, dir, baseOffset, fh, nowMs, indexInterval)
    const fileSize = await fh.size()
    const saved = decodeOffsetIndexFile(await fs.readFile(seg.indexPath))
    const savedTime = saved === null ? null : decodeTimeIndexFile(await fs.readFile(seg.timeIndexPath))
    let from = 0
    if (saved !== null && savedTime !== null && saved.summary.coveredBytes <= fileSize) {
      seg.restore(saved.summary, saved.index, savedTime)
      from = saved.summary.coveredBytes
      // the index files are written only after the bytes they cover were fsynced,
      // so matching coverage means nothing after it needs checking
      if (from === fileSize) return { segment: seg, recovery: null }
    }
    const recovery = await seg.recover(from, fileSize)
    return { segment: seg, recovery }
  }

  private restore (summary: SegmentSummary, index: OffsetIndex, timeIndex: TimeIndex): void {
    this.size = summary.coveredBytes
    this.indexedBytesOnDisk = summary.coveredBytes
    this.nextOffset = summary.nextOffset
    this.maxTimestamp = summary.maxTimestamp
    this.maxTimestampBatchOffset = summary.maxTimestampBatchOffset
    this.createdMs = summary.createdMs
    this.offsetIndex = index
    this.timeIndex = timeIndex
    // the next entry is due one interval after the last indexed batch; being
    // conservative (index the next batch) costs at most one extra entry
    this.bytesSinceIndexEntry = Number.MAX_SAFE_INTEGER
  }

  /** Scans [from, fileSize), rebuilding indexes; truncates the file after the last good batch. */
  private async recover (from: number, fileSize: number): Promise<ScanResult> {
    const result = await scanSegment(this.fh, from, fileSize, true, b => {
      if (b.baseOffset < this.nextOffset || b.lastOffset < b.baseOffset) return false
      this.onAppended(b.position, b.size, b)
      this.size = b.position + b.size
    })
    if (result.validEnd !== this.size) result.stopReason = 'corrupt'
    if (this.size < fileSize) await this.fh.truncate(this.size)
    return result
  }

  /** Records a batch written at `position` in the in-memory indexes and summary. */
  onAppended (position: number, size: number, batch: BatchRange): void {
    if (this.bytesSinceIndexEntry >= this.indexIntervalBytes()) {
      const rel = batch.baseOffset - this.baseOffset
      this.offsetIndex.append(rel, position)
      this.timeIndex.append(this.maxTimestamp, rel)
      this.bytesSinceIndexEntry = 0
    }
    this.bytesSinceIndexEntry += size
    if (batch.maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = batch.maxTimestamp
      this.maxTimestampBatchOffset = batch.baseOffset
    }
    this.nextOffset = batch.lastOffset + 1
  }

  /**
   * Writes whole batches (offsets already assigned) at the end of the segment in
   * one writev and records them in the indexes. A failed write is cut back off, so
   * the file ends at a batch boundary; if that cut fails too the file's end is
   * unknown: TRUNCATE_FAILED, and the partition must stop taking writes.
   */
  async appendBatches (buffers: Buffer[], spans: readonly BatchSpan[], nowMs: number): Promise<void> {
    const position = this.size
    try {
      await this.fh.writev(buffers, position)
    } catch (err) {
      try {
        await this.fh.truncate(position)
      } catch (truncErr) {
        const reason = truncErr instanceof Error ? truncErr.message : String(truncErr)
        throw new TributaryError(TributaryErrorCode.TRUNCATE_FAILED, `truncate after failed write failed: ${reason}`, { cause: truncErr })
      }
      throw storageError('write failed', err)
    }
    if (this.isEmpty) this.createdMs = nowMs
    let pos = position
    for (const span of spans) {
      const h = span.header
      this.onAppended(pos, span.size, { baseOffset: h.baseOffset, lastOffset: h.baseOffset + h.lastOffsetDelta, maxTimestamp: h.maxTimestamp })
      pos += span.size
    }
    this.size = pos
  }

  summary (): SegmentSummary {
    return {
      coveredBytes: this.size,
      nextOffset: this.nextOffset,
      maxTimestamp: this.maxTimestamp,
      maxTimestampBatchOffset: this.maxTimestampBatchOffset,
      createdMs: this.createdMs,
    }
  }

  /** The indexes as they are now; consistent because size and entries change together. */
  snapshot (): IndexSnapshot {
    return { summary: this.summary(), offsetEntries: this.offsetIndex.count, timeEntries: this.timeIndex.count }
  }

  /**
   * Writes both index files. Call only once the log bytes they cover are fsynced.
   * Writes are serialized and one older than what is on disk is skipped, so a
   * late checkpoint never replaces a newer index.
   */
  writeIndexes (snap: IndexSnapshot = this.snapshot()): Promise<void> {
    // a failed earlier write was answered to its own caller; this one starts afresh
    this.indexWrites = this.indexWrites.catch(() => undefined).then(async () => {
      // equal coverage is the same content: nothing changed since it was written or read
      if (snap.summary.coveredBytes <= this.indexedBytesOnDisk) return
      const timeFile = encodeTimeIndexFile(this.timeIndex, Math.min(snap.timeEntries, this.timeIndex.count))
      const offsetFile = encodeOffsetIndexFile(snap.summary, this.offsetIndex, Math.min(snap.offsetEntries, this.offsetIndex.count))
      // time index first: the offset index is the one whose presence vouches for both
      await this.fs.writeFileAtomic(this.timeIndexPath, timeFile)
      await this.fs.writeFileAtomic(this.indexPath, offsetFile)
      this.indexedBytesOnDisk = snap.summary.coveredBytes
    })
    return this.indexWrites
  }

  async sync (): Promise<void> { await this.fh.sync() }

  async read (position: number, length: number, allocate?: (size: number) => Buffer): Promise<Buffer> {
    if (allocate === undefined) return readAt(this.fh, position, length)
    const buf = allocate(length)
    const n = await this.fh.read(buf, 0, length, position)
    return n === length ? buf : buf.subarray(0, n)
  }

  /**
   * Whole batches from the one containing `target`, up to `maxBytes` (but the
   * first whole batch even if larger, when `minOneBatch`), within committed bytes.
   */
  async readFrom (target: number, maxBytes: number, minOneBatch: boolean, allocate?: (size: number) => Buffer): Promise<SegmentRead | null> {
    const end = this.size
    let bufStart = this.offsetIndex.lookup(Math.max(0, target - this.baseOffset))
    if (bufStart >= end) return null
    const window = Math.min(end - bufStart, Math.max(maxBytes, BATCH_HEADER_SIZE) + this.indexIntervalBytes() + 65536)
    let buf = await this.read(bufStart, window, allocate)
    let off = 0
    for (;;) {
      if (bufStart + off >= end) return null
      if (off + BATCH_HEADER_SIZE > buf.length) {
        bufStart += off
        off = 0
        buf = await this.read(bufStart, Math.min(end - bufStart, window), allocate)
        if (buf.length < BATCH_HEADER_SIZE) return null
      }
      const size = storedBatchSize(buf, off)
      if (storedLastOffset(buf, off) >= target) break
      off += size
    }
    let taken = 0
    let scan = off
    while (bufStart + scan < end && scan + BATCH_LOG_OVERHEAD <= buf.length) {
      const size = storedBatchSize(buf, scan)
      if (taken + size > maxBytes && (taken > 0 || !minOneBatch)) break
      if (scan + size > buf.length) {
        if (taken > 0) break
        const whole = await this.read(bufStart + off, size, allocate)
        return { chunks: [whole], bytes: whole.length }
      }
      taken += size
      scan += size
    }
    return taken === 0 ? null : { chunks: [buf.subarray(off, off + taken)], bytes: taken }
  }

  /** Cuts the segment at `position` (a batch boundary). */
  async truncateTo (position: number, nextOffset: number): Promise<void> {
    await this.fh.truncate(position)
    this.size = position
    this.nextOffset = nextOffset
    this.offsetIndex.truncateToPosition(position)
    this.timeIndex.truncateToRelOffset(nextOffset - this.baseOffset)
  }

  async close (): Promise<void> { await this.fh.close() }

  async delete (): Promise<void> {
    // the files go next; a failed close only leaks a descriptor until exit, which the unlinks below do not depend on
    await this.fh.close().catch((err: unknown) => { process.emitWarning(`closing ${this.logPath} before deleting it failed: ${String(err)}`) })
    await this.fs.unlink(this.indexPath)
    await this.fs.unlink(this.timeIndexPath)
    await this.fs.unlink(this.logPath)
  }
}
