// Idempotent and transactional producer state of one partition, as Kafka's
// ProducerStateManager keeps it: per producer id its epoch, the sequence ranges
// and offsets of its last 5 batches (so a retried batch is answered with its
// original offsets instead of being written twice), and its open transaction.
// From the open transactions follows the last stable offset; from the abort
// markers the aborted-transaction index that read_committed fetches use.
//
// Two steps per append. stage() runs when the append is accepted, before its
// offsets exist: it checks epochs and sequences against everything accepted so
// far (queued appends included) and records the batch. assign() runs when the
// write queue gives the batch its offsets: transaction state moves only then,
// so it always describes batches that are in the log. A failed write calls
// rollback(), which forgets the staged batches so the producer's retry is accepted.
import { AttributeBits, BATCH_HEADER_SIZE } from '../protocol/records/batch-header.js'
import type { BatchHeader } from '../protocol/records/batch-header.js'
import { readVarint, readVarlong } from '../protocol/records/varint.js'
import { AbortedTxnIndex } from './txn-index.js'
import { TributaryError, TributaryErrorCode } from '../errors.js'

/** Kafka retains this many batches per producer (the most a client keeps in flight). */
export const RETAINED_BATCHES = 5
const MAX_SEQUENCE = 0x7fffffff

export interface BatchMeta {
  firstSeq: number
  lastSeq: number
  /** -1 until the write queue assigns offsets. */
  firstOffset: number
  lastOffset: number
  /** Settles when the append that carried this batch is written (or fails). */
  written?: Promise<unknown>
}

export interface ProducerEntry {
  producerId: number
  epoch: number
  batches: BatchMeta[]
  lastTimestamp: number
  coordinatorEpoch: number
  /** First offset of the open transaction, -1 if none. */
  txnFirstOffset: number
}

export const ControlType = { abort: 0, commit: 1 } as const

interface StagedBatch {
  spanIndex: number
  entry: ProducerEntry
  meta: BatchMeta | null
  transactional: boolean
  /** For control batches: commit or abort. */
  control: number | null
}

export interface Staging {
  batches: StagedBatch[]
  undo: Array<() => void>
  /** Set by assign(). */
  assigned: boolean
}

export type StageResult =
  | { kind: 'append', staging: Staging | null }
  | { kind: 'duplicate', meta: BatchMeta }

export interface StagedSpan { position: number, header: BatchHeader }

/** The answer for appends without producer ids (most of them): shared, nothing to allocate. */
const PLAIN_APPEND: StageResult = Object.freeze({ kind: 'append', staging: null })

/** Sequence of the last record of a batch, wrapping past Int32 max as Kafka does. */
export function lastSequenceOf (baseSequence: number, lastOffsetDelta: number): number {
  const last = baseSequence + lastOffsetDelta
  return last > MAX_SEQUENCE ? last - MAX_SEQUENCE - 1 : last
}

function inSequence (lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === MAX_SEQUENCE)
}

/** The type (commit 1 / abort 0) of a control batch's single record key. Control batches are never compressed. */
export function controlTypeOf (buf: Buffer, batchPosition: number): number {
  const cur = { pos: batchPosition + BATCH_HEADER_SIZE }
  readVarint(buf, cur) // record length
  cur.pos += 1 // attributes
  readVarlong(buf, cur) // timestamp delta
  readVarint(buf, cur) // offset delta
  const keyLength = readVarint(buf, cur)
  if (keyLength < 4 || cur.pos + 4 > buf.length) return -1
  return buf.readInt16BE(cur.pos + 2)
}

export class ProducerStateManager {
  readonly producers = new Map<number, ProducerEntry>()
  /** producerId -> first offset of its open transaction. */
  readonly ongoing = new Map<number, number>()
  aborted = new AbortedTxnIndex()
  /** Appends staged but not yet assigned offsets (a snapshot waits for none). */
  pending = 0

  /** First offset of the earliest open transaction, or undefined. */
  firstUnstableOffset (): number | undefined {
    let first: number | undefined
    for (const offset of this.ongoing.values()) if (first === undefined || offset < first) first = offset
    return first
  }

  /**
   * Checks the batches of one append and records them. Throws a TributaryError whose kafkaCode is the partition's answer.
   * `fromCoordinator` allows control batches (transaction markers).
   */
  stage (buf: Buffer, spans: StagedSpan[], now: number, fromCoordinator: boolean): StageResult {
    let staging: Staging | null = null
    try {
      for (let i = 0; i < spans.length; i++) {
        const h = spans[i]!.header
        const control = (h.attributes & AttributeBits.control) !== 0
        if (control && !fromCoordinator) throw new TributaryError(TributaryErrorCode.INVALID_RECORD, 'clients may not write control batches')
        if (h.producerId < 0) continue
        const transactional = (h.attributes & AttributeBits.transactional) !== 0
        let entry = this.producers.get(h.producerId)
        if (control) {
          if (entry !== undefined && h.producerEpoch < entry.epoch) {
            throw new TributaryError(TributaryErrorCode.INVALID_PRODUCER_EPOCH, `marker epoch ${h.producerEpoch} is older than ${entry.epoch}`)
          }
        } else if (entry !== undefined) {
          const duplicate = this.checkSequence(entry, h)
          if (duplicate !== null) {
            if (staging !== null) this.rollback(staging)
            return { kind: 'duplicate', meta: duplicate }
          }
          if (!transactional && entry.txnFirstOffset >= 0) {
            throw new TributaryError(TributaryErrorCode.INVALID_TXN_STATE, `producer ${h.producerId} has an open transaction`)
          }
        }
        staging ??= { batches: [], undo: [], assigned: false }
        if (entry === undefined) {
          entry = { producerId: h.producerId, epoch: h.producerEpoch, batches: [], lastTimestamp: now, coordinatorEpoch: -1, txnFirstOffset: -1 }
          this.producers.set(h.producerId, entry)
        }
        if (h.producerEpoch !== entry.epoch) { entry.epoch = h.producerEpoch; entry.batches = [] }
        entry.lastTimestamp = now
        let meta: BatchMeta | null = null
        if (!control) {
          const m: BatchMeta = { firstSeq: h.baseSequence, lastSeq: lastSequenceOf(h.baseSequence, h.lastOffsetDelta), firstOffset: -1, lastOffset: -1 }
          const e = entry
          meta = m
          e.batches.push(m)
          if (e.batches.length > RETAINED_BATCHES) e.batches.shift()
          // only this batch is forgotten: later appends of the same producer may be staged behind it
          staging.undo.push(() => {
            e.batches = e.batches.filter(b => b !== m)
            if (e.batches.length === 0 && e.txnFirstOffset < 0 && this.producers.get(e.producerId) === e) this.producers.delete(e.producerId)
          })
        }
        staging.batches.push({ spanIndex: i, entry, meta, transactional, control: control ? controlTypeOf(buf, spans[i]!.position) : null })
      }
    } catch (err) {
      if (staging !== null) this.rollback(staging)
      throw err
    }
    if (staging === null) return PLAIN_APPEND
    this.pending++
    return { kind: 'append', staging }
  }

  /** Null if the batch may be appended, its earlier copy if it is a retry; throws if out of order. */
  private checkSequence (entry: ProducerEntry, h: BatchHeader): BatchMeta | null {
    if (h.producerEpoch < entry.epoch) {
      throw new TributaryError(TributaryErrorCode.INVALID_PRODUCER_EPOCH,
        `producer ${h.producerId} epoch ${h.producerEpoch} is older than the current epoch ${entry.epoch}`)
    }
    const firstSeq = h.baseSequence
    const lastSeq = lastSequenceOf(firstSeq, h.lastOffsetDelta)
    if (h.producerEpoch > entry.epoch) {
      if (firstSeq !== 0) {
        throw new TributaryError(TributaryErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `producer ${h.producerId}: a new epoch ${h.producerEpoch} must start at sequence 0, got ${firstSeq}`)
      }
      return null
    }
    for (const b of entry.batches) if (b.firstSeq === firstSeq && b.lastSeq === lastSeq) return b
    const last = entry.batches.length > 0 ? entry.batches[entry.batches.length - 1]!.lastSeq : -1
    if (inSequence(last, firstSeq)) return null
    if (last >= 0 && firstSeq <= last && lastSeq <= last) {
      throw new TributaryError(TributaryErrorCode.DUPLICATE_SEQUENCE_NUMBER,
        `producer ${h.producerId}: sequences ${firstSeq}-${lastSeq} were already written (last ${last})`)
    }
    throw new TributaryError(TributaryErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      `producer ${h.producerId}: expected sequence ${last + 1 > MAX_SEQUENCE ? 0 : last + 1}, got ${firstSeq}`)
  }

  /** The write queue gave the staged batches their offsets (headers' baseOffset is set). */
  assign (staging: Staging, spans: StagedSpan[]): void {
    if (staging.assigned) return
    staging.assigned = true
    this.pending--
    for (const s of staging.batches) {
      const h = spans[s.spanIndex]!.header
      this.applyAssigned(s.entry, h.baseOffset, h.baseOffset + h.lastOffsetDelta, s.meta, s.transactional, s.control)
    }
  }

  private applyAssigned (entry: ProducerEntry, firstOffset: number, lastOffset: number, meta: BatchMeta | null, transactional: boolean, control: number | null): void {
    if (meta !== null) {
      meta.firstOffset = firstOffset
      meta.lastOffset = lastOffset
      if (transactional && entry.txnFirstOffset < 0) {
        entry.txnFirstOffset = firstOffset
        this.ongoing.set(entry.producerId, firstOffset)
      }
      return
    }
    if (control === null) return
    if (entry.txnFirstOffset >= 0 && control === ControlType.abort) {
      this.aborted.add({ producerId: entry.producerId, firstOffset: entry.txnFirstOffset, lastOffset: firstOffset })
    }
    entry.txnFirstOffset = -1
    this.ongoing.delete(entry.producerId)
  }

  /** The append failed: forget what stage() recorded, so the producer's retry is accepted. */
  abandon (staging: Staging): void {
    if (!staging.assigned) this.pending--
    staging.assigned = true
    this.rollback(staging)
  }

  private rollback (staging: Staging): void {
    for (let i = staging.undo.length - 1; i >= 0; i--) staging.undo[i]!()
  }

  /**
   * Rebuilds state from a batch read back from the log (recovery). `control` is
   * the marker type for control batches, else null.
   */
  replay (h: BatchHeader, control: number | null): void {
    if (h.producerId < 0) return
    let entry = this.producers.get(h.producerId)
    if (entry === undefined) {
      entry = { producerId: h.producerId, epoch: h.producerEpoch, batches: [], lastTimestamp: h.maxTimestamp, coordinatorEpoch: -1, txnFirstOffset: -1 }
      this.producers.set(h.producerId, entry)
    }
    if (h.producerEpoch > entry.epoch) { entry.epoch = h.producerEpoch; entry.batches = [] }
    if (h.maxTimestamp > entry.lastTimestamp) entry.lastTimestamp = h.maxTimestamp
    const lastOffset = h.baseOffset + h.lastOffsetDelta
    let meta: BatchMeta | null = null
    if (control === null) {
      meta = { firstSeq: h.baseSequence, lastSeq: lastSequenceOf(h.baseSequence, h.lastOffsetDelta), firstOffset: h.baseOffset, lastOffset }
      entry.batches.push(meta)
      if (entry.batches.length > RETAINED_BATCHES) entry.batches.shift()
    }
    this.applyAssigned(entry, h.baseOffset, lastOffset, null, false, control)
    if (meta !== null && (h.attributes & AttributeBits.transactional) !== 0 && entry.txnFirstOffset < 0) {
      entry.txnFirstOffset = h.baseOffset
      this.ongoing.set(entry.producerId, h.baseOffset)
    }
  }

  /**
   * Forgets producers idle for longer than `expirationMs` (producer.id.expiration.ms)
   * that have no open transaction. Returns how many were removed.
   */
  expire (now: number, expirationMs: number): number {
    let removed = 0
    for (const [id, entry] of this.producers) {
      if (entry.txnFirstOffset >= 0 || entry.lastTimestamp + expirationMs >= now) continue
      if (entry.batches.some(b => b.firstOffset < 0)) continue
      this.producers.delete(id)
      removed++
    }
    return removed
  }
}
