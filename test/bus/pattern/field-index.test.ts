import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { FieldIndex } from '../../../src/bus/pattern/field-index.js'
import { compilePattern } from '../../../src/bus/pattern/compile.js'
import { leafMatches } from '../../../src/bus/pattern/evaluate.js'
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

  it('finds exactly what direct evaluation accepts after every addition and removal, one kind of matcher at a time', () => {
    // Each step adds or removes one operand, so the field goes through every mix of lookup kinds, empty ones included.
    const values: Leaf[] = ['Order', 'order', 'ORDER', 'Ord', 'der', 'xder', '10.1.1.1', '11.0.0.1', 'Oxr', 'de', '', 5, 1, 1.5, 6, true, false, null]
    const index = new FieldIndex()
    const live = new Set<number>()
    const steps = [...operands.keys(), ...operands.keys()].map((id, k) => k < operands.length ? id : (id * 5) % operands.length)
    for (const id of steps) {
      const ms = matchersOf([operands[id]])
      if (live.has(id)) {
        for (const m of ms) index.remove(m, id)
        live.delete(id)
      } else {
        for (const m of ms) index.add(m, id)
        live.add(id)
      }
      for (const v of values) {
        const expected = [...live].filter(i => matchersOf([operands[i]]).some(m => leafMatches(m, v))).sort((a, b) => a - b)
        assert.deepEqual(hits(index, v), expected, `${JSON.stringify(v)} with ${[...live].join(',')}`)
      }
    }
    assert.equal(live.size, 0)
    assert.equal(index.size, 0)
  })
})
