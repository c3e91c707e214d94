import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { addTo, pushIds, removeFrom, type IdList } from '../../../src/bus/pattern/id-list.js'

describe('id lists', () => {
  it('keep a lone id as a number and grow into an array and back', () => {
    const map = new Map<string, IdList>()
    addTo(map, 'k', 1)
    assert.equal(map.get('k'), 1)
    addTo(map, 'k', 2)
    assert.deepEqual(map.get('k'), [1, 2])
    const out: number[] = []
    pushIds(map.get('k')!, out)
    assert.deepEqual(out, [1, 2])
    removeFrom(map, 'k', 1)
    assert.equal(map.get('k'), 2)
    removeFrom(map, 'k', 7)
    assert.equal(map.get('k'), 2)
    removeFrom(map, 'k', 2)
    assert.equal(map.has('k'), false)
  })
})
