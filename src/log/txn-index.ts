// The aborted-transaction index of one partition: for every transaction that
// ended with an abort marker, its producer id, its first offset and the offset
// of the marker. A read_committed Fetch returns the entries overlapping the
// fetched range so the consumer can drop those records (Kafka's .txnindex).
// Entries are appended in marker order, so lastOffset only grows.
// Also here: what a read_committed fetch does with it (limitToStable).
import { BatchOffsets, readInt64 } from '../protocol/records/batch-header.js'
import { storedBaseOffset, storedLastOffset, walkBatches } from './batch-walk.js'

export interface AbortedTxn {
  producerId: number
  firstOffset: number
  /** Offset of the abort marker. */
  lastOffset: number
}

export class AbortedTxnIndex {
  private entries: AbortedTxn[] = []
  /** Longest span (lastOffset - firstOffset) seen: bounds how far past a range a lookup must look. */
  private maxSpan = 0

  get size (): number { return this.entries.length }

  add (entry: AbortedTxn): void {
    this.entries.push(entry)
    const span = entry.lastOffset - entry.firstOffset
    if (span > this.maxSpan) this.maxSpan = span
  }

  /**
   * Aborted transactions that overlap [from, to): the marker is at or after
   * `from` and the transaction began before `to`.
   */
  overlapping (from: number, to: number): Array<{ producerId: number, firstOffset: number }> {
    const out: Array<{ producerId: number, firstOffset: number }> = []
    const list = this.entries
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (list[mid]!.lastOffset < from) lo = mid + 1; else hi = mid
    }
    // past to + maxSpan no transaction can have started before `to`
    const stopAt = to + this.maxSpan
    for (let i = lo; i < list.length; i++) {
      const e = list[i]!
      if (e.lastOffset > stopAt) break
      if (e.firstOffset < to) out.push({ producerId: e.producerId, firstOffset: e.firstOffset })
    }
    // clients walk this list in firstOffset order (kafkajs assumes it), while markers come in end order
    if (out.length > 1) out.sort((a, b) => a.firstOffset - b.firstOffset)
    return out
  }

  /** Drops entries whose marker lies below the log start offset (their records are gone). */
  truncateBefore (logStartOffset: number): void {
    let n = 0
    while (n < this.entries.length && this.entries[n]!.lastOffset < logStartOffset) n++
    if (n > 0) this.entries = this.entries.slice(n)
  }

  toJSON (): Array<[number, number, number]> {
    return this.entries.map(e => [e.producerId, e.firstOffset, e.lastOffset])
  }

  static fromJSON (rows: unknown): AbortedTxnIndex {
    const index = new AbortedTxnIndex()
    if (!Array.isArray(rows)) return index
    for (const row of rows) {
      if (!Array.isArray(row) || row.length !== 3) continue
      const [producerId, firstOffset, lastOffset]: unknown[] = row
      if (typeof producerId === 'number' && typeof firstOffset === 'number' && typeof lastOffset === 'number') {
        index.add({ producerId, firstOffset, lastOffset })
      }
    }
    return index
  }
}

/**
 * Moves each listed transaction's first offset up to its producer's first batch
 * inside the fetched chunks (dropping transactions with no batch there), sorted
 * by that offset. Java and librdkafka filter the same records either way; kafkajs
 * activates at most one listed transaction per record it walks, so a fetch that
 * starts after the first offsets of two aborted transactions would otherwise let
 * records of the second through.
 */
export function anchorAbortedTxns (list: Array<{ producerId: number, firstOffset: number }>, chunks: Buffer[]): Array<{ producerId: number, firstOffset: number }> {
  if (list.length === 0) return list
  const wanted = new Map<number, number[]>()
  for (const t of list) wanted.set(t.producerId, [])
  for (const chunk of chunks) {
    walkBatches(chunk, 0, pos => {
      wanted.get(readInt64(chunk, pos + BatchOffsets.producerId))?.push(storedBaseOffset(chunk, pos))
    })
  }
  const out: Array<{ producerId: number, firstOffset: number }> = []
  for (const t of list) {
    const first = wanted.get(t.producerId)!.find(o => o >= t.firstOffset)
    if (first !== undefined) out.push({ producerId: t.producerId, firstOffset: first })
  }
  return out.sort((a, b) => a.firstOffset - b.firstOffset)
}

export interface StableRead {
  chunks: Buffer[]
  bytes: number
  abortedTransactions: Array<{ producerId: number, firstOffset: number }>
}

/**
 * read_committed: keeps the batches of `chunks` (read from `fetchOffset`) that lie
 * below the last stable offset (open transactions stay hidden) and lists the
 * aborted transactions overlapping what is kept, for the consumer to drop.
 */
export function limitToStable (chunks: Buffer[], fetchOffset: number, lastStableOffset: number, aborted: AbortedTxnIndex): StableRead {
  let end = fetchOffset
  const kept: Buffer[] = []
  let bytes = 0
  for (const chunk of chunks) {
    const stop = walkBatches(chunk, 0, pos => {
      if (storedBaseOffset(chunk, pos) >= lastStableOffset) return false
      end = storedLastOffset(chunk, pos) + 1
    })
    if (stop > 0) { kept.push(stop === chunk.length ? chunk : chunk.subarray(0, stop)); bytes += stop }
    if (stop < chunk.length) break
  }
  const abortedTransactions = aborted.size > 0 && end > fetchOffset ? anchorAbortedTxns(aborted.overlapping(fetchOffset, end), kept) : []
  return { chunks: kept, bytes, abortedTransactions }
}
