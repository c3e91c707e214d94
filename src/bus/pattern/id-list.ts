/**
 * Ids filed under one key. Most keys belong to a single rule, and a bare number
 * saves the two memory hops (array, then its elements) a lookup would otherwise take.
 */
export type IdList = number | number[]

/** Where lookups append the ids they find: a plain array, or a reusable HitBuffer. */
export interface IdSink {
  push: (id: number) => unknown
}

/**
 * A growable list of ids reused from event to event. Emptying a JS array with
 * `length = 0` gives its storage back, so each event would allocate it again.
 */
export class HitBuffer implements IdSink {
  ids = new Int32Array(64)
  count = 0

  push (id: number): void {
    if (this.count === this.ids.length) {
      const bigger = new Int32Array(this.ids.length * 2)
      bigger.set(this.ids)
      this.ids = bigger
    }
    this.ids[this.count++] = id
  }
}

export function pushIds (ids: IdList, out: IdSink): void {
  if (typeof ids === 'number') out.push(ids)
  else for (let i = 0; i < ids.length; i++) out.push(ids[i]!)
}

export function addTo<K> (map: Map<K, IdList>, key: K, id: number): void {
  const ids = map.get(key)
  if (ids === undefined) map.set(key, id)
  else if (typeof ids === 'number') map.set(key, [ids, id])
  else ids.push(id)
}

export function removeFrom<K> (map: Map<K, IdList>, key: K, id: number): void {
  const ids = map.get(key)
  if (ids === undefined) return
  if (typeof ids === 'number') {
    if (ids === id) map.delete(key)
    return
  }
  const at = ids.indexOf(id)
  if (at >= 0) ids.splice(at, 1)
  if (ids.length === 1) map.set(key, ids[0]!)
}
