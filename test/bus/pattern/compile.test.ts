import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { compilePattern, parsePattern } from '../../../src/bus/pattern/compile.js'
import { InvalidEventPatternError } from '../../../src/bus/pattern/errors.js'
import { loadPatternCases } from './conformance-cases.js'

function refusal (text: string): InvalidEventPatternError {
  try {
    parsePattern(text)
  } catch (err) {
    assert.ok(err instanceof InvalidEventPatternError, `expected InvalidEventPatternError, got ${String(err)}`)
    return err
  }
  assert.fail(`pattern was accepted: ${text}`)
}

const reasonOf = (pattern: unknown): string => refusal(JSON.stringify(pattern)).reason

describe('parsePattern', () => {
  const cases = loadPatternCases()

  it('refuses all 38 invalid conformance patterns with the code and AWS message', () => {
    const invalid = cases.filter(c => c.expect === 'invalid')
    assert.equal(invalid.length, 38)
    for (const c of invalid) {
      const err = refusal(c.patternText)
      assert.equal(err.code, 'TRIB_ERR_INVALID_PATTERN', c.name)
      if (c.awsMessage !== undefined) assert.equal(err.message, c.awsMessage, c.name)
    }
  })

  it('accepts every pattern the conformance file says is valid', () => {
    for (const c of cases.filter(c => c.expect !== 'invalid')) {
      assert.doesNotThrow(() => parsePattern(c.patternText), c.name)
    }
  })

  it('keeps the last of two repeated keys, as AWS does', () => {
    const p = parsePattern('{"a": ["first"], "a": ["second"]}')
    assert.equal(p.branches.length, 1)
    assert.deepEqual(p.branches[0]!.conditions[0]!.matchers, [{ kind: 'exact', value: 'second' }])
  })

  it('gives nested and dotted keys the same path, the later one winning', () => {
    const p = compilePattern({ detail: { state: { status: ['a'] } }, 'detail.state.status': ['b'] })
    const conditions = p.branches[0]!.conditions
    assert.equal(conditions.length, 1)
    assert.equal(conditions[0]!.path, 'detail.state.status')
    assert.deepEqual(conditions[0]!.matchers, [{ kind: 'exact', value: 'b' }])
  })

  it('expands $or into branches, with fields after the $or joining every branch', () => {
    const p = compilePattern({
      source: ['s'],
      $or: [{ a: ['1'] }, { b: ['2'], $or: [{ c: ['3'] }, { d: ['4'] }] }],
      e: ['5']
    })
    const paths = p.branches.map(b => b.conditions.map(c => c.path).sort().join(','))
    assert.deepEqual(paths, ['a,e,source', 'b,c,e,source', 'b,d,e,source'])
  })

  it('expands a nested $or relative to the object it sits in', () => {
    const p = compilePattern({ detail: { $or: [{ x: [1] }, { y: { z: [2] } }] } })
    assert.deepEqual(p.branches.map(b => b.conditions[0]!.path), ['detail.x', 'detail.y.z'])
  })

  it('refuses malformed $or with the event-ruler wording', () => {
    assert.equal(reasonOf({ $or: [{ a: ['1'] }] }), 'There must have at least 2 Objects in $or relationship.')
    assert.equal(reasonOf({ $or: { a: ['1'] } }), 'It must be an Array followed with $or.')
    assert.equal(reasonOf({ $or: [{ a: ['1'] }, 'b'] }), 'Only JSON object is allowed in array of $or relationship.')
    assert.equal(reasonOf({ $or: [{ a: ['1'] }, { prefix: ['x'] }] }), 'prefix is Ruler reserved fieldName which cannot be used inside $or.')
  })

  it('refuses a pattern that is not a JSON object, or not JSON at all', () => {
    assert.equal(reasonOf(['a']), 'Filter is not an object')
    assert.equal(reasonOf({}), 'Empty objects are not allowed')
    assert.equal(reasonOf({ a: {} }), 'Empty objects are not allowed')
    const err = refusal('{"a": [')
    assert.match(err.message, /^Event pattern is not valid\. Reason: /)
  })

  it('refuses bad array values and operator objects', () => {
    assert.equal(reasonOf({ a: [['x']] }), 'Match value must be String, number, true, false, or null')
    assert.equal(reasonOf({ a: [{}] }), 'Match expression name not found')
    assert.equal(reasonOf({ a: [{ prefix: 'x', suffix: 'y' }] }), 'Only one key allowed in match expression')
    assert.equal(reasonOf({ a: [{ exists: 'yes' }] }), 'exists match pattern must be either true or false.')
    assert.equal(reasonOf({ a: [{ prefix: { 'equals-ignore-case': 1 } }] }), 'equals-ignore-case match pattern must be a string')
    assert.equal(reasonOf({ a: [{ suffix: { exactly: 'x' } }] }), 'Unsupported suffix pattern: exactly')
  })

  it('refuses malformed numeric ranges', () => {
    assert.equal(reasonOf({ a: [{ numeric: ['>', 5, '<', 5] }] }), 'Bottom must be less than top')
    assert.equal(reasonOf({ a: [{ numeric: ['>', 1, '<', 5, 6] }] }), 'Too many terms in numeric range expression')
    assert.equal(reasonOf({ a: [{ numeric: ['<', 5, '>', 1] }] }), 'Too many elements in numeric expression')
    assert.equal(reasonOf({ a: [{ numeric: ['!=', 5] }] }), 'Unrecognized numeric range operator: !=')
    assert.equal(reasonOf({ a: [{ numeric: [5] }] }), 'Invalid member in numeric match: 5')
    assert.equal(reasonOf({ a: [{ numeric: [] }] }), 'Invalid member in numeric match: ]')
    assert.equal(reasonOf({ a: [{ numeric: ['=', '5'] }] }), 'Value of equals must be numeric')
    assert.equal(reasonOf({ a: [{ numeric: ['>', 1, 2, 3] }] }), 'Bad value in numeric range: 2')
  })

  it('refuses anything-but lists that mix or lack types', () => {
    const mixed = 'Inside anything but list, either all values are number or string, mixed type is not supported'
    assert.equal(reasonOf({ a: [{ 'anything-but': ['x', 1] }] }), mixed)
    assert.equal(reasonOf({ a: [{ 'anything-but': [] }] }), mixed)
    assert.equal(reasonOf({ a: [{ 'anything-but': { exists: true } }] }), 'Unsupported anything-but pattern: exists')
    assert.equal(reasonOf({ a: [{ 'anything-but': { wildcard: 'a\\b' } }] }), 'Invalid escape character at pos 2')
  })

  it('refuses CIDR blocks EventBridge refuses', () => {
    assert.equal(reasonOf({ ip: [{ cidr: '10.0.0.0/32' }] }), 'IPv4 mask bits must be < 32')
    assert.equal(reasonOf({ ip: [{ cidr: '::/128' }] }), 'IPv6 mask bits must be < 128')
    assert.equal(reasonOf({ ip: [{ cidr: '10.0.0.0/-1' }] }), 'Malformed CIDR, mask bits must not be negative')
    assert.equal(reasonOf({ ip: [{ cidr: '10.0.0.300/8' }] }), 'Invalid IP address: 10.0.0.300')
  })

  it('refuses wildcard sets on one field that could keep too many prefixes alive at once', () => {
    const tooComplex = /^Rule is too complex/
    assert.match(reasonOf({ f: [{ wildcard: '*:*:*:*:*:event-bus/*' }] }), tooComplex)
    // Each pattern alone is fine; together on one field they are not.
    const many = Array.from({ length: 12 }, (_, i) => ({ wildcard: `*x${i}` }))
    assert.match(reasonOf({ f: many }), tooComplex)
    assert.doesNotThrow(() => compilePattern({ f: many.slice(0, 3) }))
    // Spread over different fields, the same patterns are accepted.
    assert.doesNotThrow(() => compilePattern(Object.fromEntries(many.map((w, i) => [`f${i}`, [w]]))))
  })

  it('classifies conditions as selective only when every alternative can be indexed', () => {
    const p = compilePattern({ a: ['x', { prefix: 'y' }], b: ['x', { 'anything-but': 'z' }], c: [{ exists: false }] })
    const byPath = new Map(p.branches[0]!.conditions.map(c => [c.path, c]))
    assert.equal(byPath.get('a')!.selective, true)
    assert.equal(byPath.get('b')!.selective, false)
    assert.equal(byPath.get('c')!.selective, false)
    assert.equal(byPath.get('c')!.matchesAbsent, true)
  })
})
