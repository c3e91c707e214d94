// retention.ms / retention.bytes: which old segments go. Only whole segments
// before the active one are deleted, oldest first, and the log start moves to
// the end of the last one deleted (Kafka's rule: a segment goes when its newest
// record is older than retention.ms, or while the log without it still holds
// retention.bytes).
import type { ResolvedTopicConfig } from './config.js'
import type { Segment } from './segment.js'

export interface RetentionCut {
  /** How many of the oldest segments to delete. */
  segments: number
  /** The log start offset after deleting them. */
  logStartOffset: number
}

export function retentionCut (segments: readonly Segment[], cfg: ResolvedTopicConfig, nowMs: number, logStartOffset: number): RetentionCut {
  let deleted = 0
  let total = 0
  for (const s of segments) total += s.size
  let newStart = logStartOffset
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i]!
    const expired = Number.isFinite(cfg.retentionMs) && seg.maxTimestamp >= 0 && seg.maxTimestamp < nowMs - cfg.retentionMs
    const oversize = Number.isFinite(cfg.retentionBytes) && total - seg.size >= cfg.retentionBytes
    if (!expired && !oversize) break
    total -= seg.size
    newStart = Math.max(newStart, seg.nextOffset)
    deleted++
  }
  return { segments: deleted, logStartOffset: newStart }
}

/** Deleted segments' files stay open this long so in-flight reads finish. */
const DELETED_SEGMENT_CLOSE_DELAY_MS = 30_000

/** Segments whose files were unlinked: readable through their open handles for a while, then closed. */
export class RetiredSegments {
  private readonly pending = new Set<Segment>()

  constructor (private readonly onCloseError: (err: unknown) => void) {}

  retire (seg: Segment): void {
    this.pending.add(seg)
    setTimeout(() => {
      if (this.pending.delete(seg)) seg.close().catch(this.onCloseError)
    }, DELETED_SEGMENT_CLOSE_DELAY_MS).unref()
  }

  async closeAll (): Promise<void> {
    for (const seg of this.pending) await seg.close().catch(this.onCloseError)
    this.pending.clear()
  }
}
