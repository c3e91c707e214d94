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

  it('agree with startsWith, endsWith and equality for keys and values of every length, odd and even', () => {
    const text = 'abcdefghij\u00e9\u4e2d\ud83d\ude00klm'
    const prefixes = new StringIdTable(false)
    const suffixes = new StringIdTable(true)
    const exact = new StringIdTable(false)
    const keys: string[] = []
    for (let n = 0; n <= text.length; n++) keys.push(text.slice(0, n), text.slice(text.length - n), `${text.slice(0, n)}?`)
    keys.forEach((k, id) => {
      prefixes.add(k, id)
      suffixes.add(k, id)
      exact.add(k, id)
    })
    const values = new Set([...keys, 'zzz', 'abcdefghij', 'ab?'])
    for (const v of values) {
      const forwards: number[] = []
      lookUpForwards(v, prefixes, exact, forwards)
      const want = keys.flatMap((k, id) => v.startsWith(k) ? [id] : []).concat(keys.flatMap((k, id) => k === v ? [id] : []))
      assert.deepEqual(sorted(forwards), sorted(want), `forwards ${v}`)
      const backwards: number[] = []
      lookUpBackwards(v, suffixes, backwards)
      assert.deepEqual(sorted(backwards), sorted(keys.flatMap((k, id) => v.endsWith(k) ? [id] : [])), `backwards ${v}`)
      const prefixOnly: number[] = []
      lookUpForwards(v, prefixes, new StringIdTable(false), prefixOnly)
      assert.deepEqual(sorted(prefixOnly), sorted(keys.flatMap((k, id) => v.startsWith(k) ? [id] : [])), `prefixes only ${v}`)
    }
  })
})
