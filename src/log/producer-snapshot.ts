// Producer state on disk: a snapshot file per partition (written at a clean
// close and whenever the partition is quiet after enough new bytes), and the
// rebuild at open: load the snapshot, then replay every batch written after it.
// After SIGTERM the snapshot ends at the log end and nothing is read; after
// SIGKILL only the batches since the last snapshot are re-read. A snapshot
// that claims more than the recovered log holds is discarded (the tail it
// describes is gone), and the whole log is replayed instead.
import { join } from 'node:path'
import { readBatchHeader } from '../protocol/records/batch-header.js'
import { isControl } from '../protocol/records/batch-header.js'
import type { FileSystem } from './fs.js'
import { traceBackground } from './background-trace.js'
import { controlTypeOf, ProducerStateManager } from './producer-state.js'
import type { BatchMeta, ProducerEntry } from './producer-state.js'
import { scanSegment } from './segment-scan.js'
import type { Segment } from './segment.js'
import { AbortedTxnIndex } from './txn-index.js'

export const PRODUCER_SNAPSHOT_FILE = 'producer-state.json'
const SNAPSHOT_VERSION = 1

interface SnapshotFile {
  version: number
  /** State covers every batch below this offset. */
  offset: number
  producers: Array<{ id: number, epoch: number, ts: number, ce: number, txn: number, batches: Array<[number, number, number, number]> }>
  aborted: unknown
}

/** The snapshot of a state in which every staged batch has its offsets (pending === 0). */
export function encodeProducerSnapshot (state: ProducerStateManager, offset: number): string {
  const producers: SnapshotFile['producers'] = []
  for (const e of state.producers.values()) {
    producers.push({
      id: e.producerId,
      epoch: e.epoch,
      ts: e.lastTimestamp,
      ce: e.coordinatorEpoch,
      txn: e.txnFirstOffset,
      batches: e.batches.filter(b => b.firstOffset >= 0).map(b => [b.firstSeq, b.lastSeq, b.firstOffset, b.lastOffset]),
    })
  }
  const file: SnapshotFile = { version: SNAPSHOT_VERSION, offset, producers, aborted: state.aborted.toJSON() }
  return JSON.stringify(file)
}

export function decodeProducerSnapshot (raw: Buffer | null): { state: ProducerStateManager, offset: number } | null {
  if (raw === null) return null
  let file: SnapshotFile
  try { file = JSON.parse(raw.toString('utf8')) as SnapshotFile } catch { return null }
  if (file?.version !== SNAPSHOT_VERSION || typeof file.offset !== 'number' || !Array.isArray(file.producers)) return null
  const state = new ProducerStateManager()
  for (const p of file.producers) {
    const batches: BatchMeta[] = p.batches.map(([firstSeq, lastSeq, firstOffset, lastOffset]) => ({ firstSeq, lastSeq, firstOffset, lastOffset }))
    const entry: ProducerEntry = { producerId: p.id, epoch: p.epoch, batches, lastTimestamp: p.ts, coordinatorEpoch: p.ce, txnFirstOffset: p.txn }
    state.producers.set(p.id, entry)
    if (p.txn >= 0) state.ongoing.set(p.id, p.txn)
  }
  state.aborted = AbortedTxnIndex.fromJSON(file.aborted)
  return { state, offset: file.offset }
}

export interface RecoveredProducerState {
  state: ProducerStateManager
  /** The snapshot file already describes this state at the log end: no need to write it again. */
  current: boolean
  /** Batches replayed from the log (0 after a clean shutdown). */
  replayed: number
}

/** Loads the snapshot and replays the log after it. `segments` are the recovered segments. */
export async function recoverProducerState (fs: FileSystem, dir: string, segments: Segment[], logEndOffset: number): Promise<RecoveredProducerState> {
  const snapshot = decodeProducerSnapshot(await fs.readFile(join(dir, PRODUCER_SNAPSHOT_FILE)))
  const usable = snapshot !== null && snapshot.offset <= logEndOffset ? snapshot : null
  const state = usable?.state ?? new ProducerStateManager()
  const from = Math.max(usable?.offset ?? 0, segments[0]!.baseOffset)
  let replayed = 0
  if (from >= logEndOffset) return { state, replayed, current: usable !== null && usable.offset === logEndOffset }
  for (const seg of segments) {
    if (seg.nextOffset <= from) continue
    const start = seg.baseOffset >= from ? 0 : seg.offsetIndex.lookup(from - seg.baseOffset)
    await scanSegment(seg.fh, start, seg.size, false, b => {
      if (b.lastOffset < from) return
      const header = readBatchHeader(b.bytes, 0)
      if (header.producerId < 0) return
      state.replay(header, isControl(header.attributes) ? controlTypeOf(b.bytes, 0) : null)
      replayed++
    })
  }
  return { state, replayed, current: false }
}

export async function writeProducerSnapshot (fs: FileSystem, dir: string, state: ProducerStateManager, offset: number): Promise<void> {
  await fs.writeFileAtomic(join(dir, PRODUCER_SNAPSHOT_FILE), encodeProducerSnapshot(state, offset))
}

/** Snapshot producer state after this many new bytes (when no append is in flight), bounding the replay after a crash. */
const PRODUCER_SNAPSHOT_BYTES = 16 * 1024 * 1024

/** When one partition's producer state is snapshotted: every so many bytes while running, and at close. */
export class ProducerSnapshots {
  private bytesSince = 0
  private running: Promise<void> | null = null
  /** The file on disk describes the state at the log end (nothing written since it was read or written). */
  current = false

  constructor (private readonly fs: FileSystem, private readonly dir: string, private readonly onError: (err: unknown) => void) {}

  /** After a write. A snapshot needs every staged batch to have its offsets, so it waits for a quiet moment. */
  afterWrite (bytes: number, state: ProducerStateManager, logEndOffset: number): void {
    this.bytesSince += bytes
    this.current = false
    if (this.bytesSince < PRODUCER_SNAPSHOT_BYTES || state.pending > 0 || this.running !== null) return
    this.bytesSince = 0
    // a failed snapshot costs only a longer replay after a crash; the next one retries
    this.running = traceBackground('producer-snapshot', () => writeProducerSnapshot(this.fs, this.dir, state, logEndOffset))
      .catch(this.onError).finally(() => { this.running = null })
  }

  /** The snapshot at a clean close: after it nothing is replayed at the next open. */
  async final (state: ProducerStateManager, logEndOffset: number): Promise<void> {
    if (this.running !== null) await this.running
    if (this.current) return
    await writeProducerSnapshot(this.fs, this.dir, state, logEndOffset)
    this.current = true
  }
}
