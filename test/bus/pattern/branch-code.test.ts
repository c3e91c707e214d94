import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { BranchCode, HEADER_FIELDS, type EncodedCondition } from '../../../src/bus/pattern/branch-code.js'
import { compilePattern } from '../../../src/bus/pattern/compile.js'
import { matchesPattern } from '../../../src/bus/pattern/evaluate.js'
import { EventLeaves } from '../../../src/bus/pattern/event-leaves.js'

/** Encodes a single-branch pattern the way RuleMatcher does. */
function encodeOne (code: BranchCode, leaves: EventLeaves, pattern: unknown, rule = 0): number {
  const branch = compilePattern(pattern).branches[0]!
  const conditions: EncodedCondition[] = branch.conditions.map(c => ({ pathId: leaves.addPath(c.path), matchesAbsent: c.matchesAbsent, matchers: c.matchers }))
  return code.encode(conditions, rule, true)
}

function check (code: BranchCode, leaves: EventLeaves, at: number, event: unknown): boolean {
  leaves.collect(event, () => {})
  return code.matches(at, leaves)
}

describe('BranchCode', () => {
  const patterns: unknown[] = [
    { f: ['order', 'refund'] }, { f: [5, true, null] }, { f: [{ numeric: ['>', 1, '<=', 5] }] },
    { f: [{ prefix: 'ord' }] }, { f: [{ suffix: 'der' }] }, { f: [{ prefix: '' }] },
    { f: [{ exists: true }] }, { f: [{ exists: false }] }, { f: [{ 'anything-but': ['order', 'x'] }] },
    { f: [{ 'anything-but': [1, 2] }] }, { f: [{ 'anything-but': { prefix: 'or' } }] },
    { f: [{ 'equals-ignore-case': 'ORDER' }] }, { f: [{ wildcard: 'o*r' }] }, { f: [{ cidr: '10.0.0.0/8' }] },
    { f: ['ordér'], g: { h: [{ numeric: ['>=', 0] }] } }
  ]
  const events: unknown[] = [
    {}, { f: 'order' }, { f: 'ord' }, { f: 'refund' }, { f: 'ordér', g: { h: 3 } }, { f: 5 }, { f: 3 }, { f: true },
    { f: null }, { f: 'x' }, { f: ['x', 'order'] }, { f: 'ORDER' }, { f: '10.1.2.3' }, { f: { nested: 1 } }, { f: [1, 9] }, { g: { h: -1 } }
  ]

  it('agrees with direct evaluation for every kind of operator', () => {
    const code = new BranchCode()
    const leaves = new EventLeaves()
    const starts = patterns.map(p => encodeOne(code, leaves, p))
    patterns.forEach((p, i) => {
      for (const e of events) {
        assert.equal(check(code, leaves, starts[i]!, e), matchesPattern(compilePattern(p), e), `${JSON.stringify(p)} on ${JSON.stringify(e)}`)
      }
    })
  })

  it('keeps the rule index and only-branch flag in the branch header', () => {
    const code = new BranchCode()
    const leaves = new EventLeaves()
    const at = encodeOne(code, leaves, { f: ['a'] }, 42)
    assert.equal(code.words[at + HEADER_FIELDS.rule], 42)
    assert.equal(code.words[at + HEADER_FIELDS.only], 1)
  })

  it('moves live branches and their text together when compacted', () => {
    const code = new BranchCode()
    const leaves = new EventLeaves()
    const starts: number[] = []
    for (let i = 0; i < 3000; i++) {
      starts.push(encodeOne(code, leaves, { f: [`value-${i}`, { prefix: `p${i}-` }], g: [{ 'anything-but': [`not-${i}`] }], n: [i, { numeric: ['>', -i - 1, '<', -i] }] }, i))
    }
    for (let i = 0; i < 3000; i++) if (i % 10 !== 0) code.release(starts[i]!)
    assert.equal(code.fragmented, true)
    const keep = starts.filter((_, i) => i % 10 === 0)
    const moved = code.compact(keep)
    assert.equal(code.fragmented, false)
    moved.forEach((at, k) => {
      const i = k * 10
      assert.equal(code.words[at + HEADER_FIELDS.rule], i)
      assert.equal(check(code, leaves, at, { f: `value-${i}`, g: 'x', n: i }), true)
      assert.equal(check(code, leaves, at, { f: `p${i}-tail`, g: 'x', n: -i - 0.5 }), true)
      assert.equal(check(code, leaves, at, { f: `value-${i}`, g: `not-${i}`, n: i }), false)
      assert.equal(check(code, leaves, at, { f: `value-${i + 1}`, g: 'x', n: i }), false)
      assert.equal(check(code, leaves, at, { f: `value-${i}`, g: 'x', n: i + 1 }), false)
    })
  })

  it('stores text one byte per character when it can and still tells apart characters beyond U+00FF', () => {
    // 'š' (U+0161) and 'a' (U+0061) share their low byte, as do '中' (U+4E2D) and '-' (U+002D).
    const mixed: unknown[] = [
      { f: ['caf\u00e9', '\u00ff'], g: [{ prefix: 'a' }] },
      { f: ['\u0161', 'x\u4e2dy'], g: [{ suffix: '\u00e9' }], n: [1.5] },
      { f: [{ prefix: '\u0101' }], g: ['a'], h: [{ 'anything-but': ['\u4e2d', 'caf\u00e9'] }] },
      { f: [{ suffix: '\ud83d\ude00' }], g: ['\u00e9x', 'z'], n: [{ numeric: ['>', 0] }] },
      { f: ['a-b', { prefix: 'a\u4e2d' }, { suffix: '-b' }], h: [{ 'anything-but': { prefix: '\u0161' } }] }
    ]
    const values = ['caf\u00e9', 'caf\u00c9', '\u00ff', '\u01ff', '\u0161', 'a', 'x\u4e2dy', 'x-y', '\u0101b', '\u0001b', 'smile\ud83d\ude00',
      'smile\ud83d\ude01', 'a-b', 'a\u4e2db', 'a\u4e2d', '\u00e9x', 'z', '\u4e2d', 'ab\u00e9', '\u0161x', '']
    const code = new BranchCode()
    const leaves = new EventLeaves()
    const starts = mixed.map(p => encodeOne(code, leaves, p))
    const probe = (i: number, at: number): void => {
      for (const f of values) {
        for (const g of values.slice(0, 8)) {
          for (const h of [undefined, '\u4e2d', '\u0161x', 'q']) {
            const e = { f, g, h, n: f.length % 2 === 0 ? 1.5 : -1 }
            assert.equal(check(code, leaves, at, e), matchesPattern(compilePattern(mixed[i]), e), `${JSON.stringify(mixed[i])} on ${JSON.stringify(e)}`)
          }
        }
      }
    }
    starts.forEach((at, i) => probe(i, at))
    code.compact(starts).forEach((at, i) => probe(i, at))
  })

  it('tells apart texts of every length that differ in any one character, stored narrow or wide', () => {
    // Texts are compared several characters at a time: a difference must count wherever it falls,
    // in a full group or in the characters left over, for exact values, prefixes, suffixes and anything-but lists.
    for (const wide of [false, true]) {
      for (let n = 0; n <= 13; n++) {
        const text = Array.from({ length: n }, (_, i) => String.fromCharCode((wide ? 0x4e00 : 0x61) + i)).join('')
        const patterns: unknown[] = [{ f: [text] }, { f: [{ prefix: text }] }, { f: [{ suffix: text }] }, { f: [{ 'anything-but': [text, 'zz'] }] }]
        const code = new BranchCode()
        const leaves = new EventLeaves()
        const starts = patterns.map(p => encodeOne(code, leaves, p))
        const values = [text, `${text}+`, `+${text}`, text.slice(1), text.slice(0, -1)]
        for (let i = 0; i < n; i++) values.push(text.slice(0, i) + '?' + text.slice(i + 1), text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ 0x100) + text.slice(i + 1))
        patterns.forEach((p, k) => {
          for (const f of values) {
            assert.equal(check(code, leaves, starts[k]!, { f }), matchesPattern(compilePattern(p), { f }), `${JSON.stringify(p)} on ${JSON.stringify(f)}`)
          }
        })
      }
    }
  })

  it('keeps a typical three-field branch within two cache lines', () => {
    const code = new BranchCode()
    const leaves = new EventLeaves()
    encodeOne(code, leaves, { source: ['com.acme.orders'], 'detail-type': ['Order Created'], detail: { customer: { id: ['cust-00a1b'] } } })
    // Header 4 words, 2 per condition and per matcher, then 38 characters of text at a byte each.
    assert.ok(code.size <= 28, `${code.size} words`)
  })
})
