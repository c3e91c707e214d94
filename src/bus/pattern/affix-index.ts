/**
 * String prefixes (or suffixes) of one field, found by hashing: a value is cut
 * at each length some stored key has and the cut is looked up. The number of
 * lookups is the number of distinct key lengths, which real rule sets keep small;
 * unlike a character trie it touches a handful of memory locations per value,
 * whatever the number of keys.
 */
import { addTo, pushIds, removeFrom, type IdList, type IdSink } from './id-list.js'

export class AffixIndex {
  private readonly byKey = new Map<string, IdList>()
  /** Distinct key lengths in increasing order, with how many keys have each. */
  private lengths: number[] = []
  private readonly lengthCounts = new Map<number, number>()

  constructor (private readonly suffix: boolean) {}

  add (key: string, id: number): void {
    const isNew = !this.byKey.has(key)
    addTo(this.byKey, key, id)
    if (!isNew) return
    const n = this.lengthCounts.get(key.length) ?? 0
    this.lengthCounts.set(key.length, n + 1)
    if (n === 0) this.lengths = [...this.lengthCounts.keys()].sort((a, b) => a - b)
  }

  remove (key: string, id: number): void {
    if (!this.byKey.has(key)) return
    removeFrom(this.byKey, key, id)
    if (this.byKey.has(key)) return
    const n = this.lengthCounts.get(key.length)! - 1
    if (n > 0) {
      this.lengthCounts.set(key.length, n)
    } else {
      this.lengthCounts.delete(key.length)
      this.lengths = [...this.lengthCounts.keys()].sort((a, b) => a - b)
    }
  }

  /** Appends the ids stored under every key that is a prefix (suffix) of value. */
  collect (value: string, out: IdSink): void {
    const lengths = this.lengths
    const n = value.length
    for (let i = 0; i < lengths.length; i++) {
      const len = lengths[i]!
      if (len > n) return
      const cut = len === n ? value : this.suffix ? value.slice(n - len) : value.slice(0, len)
      const ids = this.byKey.get(cut)
      if (ids !== undefined) pushIds(ids, out)
    }
  }
}
