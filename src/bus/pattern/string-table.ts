import { addTo, removeFrom, type IdList, type IdSink } from './id-list.js'

// Hashing done here rather than by Map: a Map lookup with thousands of keys
// reads its bucket, its entry and the stored key string, three scattered memory
// locations; a probe of this table reads one. Prefixes and suffixes of a value
// are hashed in one pass over it, without slicing out substrings.
// Measured: exact strings in a Map<string, ids> (V8's own string hash, cached in
// the string) instead of this table made matching at 10,000 rules 0.59x as fast
// (bench/pattern-match.ts), though a lone Map.get looked cheaper in isolation.

const FNV_OFFSET = 0x811c9dc5 | 0
const FNV_PRIME = 0x01000193

// The hashing loops live in this module and call nothing imported: code run
// through a TypeScript loader (tsx) reaches imported functions through getters,
// which V8 does not always inline in a per-character loop.
// They go four characters per iteration: each charCodeAt in V8's optimised code
// re-checks the string's representation and bounds, and the loop's own test and
// branch come on top; unrolled, the same FNV-1a hash cost about two thirds as
// much per character (a microbenchmark over 10-20 character JSON.parse strings).

/** FNV-1a continued from `h` over text[from, to), read forwards. */
function hashForwards (h: number, text: string, from: number, to: number): number {
  let i = from
  for (; i + 4 <= to; i += 4) {
    h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME)
    h = Math.imul(h ^ text.charCodeAt(i + 1), FNV_PRIME)
    h = Math.imul(h ^ text.charCodeAt(i + 2), FNV_PRIME)
    h = Math.imul(h ^ text.charCodeAt(i + 3), FNV_PRIME)
  }
  for (; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME)
  return h
}

/** FNV-1a continued from `h` over the characters `from` to `to` (exclusive) counted from the end of text. */
function hashBackwards (h: number, text: string, from: number, to: number): number {
  const last = text.length - 1
  let i = from
  for (; i + 4 <= to; i += 4) {
    h = Math.imul(h ^ text.charCodeAt(last - i), FNV_PRIME)
    h = Math.imul(h ^ text.charCodeAt(last - i - 1), FNV_PRIME)
    h = Math.imul(h ^ text.charCodeAt(last - i - 2), FNV_PRIME)
    h = Math.imul(h ^ text.charCodeAt(last - i - 3), FNV_PRIME)
  }
  for (; i < to; i++) h = Math.imul(h ^ text.charCodeAt(last - i), FNV_PRIME)
  return h
}

/** FNV-1a hash of the whole string read forwards (backwards: for suffixes, read from the end). */
export function hashText (text: string, backwards: boolean): number {
  return backwards ? hashBackwards(FNV_OFFSET, text, 0, text.length) : hashForwards(FNV_OFFSET, text, 0, text.length)
}

/**
 * Appends the ids of the `prefixes` keys that start `v` and of the `exact` keys
 * equal to it, hashing `v` once: the running hash is looked up at each length
 * some prefix key has, and at the end (only when there are exact keys).
 */
export function lookUpForwards (v: string, prefixes: StringIdTable, exact: StringIdTable, out: IdSink): void {
  const lengths = prefixes.lengths
  const n = v.length
  let h = FNV_OFFSET
  let hashed = 0
  for (let next = 0; next < lengths.length; next++) {
    const length = lengths[next]!
    if (length > n) break
    h = hashForwards(h, v, hashed, length)
    hashed = length
    prefixes.collect(h, out)
  }
  if (exact.size > 0) exact.collect(hashForwards(h, v, hashed, n), out)
}

/** Appends the ids of the `suffixes` keys that end `v` (keys hashed backwards). */
export function lookUpBackwards (v: string, suffixes: StringIdTable, out: IdSink): void {
  const lengths = suffixes.lengths
  const n = v.length
  let h = FNV_OFFSET
  let hashed = 0
  for (let next = 0; next < lengths.length; next++) {
    const length = lengths[next]!
    if (length > n) return
    h = hashBackwards(h, v, hashed, length)
    hashed = length
    suffixes.collect(h, out)
  }
}

/** Spreads the bits (murmur3's finaliser), so the low bits can pick the slot. */
function mix (h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

const STRIDE = 2
/** In a slot's second word: no key here. Ids are >= 0; -2 - k points at extra[k] (a key with several ids). */
const EMPTY = -1

/**
 * Strings mapped to ids, looked up by hash alone: `collect` appends the ids of
 * every key with that hash, so a rare 32-bit collision yields an extra id, which
 * the caller must tolerate (RuleMatcher re-checks every candidate branch in full).
 * The open-addressing table is one Int32Array of (hash, id) pairs, kept small
 * (up to 2/3 full) to stay in cache, and rebuilt from the key map on the first
 * lookup after a change.
 */
export class StringIdTable {
  private readonly byKey = new Map<string, IdList>()
  /** Distinct key lengths in increasing order (prefix and suffix lookups probe at these). */
  lengths: number[] = []
  private readonly lengthCounts = new Map<number, number>()
  private slots = new Int32Array(0)
  private mask = -1
  /**
   * Four bits per slot, one set for each key's hash: most values looked up match
   * no key, and this bitmap, an eighth of the table's size, is all they read.
   */
  private filter = new Int32Array(0)
  private filterMask = 0
  private extra: number[][] = []
  private dirty = true

  constructor (private readonly backwards: boolean) {}

  get size (): number {
    return this.byKey.size
  }

  add (key: string, id: number): void {
    if (!this.byKey.has(key)) this.countLength(key.length, 1)
    addTo(this.byKey, key, id)
    this.dirty = true
  }

  remove (key: string, id: number): void {
    if (!this.byKey.has(key)) return
    removeFrom(this.byKey, key, id)
    if (!this.byKey.has(key)) this.countLength(key.length, -1)
    this.dirty = true
  }

  /** Appends the ids of the keys whose hash (hashText / hashStep) is `hash`. */
  collect (hash: number, out: IdSink): void {
    if (this.dirty) this.rebuild()
    const mixed = mix(hash)
    const bit = mixed & this.filterMask
    if ((this.filter[bit >>> 5]! & (1 << (bit & 31))) === 0) return
    const slots = this.slots
    const mask = this.mask
    let i = mixed & mask
    for (;;) {
      const at = i * STRIDE
      const ref = slots[at + 1]!
      if (ref === EMPTY) return
      if (slots[at] === hash) {
        if (ref >= 0) {
          out.push(ref)
        } else {
          const ids = this.extra[-2 - ref]!
          for (let k = 0; k < ids.length; k++) out.push(ids[k]!)
        }
      }
      i = (i + 1) & mask
    }
  }

  private countLength (length: number, delta: number): void {
    const n = (this.lengthCounts.get(length) ?? 0) + delta
    if (n > 0) this.lengthCounts.set(length, n)
    else this.lengthCounts.delete(length)
    if (n === 0 || n === delta) this.lengths = [...this.lengthCounts.keys()].sort((a, b) => a - b)
  }

  private rebuild (): void {
    this.dirty = false
    let capacity = 8
    while (capacity * 2 < this.byKey.size * 3) capacity *= 2
    const slots = new Int32Array(capacity * STRIDE)
    for (let i = 1; i < slots.length; i += STRIDE) slots[i] = EMPTY
    const extra: number[][] = []
    const mask = capacity - 1
    const filterBits = Math.max(64, capacity * 4)
    const filter = new Int32Array(filterBits >>> 5)
    for (const [key, ids] of this.byKey) {
      const hash = hashText(key, this.backwards)
      const mixed = mix(hash)
      const bit = mixed & (filterBits - 1)
      filter[bit >>> 5]! |= 1 << (bit & 31)
      let i = mixed & mask
      while (slots[i * STRIDE + 1] !== EMPTY) i = (i + 1) & mask
      const at = i * STRIDE
      slots[at] = hash
      slots[at + 1] = typeof ids === 'number' ? ids : -2 - (extra.push([...ids]) - 1)
    }
    this.slots = slots
    this.mask = mask
    this.extra = extra
    this.filter = filter
    this.filterMask = filterBits - 1
  }
}
