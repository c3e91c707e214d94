import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { chooseAnchor, matcherKey } from '../../../src/bus/pattern/anchor.js'
import { compilePattern } from '../../../src/bus/pattern/compile.js'

describe('chooseAnchor', () => {
  const conditions = compilePattern({
    source: ['common'],
    'detail-type': ['rare'],
    detail: { state: [{ 'anything-but': 'x' }], name: [{ prefix: '' }] }
  }).branches[0]!.conditions

  it('picks the selective condition fewest other rules share', () => {
    const popularity = new Map([[matcherKey('source', { kind: 'exact', value: 'common' }), 500]])
    assert.equal(conditions[chooseAnchor(conditions, popularity)]!.path, 'detail-type')
    const flipped = new Map([[matcherKey('detail-type', { kind: 'exact', value: 'rare' }), 500]])
    assert.equal(conditions[chooseAnchor(conditions, flipped)]!.path, 'source')
  })

  it('never anchors on anything-but, and avoids a prefix that matches every string', () => {
    const popularity = new Map([
      [matcherKey('source', { kind: 'exact', value: 'common' }), 600],
      [matcherKey('detail-type', { kind: 'exact', value: 'rare' }), 600]
    ])
    const chosen = conditions[chooseAnchor(conditions, popularity)]!
    assert.notEqual(chosen.path, 'detail.state')
    assert.notEqual(chosen.path, 'detail.name')
    const onlyBroad = compilePattern({ a: [{ exists: true }] }).branches[0]!.conditions
    assert.equal(chooseAnchor(onlyBroad, new Map()), -1)
  })

  it('keys matchers by path, operator and value', () => {
    assert.notEqual(matcherKey('a', { kind: 'exact', value: '5' }), matcherKey('a', { kind: 'exact', value: 5 }))
    assert.notEqual(matcherKey('a', { kind: 'exact', value: 'x' }), matcherKey('b', { kind: 'exact', value: 'x' }))
  })
})
