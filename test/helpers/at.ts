// Reading an element a test expects to be there. Under noUncheckedIndexedAccess an
// index may be undefined; at() turns a missing element into an assertion failure
// that says which index of how many was missing, instead of a TypeError a line later.
import assert from 'node:assert/strict'

/** A tuple of exactly N elements of T (N a literal), so destructuring needs no index checks. */
export type Tuple<T, N extends number, R extends T[] = []> = R['length'] extends N ? R : Tuple<T, N, [...R, T]>

/** The list as a tuple of its expected length, failing the test when the length differs. */
export function exactly<T, N extends number> (list: T[], length: N): Tuple<T, N> {
  assert.equal(list.length, length, `expected ${length} elements, got ${list.length}`)
  return list as Tuple<T, N> // the assertion above is what makes this true
}

export function at<L extends ArrayLike<unknown>> (list: L, index: number): Exclude<L[number], undefined> {
  const value: L[number] | undefined = list[index]
  assert.ok(value !== undefined, `expected an element at index ${index}, but there are ${list.length}`)
  return value as Exclude<L[number], undefined> // assert.ok above excluded undefined; TS cannot narrow a generic index
}
