// Index checkpoints of the active segment. After a crash a segment is re-scanned
// from where its index files stop, so saving them every so often bounds that
// scan (and with it the restart time after kill -9) by bytes, not by log size.
// A checkpoint only covers bytes an fsync already made durable.
import type { IndexSnapshot, Segment } from './segment.js'
import { traceBackground } from './background-trace.js'

/** Save the active segment's indexes after this many new durable bytes. */
export const INDEX_CHECKPOINT_BYTES = 64 * 1024 * 1024

export class IndexCheckpoints {
  private running: Promise<void> | null = null

  constructor (private readonly onError: (err: unknown) => void) {}

  /** Call after `seg` was fsynced up to `snap`: starts a checkpoint if enough is uncovered and none runs. */
  afterSync (seg: Segment, snap: IndexSnapshot): void {
    if (this.running !== null || snap.summary.coveredBytes - seg.indexedBytesOnDisk < INDEX_CHECKPOINT_BYTES) return
    // a failed checkpoint costs only a longer scan after a crash; the next one retries
    this.running = traceBackground('index-checkpoint', () => seg.writeIndexes(snap)).catch(this.onError).finally(() => { this.running = null })
  }

  /** Resolves once the checkpoint in flight (if any) has finished. */
  async settled (): Promise<void> {
    if (this.running !== null) await this.running
  }
}
