// The tail cache: the most recently written batches of each partition, kept in
// memory so that a consumer fetching at or near the high watermark is answered
// without a positional read (a thread-pool hop and a copy out of the page cache
// per fetch). Each written group of appends is copied once into blocks of about
// 1 MiB (the produce frame it came in is recycled after the answer); fetches are answered
// with a copy into the caller's (pooled) buffer, or with views into it, which
// are never written to.
//
// A partition's cache always holds one unbroken run of batches ending at the
// high watermark, so "the batch holding fetchOffset is cached" means every batch
// after it is too. Whatever could make the cache differ from the log empties it
// (or drops its front): a group that cannot be cached, compaction rewriting
// segments, the partition failing or closing. One budget bounds the bytes held
// by all partitions together; over it, the oldest block of any partition goes.
//
// Memory of evicted blocks that no read ever handed out is reused for the next
// groups: a fresh buffer per group costs its page faults on first touch and, as
// external memory, extra garbage collections (about 0.3-0.4 CPU s per GB
// produced, measured), which a partition that nobody reads (a producer filling
// a topic) would pay for nothing. A block a read lent views of is never reused:
// those views may live on in a response or in a consumer's records; it is left
// to the garbage collector as before.

/** Consecutive batches of one written group, copied into one buffer; accounted and evicted as a whole. */
interface Block {
  owner: TailCache
  buffer: Buffer
  /** Batches of this block still in its owner's cache. */
  remaining: number
  released: boolean
  /** A read handed out views into `buffer`: its memory must never be reused. */
  lent: boolean
}

/** Written groups are cut into blocks of about this size (a larger batch is a block of its own). */
const BLOCK_BYTES = 1024 * 1024

/** Cached answers up to this size are copied into the reader's buffer rather than lent (see read()). */
const COPIED_READ_MAX_BYTES = 1024 * 1024

/** Blocks of 4 KiB and more are recycled; smaller ones come from Node's own slab pool. */
const MIN_RECYCLED_BYTES = 4096

/** Size classes of four steps per power of two, so a recycled buffer wastes at most a quarter of itself. */
export function sizeClassOf (size: number): number {
  const step = 2 ** Math.max(0, Math.floor(Math.log2(size)) - 2)
  return Math.ceil(size / step) * step
}

interface CachedBatch {
  baseOffset: number
  lastOffset: number
  block: Block
  start: number
  end: number
}

/** A batch being cached: where it lies in `payload` and the offsets it was given. */
export interface TailBatch {
  position: number
  size: number
  baseOffset: number
  lastOffset: number
}

export class TailCacheBudget {
  private used = 0
  /** Blocks in the order they were admitted; released ones are skipped when met. */
  private order: Array<Block | undefined> = []
  private head = 0
  /** Memory of released blocks no read ever lent, by size class, for the next blocks. */
  private readonly spare = new Map<number, ArrayBuffer[]>()
  /** Backing memory take() allocated: only these may be kept as spare. */
  private readonly made = new WeakSet<ArrayBuffer>()
  private spareTotal = 0
  private reusedTotal = 0
  private readonly maxSpareBytes: number

  /** @param maxBytes bytes all partitions' caches may hold together; 0 turns caching off. */
  constructor (readonly maxBytes: number) {
    this.maxSpareBytes = Math.min(16 * 1024 * 1024, Math.floor(maxBytes / 4))
  }

  get usedBytes (): number { return this.used }
  /** Bytes of released blocks kept for reuse. */
  get spareBytes (): number { return this.spareTotal }
  /** Bytes of blocks built in reused memory since the start. */
  get reusedBytes (): number { return this.reusedTotal }

  /**
   * A buffer of exactly `size` bytes for a new block: spare memory when some of
   * its size class, or of a class at most twice as large, is kept (groups vary
   * in size from one write to the next, so an exact class alone rarely fits).
   */
  take (size: number): Buffer {
    if (size < MIN_RECYCLED_BYTES) return Buffer.allocUnsafe(size)
    const sizeClass = sizeClassOf(size)
    let best = 0
    for (const [c, list] of this.spare) if (c >= sizeClass && c <= 2 * sizeClass && list.length > 0 && (best === 0 || c < best)) best = c
    const backing = best === 0 ? undefined : this.spare.get(best)!.pop()
    if (backing === undefined) {
      const fresh = Buffer.allocUnsafeSlow(sizeClass)
      this.made.add(fresh.buffer as ArrayBuffer)
      return fresh.subarray(0, size)
    }
    this.spareTotal -= backing.byteLength
    this.reusedTotal += size
    return Buffer.from(backing, 0, size)
  }

  /** A new cache drawing on this budget. */
  cache (): TailCache { return new TailCache(this) }

  /** Memory a block holds: the whole buffer take() made for it (it may be reused from a larger class). */
  private costOf (buffer: Buffer): number {
    const backing = buffer.buffer as ArrayBuffer
    return this.made.has(backing) ? backing.byteLength : buffer.length
  }

  admit (block: Block): void {
    this.order.push(block)
    this.used += this.costOf(block.buffer)
    while (this.used > this.maxBytes && this.head < this.order.length) {
      const oldest = this.order[this.head]
      this.order[this.head++] = undefined
      if (oldest !== undefined && !oldest.released) oldest.owner.evict(oldest)
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head)
      this.head = 0
    }
  }

  release (block: Block): void {
    if (block.released) return
    block.released = true
    this.used -= this.costOf(block.buffer)
    if (block.lent) return
    const backing = block.buffer.buffer as ArrayBuffer
    if (!this.made.has(backing)) return
    if (this.spareTotal + backing.byteLength > this.maxSpareBytes) return
    const list = this.spare.get(backing.byteLength)
    if (list === undefined) this.spare.set(backing.byteLength, [backing]); else list.push(backing)
    this.spareTotal += backing.byteLength
  }
}

export class TailCache {
  private batches: Array<CachedBatch | undefined> = []
  private head = 0

  constructor (private readonly budget: TailCacheBudget) {}

  get size (): number { return this.batches.length - this.head }

  /** Caches batches just written (offsets assigned); they must follow the cached ones directly. */
  add (payloads: ReadonlyArray<{ payload: Buffer, batches: TailBatch[] }>): void {
    let total = 0
    for (const p of payloads) total += p.payload.length
    if (total === 0) return
    const first = payloads[0]?.batches[0]
    const last = this.batches[this.batches.length - 1]
    // more than the whole budget, or not directly after what is cached: the cache
    // could no longer answer for an unbroken run ending at the high watermark
    if (total > this.budget.maxBytes || first === undefined || (last !== undefined && last.lastOffset + 1 !== first.baseOffset)) {
      this.clear()
      if (total > this.budget.maxBytes || first === undefined) return
    }
    // Cut into blocks of about BLOCK_BYTES at batch boundaries: a written group
    // can be anything from one small batch to 16 MiB, and blocks of similar size
    // are what lets evicted memory be reused for the next ones.
    let blockBatches: Array<{ payload: Buffer, batch: TailBatch }> = []
    let blockBytes = 0
    for (const p of payloads) {
      for (const b of p.batches) {
        if (blockBytes > 0 && blockBytes + b.size > BLOCK_BYTES) {
          this.addBlock(blockBatches, blockBytes)
          blockBatches = []
          blockBytes = 0
        }
        blockBatches.push({ payload: p.payload, batch: b })
        blockBytes += b.size
      }
    }
    if (blockBytes > 0) this.addBlock(blockBatches, blockBytes)
  }

  private addBlock (batches: Array<{ payload: Buffer, batch: TailBatch }>, bytes: number): void {
    const block: Block = { owner: this, buffer: this.budget.take(bytes), remaining: 0, released: false, lent: false }
    let at = 0
    for (const { payload, batch } of batches) {
      payload.copy(block.buffer, at, batch.position, batch.position + batch.size)
      this.batches.push({ baseOffset: batch.baseOffset, lastOffset: batch.lastOffset, block, start: at, end: at + batch.size })
      block.remaining++
      at += batch.size
    }
    this.budget.admit(block)
  }

  /**
   * Whole batches from the one holding `fetchOffset`, up to `maxBytes` (the first
   * whole even if larger, when `minOneBatch`), as the segment read would answer;
   * null when that batch is not cached. A small answer (a consumer at the tail,
   * fetching what was just written) is copied into one buffer from `allocate`
   * (the fetch handler's pooled buffers, recycled once the socket took the
   * response), so the blocks it read stay reusable; a large one (catching up),
   * or any answer without `allocate`, is views into the cache, whose blocks are
   * then never reused (copying megabytes per fetch costs more than it saves).
   */
  read (fetchOffset: number, maxBytes: number, minOneBatch: boolean, allocate?: (size: number) => Buffer): { chunks: Buffer[], bytes: number } | null {
    const from = this.indexOf(fetchOffset)
    if (from < 0) return null
    const chunks: Buffer[] = []
    let bytes = 0
    let run: CachedBatch | null = null
    let runEnd = 0
    for (let i = from; i < this.batches.length; i++) {
      const b = this.batches[i]!
      const size = b.end - b.start
      if (bytes + size > maxBytes && (bytes > 0 || !minOneBatch)) break
      // batches side by side in one block go out as one view
      if (run !== null && run.block === b.block && runEnd === b.start) {
        runEnd = b.end
      } else {
        if (run !== null) chunks.push(run.block.buffer.subarray(run.start, runEnd))
        run = b
        runEnd = b.end
      }
      bytes += size
    }
    if (run !== null) chunks.push(run.block.buffer.subarray(run.start, runEnd))
    if (bytes === 0) return { chunks, bytes }
    if (allocate === undefined || bytes > COPIED_READ_MAX_BYTES) {
      for (let i = from, n = 0; n < bytes; i++) {
        const b = this.batches[i]!
        b.block.lent = true
        n += b.end - b.start
      }
      return { chunks, bytes }
    }
    const out = allocate(bytes)
    let at = 0
    for (const c of chunks) at += c.copy(out, at)
    return { chunks: [out], bytes }
  }

  /** Index of the cached batch holding `offset`, or -1. */
  private indexOf (offset: number): number {
    let lo = this.head
    let hi = this.batches.length - 1
    if (hi < lo || this.batches[lo]!.baseOffset > offset || this.batches[hi]!.lastOffset < offset) return -1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.batches[mid]!.lastOffset < offset) lo = mid + 1; else hi = mid
    }
    return lo
  }

  /** Forgets batches that end before `offset` (the log start moved past them). */
  dropBefore (offset: number): void {
    while (this.head < this.batches.length && this.batches[this.head]!.lastOffset < offset) this.dropFront()
    this.compact()
  }

  /** Forgets everything (the log changed under the cache, or closed). */
  clear (): void {
    while (this.head < this.batches.length) this.dropFront()
    this.batches = []
    this.head = 0
  }

  /** The budget takes back `block` (the oldest of this cache). */
  evict (block: Block): void {
    while (this.head < this.batches.length && this.batches[this.head]!.block === block) this.dropFront()
    this.budget.release(block)
    this.compact()
  }

  private dropFront (): void {
    const b = this.batches[this.head]!
    this.batches[this.head++] = undefined
    if (--b.block.remaining === 0) this.budget.release(b.block)
  }

  private compact (): void {
    if (this.head === this.batches.length) { this.batches = []; this.head = 0 } else if (this.head > 1024 && this.head * 2 > this.batches.length) {
      this.batches = this.batches.slice(this.head)
      this.head = 0
    }
  }
}
