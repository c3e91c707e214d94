import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { AffixIndex } from '../../../src/bus/pattern/affix-index.js'

const found = (index: AffixIndex, value: string): number[] => {
  const out: number[] = []
  index.collect(value, out)
  return out.sort((a, b) => a - b)
}

describe('AffixIndex', () => {
  it('finds every stored prefix of a value, including the empty one and the value itself', () => {
    const index = new AffixIndex(false)
    index.add('', 0)
    index.add('cust-1', 1)
    index.add('cust-1-', 2)
    index.add('cust-12', 3)
    index.add('cust-1-', 4)
    assert.deepEqual(found(index, 'cust-1-abc'), [0, 1, 2, 4])
    assert.deepEqual(found(index, 'cust-12'), [0, 1, 3])
    assert.deepEqual(found(index, 'cu'), [0])
  })

  it('finds suffixes when built for them', () => {
    const index = new AffixIndex(true)
    index.add('.png', 1)
    index.add('png', 2)
    index.add('.jpg', 3)
    assert.deepEqual(found(index, 'a.png'), [1, 2])
    assert.deepEqual(found(index, 'png'), [2])
  })

  it('stops looking at lengths no key has any more after removals', () => {
    const index = new AffixIndex(false)
    index.add('ab', 1)
    index.add('abcd', 2)
    index.add('abcd', 3)
    index.remove('abcd', 2)
    assert.deepEqual(found(index, 'abcde'), [1, 3])
    index.remove('abcd', 3)
    index.remove('zz', 9)
    assert.deepEqual(found(index, 'abcde'), [1])
    index.remove('ab', 1)
    assert.deepEqual(found(index, 'abcde'), [])
  })
})
