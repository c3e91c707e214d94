import type { IdSink } from './id-list.js'

/** Points per fence: 16 doubles, two cache lines searched after the fences. */
const FENCE = 16
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
  /** Every FENCE-th point: a small array that stays in cache and narrows the search to one stretch of `points`. */
  private fences = new Float64Array(0)
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
    const fences = this.fences
    // Fence f is points[f * FENCE]: find the stretch of FENCE points that holds the answer.
    let f = 0
    let top = fences.length
    while (f < top) {
      const mid = (f + top) >> 1
      if (fences[mid]! < x) f = mid + 1
      else top = mid
    }
    let lo = f === 0 ? 0 : (f - 1) * FENCE + 1
    let hi = Math.min(pts.length, f * FENCE)
    if (f === fences.length) hi = pts.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (pts[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return lo < pts.length && pts[lo] === x ? 2 * lo + 1 : 2 * lo
  }

  private rebuild (): void {
    const finite = new Set<number>()
    for (const r of this.intervals) {
      if (Number.isFinite(r.lo)) finite.add(r.lo)
      if (Number.isFinite(r.hi)) finite.add(r.hi)
    }
    this.points = Float64Array.from([...finite].sort((a, b) => a - b))
    this.fences = Float64Array.from({ length: Math.ceil(this.points.length / FENCE) }, (_, f) => this.points[f * FENCE]!)
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
