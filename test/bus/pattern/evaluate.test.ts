import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { compilePattern, parsePattern } from '../../../src/bus/pattern/compile.js'
import { collectLeaves, leafMatches, matchesPattern } from '../../../src/bus/pattern/evaluate.js'
import { pathSteps } from '../../../src/bus/pattern/compile.js'
import type { Leaf } from '../../../src/bus/pattern/types.js'
import { loadPatternCases } from './conformance-cases.js'

const matches = (pattern: unknown, event: unknown): boolean => matchesPattern(compilePattern(pattern), event)

describe('matchesPattern', () => {
  it('agrees with AWS on all 118 valid conformance cases', () => {
    const valid = loadPatternCases().filter(c => c.expect !== 'invalid')
    assert.equal(valid.length, 118)
    for (const c of valid) {
      assert.equal(matchesPattern(parsePattern(c.patternText), c.event), c.expect === 'match', c.name)
    }
  })

  it('compares numbers by value, so 5 and 5.0 are equal, but never a number with a string', () => {
    assert.equal(matchesPattern(parsePattern('{"n": [5]}'), JSON.parse('{"n": 5.0}')), true)
    assert.equal(matchesPattern(parsePattern('{"n": [5.0]}'), JSON.parse('{"n": 5}')), true)
    assert.equal(matchesPattern(parsePattern('{"n": [{"numeric": ["=", 5e0]}]}'), { n: 5 }), true)
    assert.equal(matches({ n: [5] }, { n: '5' }), false)
    assert.equal(matches({ n: ['5'] }, { n: 5 }), false)
  })

  it('matches booleans and null exactly, not their string spellings', () => {
    assert.equal(matches({ b: [true] }, { b: true }), true)
    assert.equal(matches({ b: [true] }, { b: 'true' }), false)
    assert.equal(matches({ b: [null] }, { b: null }), true)
    assert.equal(matches({ b: [null] }, {}), false)
    assert.equal(matches({ b: [''] }, { b: '' }), true)
    assert.equal(matches({ b: [''] }, { b: null }), false)
  })

  it('matches an event array when any element matches', () => {
    assert.equal(matches({ r: ['b'] }, { r: ['a', 'b'] }), true)
    assert.equal(matches({ r: [{ prefix: 'x' }] }, { r: ['a', ['b', 'xy']] }), true)
    assert.equal(matches({ r: ['c'] }, { r: ['a', 'b'] }), false)
  })

  it('lets anything-but match an explicit null but not a missing field', () => {
    for (const op of [{ 'anything-but': 'x' }, { 'anything-but': [1, 2] }, { 'anything-but': { prefix: 'x' } }]) {
      assert.equal(matches({ f: [op] }, { f: null }), true)
      assert.equal(matches({ f: [op] }, {}), false)
    }
  })

  it('keeps anything-but of numbers from excluding strings, and of strings from excluding numbers', () => {
    assert.equal(matches({ f: [{ 'anything-but': [100] }] }, { f: '100' }), true)
    assert.equal(matches({ f: [{ 'anything-but': [100] }] }, { f: 100.0 }), false)
    assert.equal(matches({ f: [{ 'anything-but': ['100'] }] }, { f: 100 }), true)
  })

  it('treats exists as the presence of a scalar, and exists false as its absence', () => {
    assert.equal(matches({ f: [{ exists: true }] }, { f: null }), true)
    assert.equal(matches({ f: [{ exists: true }] }, { f: { g: 1 } }), false)
    assert.equal(matches({ f: [{ exists: true }] }, { f: [] }), false)
    assert.equal(matches({ f: [{ exists: false }] }, { f: { g: 1 } }), true)
    assert.equal(matches({ f: [{ exists: false }] }, { f: 0 }), false)
  })

  it('ranges numbers with open and closed ends, and ignores non-numbers', () => {
    const p = { n: [{ numeric: ['>', 0, '<=', 5] }] }
    assert.deepEqual([0, 0.001, 5, 5.001, '3'].map(n => matches(p, { n })), [false, true, true, false, false])
    assert.equal(matches({ n: [{ numeric: ['>=', -1e300] }] }, { n: -5 }), true)
  })

  it('matches case-insensitively inside prefix and suffix', () => {
    assert.equal(matches({ f: [{ prefix: { 'equals-ignore-case': 'EventB' } }] }, { f: 'eventbridge' }), true)
    assert.equal(matches({ f: [{ suffix: { 'equals-ignore-case': '.PNG' } }] }, { f: 'a.png' }), true)
    assert.equal(matches({ f: [{ 'equals-ignore-case': 'ÄBC' }] }, { f: 'äbc' }), true)
    assert.equal(matches({ f: [{ prefix: 'A' }] }, { f: 'abc' }), false)
  })

  it('matches CIDR blocks in IPv4 and IPv6, whatever the spelling of the address', () => {
    assert.equal(matches({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '10.255.1.2' }), true)
    assert.equal(matches({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '11.0.0.1' }), false)
    assert.equal(matches({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:DB8:0:0:0:0:0:1' }), true)
    assert.equal(matches({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '::ffff:a01:203' }), true)
    assert.equal(matches({ ip: ['2001:db8::1'] }, { ip: '2001:0db8:0000::0001' }), true)
  })

  it('matches wildcards with escapes', () => {
    assert.equal(matches({ f: [{ wildcard: 'a\\*b*' }] }, { f: 'a*bcd' }), true)
    assert.equal(matches({ f: [{ wildcard: 'a\\*b*' }] }, { f: 'axbcd' }), false)
    assert.equal(matches({ f: [{ wildcard: 'x\\\\y' }] }, { f: 'x\\y' }), true)
    assert.equal(matches({ f: [{ wildcard: '*.png' }] }, { f: 7 }), false)
  })

  it('does not read fields out of a detail given as a JSON string', () => {
    assert.equal(matches({ detail: { k: ['v'] } }, { detail: '{"k": "v"}' }), false)
  })
})

describe('collectLeaves', () => {
  const leaves = (event: unknown, path: string): Leaf[] => {
    const out: Leaf[] = []
    collectLeaves(event, pathSteps(path), 0, out)
    return out
  }

  it('finds values through nested objects, dotted keys and arrays alike', () => {
    const event = { a: { b: { c: 1 } }, 'a.b': { c: 2 }, 'a.b.c': 3, x: [{ y: [4, [5]] }, { y: 6 }] }
    assert.deepEqual(leaves(event, 'a.b.c').sort(), [1, 2, 3])
    assert.deepEqual(leaves(event, 'x.y'), [4, 5, 6])
    assert.deepEqual(leaves(event, 'a.b'), [])
  })

  it('does not take inherited properties for event fields', () => {
    assert.deepEqual(leaves({}, 'constructor'), [])
    assert.deepEqual(leaves({}, 'toString'), [])
  })
})

describe('leafMatches', () => {
  it('never lets exists false match a present value', () => {
    assert.equal(leafMatches({ kind: 'exists', present: false }, 'x'), false)
  })
})
