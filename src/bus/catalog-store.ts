// How the bus catalog (./catalog.ts) reaches the disk: every definition is one
// key of a journal (src/log/journal.ts) at <dataDir>/__bus/catalog.journal,
// keyed by its kind and its catalog key, valued by its JSON. persist() appends
// only the definitions that changed, so one PutRule costs O(1) bytes on disk
// whatever the number of rules, and the journal compacts itself.
//
// Finding what changed without comparing the whole catalog on every persist
// (10,000 rules are ~30 ms of JSON.stringify): each kind's map is a TrackedMap.
// - A definition set() or delete()d is dirty.
// - A definition handed out by get() or by iterating may be changed in place by
//   whoever holds it (rule.state = ..., rule.targets = [...]), so it is a
//   candidate: the next persist compares its JSON with what was last written and
//   writes it only if it differs. Holders change a definition before they call
//   persist(), with no await between the lookup and the change; anything held
//   longer is set() again.
// - Kinds whose objects are held and changed across persists by long-running
//   work (a replay's progress, a connection's authorization) and that stay small
//   are compared in full on every persist (`watchAll`). Rules, the one kind that
//   grows to thousands, are not.
// A write that fails marks its definitions dirty again, so the next persist retries them.
import type { JournalOp } from '../log/journal.js'

/** A Map that remembers which keys were changed or handed out since it was last drained. */
export class TrackedMap<K, V> extends Map<K, V> {
  private changed = new Set<K>()
  private handedOutAll = false

  constructor (readonly watchAll = false) { super() }

  override set (key: K, value: V): this {
    this.changed?.add(key) // undefined while Map's constructor runs
    return super.set(key, value)
  }

  override delete (key: K): boolean {
    this.changed.add(key)
    return super.delete(key)
  }

  override clear (): void {
    for (const key of super.keys()) this.changed.add(key)
    super.clear()
  }

  override get (key: K): V | undefined {
    const value = super.get(key)
    if (value !== undefined) this.changed.add(key)
    return value
  }

  override values (): MapIterator<V> { this.handedOutAll = true; return super.values() }
  override entries (): MapIterator<[K, V]> { this.handedOutAll = true; return super.entries() }
  override [Symbol.iterator] (): MapIterator<[K, V]> { this.handedOutAll = true; return super.entries() }
  override forEach (fn: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    this.handedOutAll = true
    super.forEach(fn, thisArg)
  }

  /** The keys to compare at a persist (and forgets them): changed, handed out, or all. */
  drain (): Set<K> {
    const out = this.changed
    if (this.handedOutAll || this.watchAll) for (const key of super.keys()) out.add(key)
    this.changed = new Set()
    this.handedOutAll = false
    return out
  }

  /** After a failed write: compare these again at the next persist. */
  markChanged (keys: Iterable<K>): void {
    for (const key of keys) this.changed.add(key)
  }
}

const UNKNOWN = '\u0000unknown'

/** The journal key of one definition: its kind and its catalog key, unambiguous whatever characters they hold. */
export function journalKey (kind: string, key: string): string {
  return JSON.stringify([kind, key])
}

/** The kind and catalog key of a journal key, or null if it is not one. */
export function parseJournalKey (key: string): [string, string] | null {
  try {
    const parsed = JSON.parse(key) as unknown
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') return [parsed[0], parsed[1]]
  } catch { /* not a catalog key */ }
  return null
}

/**
 * Compares the candidates of every kind with what was last written (`written`,
 * journal key -> JSON, updated here) and returns the operations to append,
 * plus a way to mark them for another try if the write fails.
 */
export function changedOps (kinds: Array<[string, TrackedMap<string, unknown>]>, written: Map<string, string>): { ops: JournalOp[], retry: () => void } {
  const ops: JournalOp[] = []
  const touched: Array<[TrackedMap<string, unknown>, string, string]> = []
  for (const [kind, map] of kinds) {
    for (const key of map.drain()) {
      const jkey = journalKey(kind, key)
      const value = Map.prototype.get.call(map, key) as unknown
      const json = value === undefined ? undefined : JSON.stringify(value)
      if (json === written.get(jkey)) continue
      if (json === undefined) {
        written.delete(jkey)
        ops.push({ key: jkey, value: null })
      } else {
        written.set(jkey, json)
        ops.push({ key: jkey, value: Buffer.from(json) })
      }
      touched.push([map, key, jkey])
    }
  }
  const retry = (): void => {
    for (const [map, key, jkey] of touched) {
      written.set(jkey, UNKNOWN) // whether it reached the disk is unknown: differs from any value and from absence
      map.markChanged([key])
    }
  }
  return { ops, retry }
}
