import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { hashText, lookUpBackwards, lookUpForwards, StringIdTable } from '../../../src/bus/pattern/string-table.js'

const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b)

/** Two strings with the same forward FNV-1a hash (found by search). */
const COLLIDING = ['k32728', 'k261234'] as const

describe('StringIdTable', () => {
  it('finds the ids filed under a key by the key\'s hash, and forgets removed ones', () => {
    const table = new StringIdTable(false)
    table.add('order', 1)
    table.add('order', 2)
    table.add('refund', 3)
    const found = (key: string): number[] => {
      const out: number[] = []
      table.collect(hashText(key, false), out)
      return sorted(out)
    }
    assert.deepEqual(found('order'), [1, 2])
    assert.deepEqual(found('refund'), [3])
    assert.deepEqual(found('missing'), [])
    table.remove('order', 1)
    table.remove('refund', 3)
    assert.deepEqual(found('order'), [2])
    assert.deepEqual(found('refund'), [])
    assert.equal(table.size, 1)
  })

  it('grows past its first capacity without losing keys', () => {
    const table = new StringIdTable(false)
    for (let i = 0; i < 5000; i++) table.add(`key-${i}`, i)
    for (let i = 0; i < 5000; i += 97) {
      const out: number[] = []
      table.collect(hashText(`key-${i}`, false), out)
      assert.deepEqual(out, [i])
    }
  })

  it('returns every key sharing a hash, leaving the check to the caller', () => {
    assert.equal(hashText(COLLIDING[0], false), hashText(COLLIDING[1], false))
    const table = new StringIdTable(false)
    table.add(COLLIDING[0], 1)
    table.add(COLLIDING[1], 2)
    const out: number[] = []
    table.collect(hashText(COLLIDING[0], false), out)
    assert.deepEqual(sorted(out), [1, 2])
  })

  it('keeps the distinct key lengths in order', () => {
    const table = new StringIdTable(false)
    table.add('abc', 1)
    table.add('a', 2)
    table.add('xyz', 3)
    assert.deepEqual(table.lengths, [1, 3])
    table.remove('a', 2)
    assert.deepEqual(table.lengths, [3])
  })
})

describe('lookUpForwards and lookUpBackwards', () => {
  it('find exact values and prefixes in one pass, including the empty prefix', () => {
    const prefixes = new StringIdTable(false)
    const exact = new StringIdTable(false)
    prefixes.add('', 1)
    prefixes.add('ord', 2)
    prefixes.add('order-', 3)
    prefixes.add('x', 4)
    exact.add('order-7', 5)
    exact.add('order', 6)
    const out: number[] = []
    lookUpForwards('order-7', prefixes, exact, out)
    assert.deepEqual(sorted(out), [1, 2, 3, 5])
    out.length = 0
    lookUpForwards('or', prefixes, exact, out)
    assert.deepEqual(out, [1])
  })

  it('find suffixes by hashing from the end', () => {
    const suffixes = new StringIdTable(true)
    suffixes.add('-7', 1)
    suffixes.add('der-7', 2)
    suffixes.add('-8', 3)
    suffixes.add('', 4)
    const out: number[] = []
    lookUpBackwards('order-7', suffixes, out)
    assert.deepEqual(sorted(out), [1, 2, 4])
    out.length = 0
    lookUpBackwards('7', suffixes, out)
    assert.deepEqual(out, [4])
  })
})
