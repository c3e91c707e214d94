import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseWildcard, wildcardComplexity, wildcardMatches } from '../../../src/bus/pattern/wildcard.js'

const m = (pattern: string, value: string): boolean => wildcardMatches(parseWildcard(pattern), value)

describe('wildcard', () => {
  it('matches any run of characters at each star', () => {
    assert.equal(m('*', ''), true)
    assert.equal(m('a*c', 'ac'), true)
    assert.equal(m('a*c', 'abbbc'), true)
    assert.equal(m('a*c', 'abcd'), false)
    assert.equal(m('*/dir/*', 'x/dir/y'), true)
    assert.equal(m('*/dir/*', '/dir'), false)
    assert.equal(m('ab*ba', 'aba'), false)
    assert.equal(m('', ''), true)
    assert.equal(m('', 'x'), false)
  })

  it('treats escaped stars and backslashes as literals', () => {
    assert.deepEqual(parseWildcard('a\\*b*c\\\\').segments, ['a*b', 'c\\'])
  })

  it('reports bad stars and escapes at their byte position in the quoted operand', () => {
    assert.throws(() => parseWildcard('ab**'), { reason: 'Consecutive wildcard characters at pos 3' })
    assert.throws(() => parseWildcard('é**'), { reason: 'Consecutive wildcard characters at pos 3' })
    assert.throws(() => parseWildcard('a\\b'), { reason: 'Invalid escape character at pos 2' })
    assert.throws(() => parseWildcard('a\\'), { reason: 'Invalid escape character at pos 2' })
  })

  it('counts the pattern prefixes one input can keep alive at once', () => {
    const c = (...patterns: string[]): number => wildcardComplexity(patterns.map(parseWildcard), 1000)
    assert.equal(c('abc'), 1) // no star: one prefix alive at a time
    assert.equal(c('*a'), 2) // the star and, after an "a", the prefix ending in it
    assert.equal(c('*a', '*b', '*c'), 6)
    assert.ok(c('*:*:*:*:*:event-bus/*') > 10)
    assert.ok(c('/Users/*/dir/dir/dir/dir/dir/doc.txt') <= 10)
    assert.ok(c('arn:aws:events:us-east-1:*:event-bus/*') <= 10)
  })
})
