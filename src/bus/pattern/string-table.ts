import { addTo, removeFrom, type IdList, type IdSink } from './id-list.js'

// Hashing done here rather than by Map: a Map lookup with thousands of keys
// reads its bucket, its entry and the stored key string, three scattered memory
// locations; a probe of this table reads one. Prefixes and suffixes of a value
// are hashed in one pass over it, without slicing out substrings.

const FNV_OFFSET = 0x811c9dc5 | 0
const FNV_PRIME = 0x01000193

/** Adds one character to a running FNV-1a hash. */
export function hashStep (h: number, charCode: number): number {
  return Math.imul(h ^ charCode, FNV_PRIME)
}

export const HASH_START = FNV_OFFSET

/** Hash of the whole string read forwards (backwards: for suffixes, read from the end). */
export function hashText (text: string, backwards: boolean): number {
  let h = FNV_OFFSET
  const n = text.length
  for (let i = 0; i < n; i++) h = hashStep(h, text.charCodeAt(backwards ? n - 1 - i : i))
  return h
}

/** Spreads the bits (murmur3's finaliser), so the low bits can pick the slot. */
function mix (h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

const STRIDE = 3
const EMPTY = -1

/**
 * Strings mapped to ids, looked up by hash alone: `collect` appends the ids of
 * every key with that hash, so a rare 32-bit collision yields an extra id, which
 * the caller must tolerate (RuleMatcher re-checks every candidate branch in full).
 * The open-addressing table is one Int32Array of (hash, first id, extra ids)
 * triples, rebuilt from the key map on the first lookup after a change.
 */
export class StringIdTable {
  private readonly byKey = new Map<string, IdList>()
  /** Distinct key lengths in increasing order (prefix and suffix lookups probe at these). */
  lengths: number[] = []
  private readonly lengthCounts = new Map<number, number>()
  private slots = new Int32Array(0)
  private mask = -1
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
    const slots = this.slots
    const mask = this.mask
    let i = mix(hash) & mask
    for (;;) {
      const at = i * STRIDE
      const first = slots[at + 1]!
      if (first === EMPTY) return
      if (slots[at] === hash) {
        out.push(first)
        const more = slots[at + 2]!
        if (more >= 0) {
          const ids = this.extra[more]!
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
    while (capacity < this.byKey.size * 2) capacity *= 2
    const slots = new Int32Array(capacity * STRIDE)
    for (let i = 1; i < slots.length; i += STRIDE) slots[i] = EMPTY
    const extra: number[][] = []
    const mask = capacity - 1
    for (const [key, ids] of this.byKey) {
      const hash = hashText(key, this.backwards)
      let i = mix(hash) & mask
      while (slots[i * STRIDE + 1] !== EMPTY) i = (i + 1) & mask
      const at = i * STRIDE
      slots[at] = hash
      if (typeof ids === 'number') {
        slots[at + 1] = ids
        slots[at + 2] = -1
      } else {
        slots[at + 1] = ids[0]!
        slots[at + 2] = ids.length > 1 ? extra.push(ids.slice(1)) - 1 : -1
      }
    }
    this.slots = slots
    this.mask = mask
    this.extra = extra
  }
}
