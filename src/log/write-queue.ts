// The write pipeline of one partition. Appends queue up while a write is in
// flight and the next write takes them all in one writev: fewer syscalls and
// fewer fsyncs under load, no copy of the batches. Offsets are assigned just
// before the write, so a failed write leaves no gap.
import type { BatchSpan } from '../protocol/records/split.js'
import type { ResolvedTopicConfig } from './config.js'
import { storageError } from '../errors.js'
import type { Segment } from './segment.js'

export interface PendingAppend {
  payload: Buffer
  spans: BatchSpan[]
  records: number
  baseOffset: number
  lastOffset: number
  logAppendTime: number
  resolve: () => void
  reject: (err: unknown) => void
}

export interface WriteQueueHooks {
  active: () => Segment
  roll: () => Promise<Segment>
  config: () => ResolvedTopicConfig
  now: () => number
  /** Writes offsets into the batches of `p` starting at `next`; returns the offset after them. */
  assign: (p: PendingAppend, next: number) => number
  /** The group is on the OS; the log end is now `next`. */
  committed: (group: PendingAppend[], next: number) => void
  /** A write, roll or truncate failed; the group's appends were rejected with `err`. */
  failed: (err: unknown) => void
}

/** Upper bound of one coalesced write, to keep latency of the first waiter bounded. */
const MAX_GROUP_BYTES = 16 * 1024 * 1024
// The offset index stores offsets relative to the segment's base in 32 bits, as
// Kafka's does; a segment is rolled before an append would go past that (Kafka's
// LogSegment.canConvertToRelativeOffset). Offsets inside one segment can jump
// (compaction keeps the last offsets of a batch), so the byte size alone does
// not bound them.
export const MAX_RELATIVE_OFFSET = 0x7fffffff

/** How many offsets an append takes. */
function offsetsOf (p: PendingAppend): number {
  let n = 0
  for (const span of p.spans) n += span.header.lastOffsetDelta + 1
  return n
}

/** Whether `offsets` more offsets after `used` already in the group would overflow seg's relative offsets. */
function overflowsIndex (seg: Segment, used: number, offsets: number): boolean {
  return seg.nextOffset + used + offsets - 1 - seg.baseOffset > MAX_RELATIVE_OFFSET
}

export class WriteQueue {
  private pending: PendingAppend[] = []
  /** Set and cleared synchronously by drain(), so a push never lands in a finished loop. */
  private draining = false
  private running: Promise<void> = Promise.resolve()

  constructor (private readonly hooks: WriteQueueHooks) {}

  push (p: PendingAppend): void {
    this.pending.push(p)
    if (!this.draining) {
      this.draining = true
      this.running = this.drain()
    }
  }

  /** Resolves when everything queued so far is written (or failed). */
  async drained (): Promise<void> {
    while (this.draining) await this.running
  }

  private async drain (): Promise<void> {
    for (;;) {
      // checked and cleared in the same synchronous step as the last resolve
      if (this.pending.length === 0) { this.draining = false; return }
      try {
        await this.drainOnce()
      } catch (err) {
        this.failGroup(this.pending.splice(0), storageError('write pipeline failed', err))
      }
    }
  }

  private async drainOnce (): Promise<void> {
    let seg = this.hooks.active()
    const cfg = this.hooks.config()
    const first = this.pending[0]!
    const now = this.hooks.now()
    try {
      if (!seg.isEmpty && (seg.size + first.payload.length > cfg.segmentBytes || now - seg.createdMs >= cfg.segmentMs ||
          overflowsIndex(seg, 0, offsetsOf(first)))) {
        seg = await this.hooks.roll()
      }
    } catch (err) {
      this.failGroup(this.pending.splice(0), storageError('segment roll failed', err))
      return
    }
    let bytes = 0
    let offsets = 0
    let n = 0
    while (n < this.pending.length) {
      const p = this.pending[n]!
      const len = p.payload.length
      const more = offsetsOf(p)
      if (n > 0 && (seg.size + bytes + len > cfg.segmentBytes || bytes + len > MAX_GROUP_BYTES || overflowsIndex(seg, offsets, more))) break
      bytes += len
      offsets += more
      n++
    }
    const group = this.pending.splice(0, n)
    await this.writeGroup(seg, group, now)
  }

  private async writeGroup (seg: Segment, group: PendingAppend[], now: number): Promise<void> {
    let next = seg.nextOffset
    for (const p of group) next = this.hooks.assign(p, next)
    try {
      await seg.appendBatches(group.map(p => p.payload), group.length === 1 ? group[0]!.spans : group.flatMap(p => p.spans), now)
    } catch (err) {
      this.failGroup(group, err)
      return
    }
    this.hooks.committed(group, next)
  }

  private failGroup (group: PendingAppend[], err: unknown): void {
    for (const p of group) p.reject(err)
    this.hooks.failed(err)
  }
}
