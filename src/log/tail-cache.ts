// The tail cache: the most recently written batches of each partition, kept in
// memory so that a consumer fetching at or near the high watermark is answered
// without a positional read (a thread-pool hop and a copy out of the page cache
// per fetch). Each written group of appends is copied once into one buffer (the
// produce frame it came in is recycled after the answer); fetches are answered
// with views into it, which are never written to.
//
// A partition's cache always holds one unbroken run of batches ending at the
// high watermark, so "the batch holding fetchOffset is cached" means every batch
// after it is too. Whatever could make the cache differ from the log empties it
// (or drops its front): a group that cannot be cached, compaction rewriting
// segments, the partition failing or closing. One budget bounds the bytes held
// by all partitions together; over it, the oldest group of any partition goes.
//
// Blocks come from a pool of warm buffers when one is given (profiled: a fresh
// buffer per group cost page faults on the copy and, as external memory, twice
// the collector time of a consumer reading from disk, so a tail consumer cost
// more broker CPU with the cache on than off). A block goes back to the pool
// only when it has left the cache and nothing can still read it: a reader that
// pins its read releases it once done (the Fetch handler, once the answer is
// on the socket); a block ever read without a pin is left to the collector.

/** One written group of appends, copied into one buffer; accounted and evicted as a whole. */
interface Block {
  owner: TailCache
  buffer: Buffer
  /** Batches of this block still in its owner's cache. */
  remaining: number
  released: boolean
  /** Memory it holds against the budget: a pooled buffer's whole size class, not only the bytes used. */
  cost: number
  /** Pinned reads not yet released. */
  pins: number
  /** Read without a pin: someone may hold a view for as long as they like, so never reused. */
  shared: boolean
}

/** Where blocks come from and go back to (the broker passes a FramePool); without one, fresh buffers. */
export interface BlockPool {
  acquire (size: number): Buffer
  release (buffer: Buffer): void
}

/** A read from the cache; a pinned one must be released once its chunks are no longer used. */
export interface TailRead {
  chunks: Buffer[]
  bytes: number
  /** Present on pinned reads: lets the blocks read go back to the pool. Safe to call more than once. */
  release?: () => void
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

  /**
   * @param maxBytes bytes all partitions' caches may hold together; 0 turns caching off.
   * @param pool where block buffers come from and return to once unused; fresh buffers without one.
   */
  constructor (readonly maxBytes: number, private readonly pool?: BlockPool) {}

  allocate (size: number): Buffer { return this.pool !== undefined ? this.pool.acquire(size) : Buffer.allocUnsafeSlow(size) }

  /** What a buffer from allocate() holds: its backing store, unless it is a small one sharing Node's slab. */
  static costOf (buffer: Buffer): number { return buffer.length >= 4096 ? buffer.buffer.byteLength : buffer.length }

  get usedBytes (): number { return this.used }

  /** A new cache drawing on this budget. */
  cache (): TailCache { return new TailCache(this) }

  admit (block: Block): void {
    this.order.push(block)
    this.used += block.cost
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
    this.used -= block.cost
    this.recycleIfUnused(block)
  }

  unpin (block: Block): void {
    block.pins--
    this.recycleIfUnused(block)
  }

  private recycleIfUnused (block: Block): void {
    if (block.released && block.pins === 0 && !block.shared && this.pool !== undefined) this.pool.release(block.buffer)
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
    const buffer = this.budget.allocate(total)
    const block: Block = { owner: this, buffer, remaining: 0, released: false, cost: TailCacheBudget.costOf(buffer), pins: 0, shared: false }
    let at = 0
    for (const p of payloads) {
      p.payload.copy(buffer, at)
      for (const b of p.batches) {
        this.batches.push({ baseOffset: b.baseOffset, lastOffset: b.lastOffset, block, start: at + b.position, end: at + b.position + b.size })
        block.remaining++
      }
      at += p.payload.length
    }
    this.budget.admit(block)
  }

  /**
   * Whole batches from the one holding `fetchOffset`, up to `maxBytes` (the first
   * whole even if larger, when `minOneBatch`), as the segment read would answer;
   * null when that batch is not cached. With `pin`, the blocks read stay out of
   * the pool until the answer's release() is called; without, they never return to it.
   */
  read (fetchOffset: number, maxBytes: number, minOneBatch: boolean, pin = false): TailRead | null {
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
    return this.hold({ chunks, bytes }, from, pin)
  }

  /** Pins (or marks shared) every block the read took views of. */
  private hold (read: TailRead, from: number, pin: boolean): TailRead {
    const blocks: Block[] = []
    let covered = 0
    for (let i = from; covered < read.bytes; i++) {
      const b = this.batches[i]!
      covered += b.end - b.start
      if (blocks[blocks.length - 1] === b.block) continue
      blocks.push(b.block)
      if (pin) b.block.pins++; else b.block.shared = true
    }
    if (!pin) return read
    let released = false
    read.release = () => {
      if (released) return
      released = true
      for (const block of blocks) this.budget.unpin(block)
    }
    return read
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
    if (this.batches.length === 0) return // called for every write a partition does not cache: no new array each time
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
