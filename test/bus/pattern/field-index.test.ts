import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { FieldIndex } from '../../../src/bus/pattern/field-index.js'
import { compilePattern } from '../../../src/bus/pattern/compile.js'
import type { Leaf, Matcher } from '../../../src/bus/pattern/types.js'

const matchersOf = (values: unknown[]): Matcher[] => compilePattern({ f: values }).branches[0]!.conditions[0]!.matchers as Matcher[]

const hits = (index: FieldIndex, v: Leaf): number[] => {
  const out: number[] = []
  index.collect(v, out)
  return [...new Set(out)].sort((a, b) => a - b)
}

describe('FieldIndex', () => {
  const operands: unknown[] = [
    'Order', 5, true, null, { prefix: 'Ord' }, { suffix: 'der' }, { 'equals-ignore-case': 'ORDER' },
    { prefix: { 'equals-ignore-case': 'oRD' } }, { suffix: { 'equals-ignore-case': 'DER' } },
    { numeric: ['>', 1, '<=', 5] }, { cidr: '10.0.0.0/8' }, { wildcard: 'O*r' }, { wildcard: '*de*' }, { wildcard: '*r' }
  ]

  it('finds each kind of selective matcher by the value it accepts', () => {
    const index = new FieldIndex()
    operands.forEach((op, id) => { for (const m of matchersOf([op])) index.add(m, id) })
    assert.deepEqual(hits(index, 'Order'), [0, 4, 5, 6, 7, 8, 11, 12, 13])
    assert.deepEqual(hits(index, 5), [1, 9])
    assert.deepEqual(hits(index, true), [2])
    assert.deepEqual(hits(index, null), [3])
    assert.deepEqual(hits(index, '10.1.1.1'), [10])
    assert.deepEqual(hits(index, 'order'), [5, 6, 7, 8, 12, 13])
  })

  it('drops registrations on removal', () => {
    const index = new FieldIndex()
    operands.forEach((op, id) => { for (const m of matchersOf([op])) index.add(m, id) })
    operands.forEach((op, id) => { if (id % 2 === 0) for (const m of matchersOf([op])) index.remove(m, id) })
    assert.deepEqual(hits(index, 'Order'), [5, 7, 11, 13])
    assert.deepEqual(hits(index, 5), [1, 9])
    operands.forEach((op, id) => { if (id % 2 === 1) for (const m of matchersOf([op])) index.remove(m, id) })
    assert.equal(index.size, 0)
    assert.deepEqual(hits(index, 'Order'), [])
  })

  it('refuses matchers that cannot be looked up by value', () => {
    assert.throws(() => new FieldIndex().add({ kind: 'exists', present: true }, 1))
  })
})
