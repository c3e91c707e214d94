import type { IdSink } from './id-list.js'

/** Most buckets of the point directory (see slotOf): 256 KiB at most. */
const MAX_BUCKETS = 1 << 16
const NONE = -1
const MANY = -2

interface Interval {
  readonly lo: number
  readonly loOpen: boolean
  readonly hi: number
  readonly hiOpen: boolean
  readonly id: number
}

/**
 * Numeric ranges of one field, answering "which ranges contain x". The
 * endpoints cut the number line into slots; usually each slot simply lists the
 * ranges covering it (one binary search, one list). When ranges overlap so much
 * that those lists would grow quadratic, a segment tree is used instead
 * (O(log n + answers), O(n log n) space). Rebuilt lazily after rules change.
 */
export class IntervalIndex {
  private readonly intervals: Interval[] = []
  private points = new Float64Array(0)
  /**
   * A directory over the points: the range from the first point to the last is
   * cut into equal buckets, and bucketStart[b] is how many points lie in buckets
   * before b. A value's bucket is one subtraction and one multiplication away, so
   * a lookup searches only the few points of its own bucket instead of binary
   * searching all of them (a chain of unpredictable branches and dependent loads).
   */
  private bucketStart = new Int32Array(1)
  private first = 0
  private last = 0
  private scale = 0
  private lastBucket = 0
  private base = 0
  private nodes: (number[] | null)[] = []
  /**
   * When overlap is modest, the ids covering slot s are slotIds[slotStart[s] .. slotStart[s + 1]):
   * two flat arrays, so a lookup reads two places. Otherwise null and `nodes` holds a segment tree.
   */
  private slotStart: Int32Array | null = null
  private slotIds = new Int32Array(0)
  /** Per slot: its only id, or NONE, or MANY (then see slotStart); most slots hold at most one, and this saves a lookup. */
  private slotSingle = new Int32Array(0)
  private dirty = false

  get size (): number {
    return this.intervals.length
  }

  add (lo: number, loOpen: boolean, hi: number, hiOpen: boolean, id: number): void {
    this.intervals.push({ lo, loOpen, hi, hiOpen, id })
    this.dirty = true
  }

  remove (lo: number, loOpen: boolean, hi: number, hiOpen: boolean, id: number): void {
    const at = this.intervals.findIndex(r => r.id === id && r.lo === lo && r.hi === hi && r.loOpen === loOpen && r.hiOpen === hiOpen)
    if (at >= 0) {
      this.intervals.splice(at, 1)
      this.dirty = true
    }
  }

  collect (x: number, out: IdSink): void {
    if (this.dirty) this.rebuild()
    if (Number.isNaN(x)) return // NaN lies in no range (JSON has none; this guards other callers)
    const slot = this.slotOf(x)
    const starts = this.slotStart
    if (starts !== null) {
      const single = this.slotSingle[slot]!
      if (single !== MANY) {
        if (single !== NONE) out.push(single)
        return
      }
      const ids = this.slotIds
      for (let k = starts[slot]!, end = starts[slot + 1]!; k < end; k++) out.push(ids[k]!)
      return
    }
    let i = slot + this.base
    while (i >= 1) {
      const ids = this.nodes[i]
      if (ids != null) for (let k = 0; k < ids.length; k++) out.push(ids[k]!)
      i >>= 1
    }
  }

  // Slots: (-inf, p0), [p0], (p0, p1), [p1], ..., [p(m-1)], (p(m-1), +inf) -> 2m + 1 of them.
  private slotOf (x: number): number {
    const pts = this.points
    const m = pts.length
    let lo = 0
    if (m === 0 || x < this.first) {
      lo = 0
    } else if (x > this.last) {
      lo = m
    } else {
      // bucketOf is monotonic in x, so the points before x's bucket are all below x and those after all above.
      const b = this.bucketOf(x)
      lo = this.bucketStart[b]!
      let hi = this.bucketStart[b + 1]!
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (pts[mid]! < x) lo = mid + 1
        else hi = mid
      }
    }
    return lo < m && pts[lo] === x ? 2 * lo + 1 : 2 * lo
  }

  /** The directory bucket of a value between the first and the last point. */
  private bucketOf (x: number): number {
    // One bucket when the points span more than a double holds: x - first may then be Infinity, and Infinity * 0 is NaN.
    if (this.lastBucket === 0) return 0
    const b = Math.floor((x - this.first) * this.scale)
    return b > this.lastBucket ? this.lastBucket : b
  }

  /** Builds the bucket directory over `points` (sorted, finite, distinct). */
  private buildDirectory (): void {
    const pts = this.points
    const m = pts.length
    this.first = m > 0 ? pts[0]! : 0
    this.last = m > 0 ? pts[m - 1]! : 0
    let buckets = 1
    while (buckets < 2 * m && buckets < MAX_BUCKETS) buckets <<= 1
    let scale = m > 1 ? buckets / (this.last - this.first) : 0
    // Points too close together (or too far apart) for a finite positive scale: one bucket, a plain binary search.
    if (!Number.isFinite(scale) || scale <= 0) {
      scale = 0
      buckets = 1
    }
    this.scale = scale
    this.lastBucket = buckets - 1
    const starts = new Int32Array(buckets + 1)
    for (let i = 0; i < m; i++) starts[this.bucketOf(pts[i]!) + 1]!++
    for (let b = 0; b < buckets; b++) starts[b + 1]! += starts[b]!
    this.bucketStart = starts
  }

  private rebuild (): void {
    const finite = new Set<number>()
    for (const r of this.intervals) {
      if (Number.isFinite(r.lo)) finite.add(r.lo)
      if (Number.isFinite(r.hi)) finite.add(r.hi)
    }
    this.points = Float64Array.from([...finite].sort((a, b) => a - b))
    this.buildDirectory()
    const slots = 2 * this.points.length + 1
    const spans = this.intervals.map(r => [
      r.lo === -Infinity ? 0 : this.slotOf(r.lo) + (r.loOpen ? 1 : 0),
      r.hi === Infinity ? slots - 1 : this.slotOf(r.hi) - (r.hiOpen ? 1 : 0)
    ] as const)
    let coverage = 0
    for (const [first, last] of spans) coverage += last - first + 1
    this.dirty = false
    if (coverage <= 8 * spans.length + 1024) {
      const starts = new Int32Array(slots + 1)
      for (const [first, last] of spans) for (let s = first; s <= last; s++) starts[s + 1]!++
      for (let s = 0; s < slots; s++) starts[s + 1]! += starts[s]!
      const fill = starts.slice(0, slots)
      const ids = new Int32Array(coverage)
      spans.forEach(([first, last], i) => {
        const id = this.intervals[i]!.id
        for (let s = first; s <= last; s++) ids[fill[s]!++] = id
      })
      this.slotStart = starts
      this.slotIds = ids
      this.slotSingle = new Int32Array(slots)
      for (let s = 0; s < slots; s++) {
        const n = starts[s + 1]! - starts[s]!
        this.slotSingle[s] = n === 0 ? NONE : n === 1 ? ids[starts[s]!]! : MANY
      }
      this.nodes = []
      return
    }
    this.slotStart = null
    let base = 1
    while (base < slots) base <<= 1
    this.base = base
    this.nodes = new Array<number[] | null>(2 * base).fill(null)
    spans.forEach(([first, last], i) => this.insert(first, last, this.intervals[i]!.id))
  }

  private insert (first: number, last: number, id: number): void {
    let l = first + this.base
    let r = last + this.base + 1
    while (l < r) {
      if ((l & 1) === 1) this.push(l++, id)
      if ((r & 1) === 1) this.push(--r, id)
      l >>= 1
      r >>= 1
    }
  }

  private push (node: number, id: number): void {
    const ids = this.nodes[node]
    if (ids == null) this.nodes[node] = [id]
    else ids.push(id)
  }
}
