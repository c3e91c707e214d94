import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { compilePattern, parsePattern } from '../../../src/bus/pattern/compile.js'
import { matchesPattern } from '../../../src/bus/pattern/evaluate.js'
import { RuleMatcher } from '../../../src/bus/pattern/rule-matcher.js'
import type { CompiledPattern } from '../../../src/bus/pattern/types.js'
import { loadPatternCases } from './conformance-cases.js'

const sorted = <T>(xs: T[]): T[] => [...xs].sort()

describe('RuleMatcher', () => {
  const valid = loadPatternCases().filter(c => c.expect !== 'invalid')

  it('agrees with AWS on every valid conformance case, one rule at a time', () => {
    for (const c of valid) {
      const matcher = new RuleMatcher()
      matcher.add(c.name, parsePattern(c.patternText))
      assert.deepEqual(matcher.match(c.event), c.expect === 'match' ? [c.name] : [], c.name)
    }
  })

  it('finds exactly the matching rules when all conformance patterns share one matcher', () => {
    const matcher = new RuleMatcher()
    const compiled = valid.map(c => ({ name: c.name, pattern: parsePattern(c.patternText) }))
    for (const { name, pattern } of compiled) matcher.add(name, pattern)
    assert.equal(matcher.size, valid.length)
    for (const c of valid) {
      const expected = compiled.filter(r => matchesPattern(r.pattern, c.event)).map(r => r.name)
      assert.deepEqual(sorted(matcher.match(c.event)), sorted(expected), c.name)
    }
  })

  it('replaces a rule added again under the same id', () => {
    const matcher = new RuleMatcher()
    matcher.add('r', compilePattern({ source: ['a'] }))
    matcher.add('r', compilePattern({ source: ['b'] }))
    assert.equal(matcher.size, 1)
    assert.deepEqual(matcher.match({ source: 'a' }), [])
    assert.deepEqual(matcher.match({ source: 'b' }), ['r'])
  })

  it('forgets removed rules and ignores removing an unknown id', () => {
    const matcher = new RuleMatcher<number>()
    matcher.add(1, compilePattern({ source: ['a'] }))
    matcher.add(2, compilePattern({ source: ['a'], detail: { x: [{ prefix: 'p' }] } }))
    matcher.add(3, compilePattern({ detail: { x: [{ 'anything-but': 'q' }] } }))
    matcher.remove(2)
    matcher.remove(99)
    assert.equal(matcher.size, 2)
    assert.deepEqual(sorted(matcher.match({ source: 'a', detail: { x: 'pp' } })), [1, 3])
    matcher.remove(1)
    matcher.remove(3)
    assert.equal(matcher.size, 0)
    assert.deepEqual(matcher.match({ source: 'a', detail: { x: 'pp' } }), [])
  })

  it('reports a rule once even when several of its $or branches match', () => {
    const matcher = new RuleMatcher()
    matcher.add('r', compilePattern({ $or: [{ a: ['1'] }, { b: ['2'] }, { c: [{ exists: false }] }] }))
    assert.deepEqual(matcher.match({ a: '1', b: '2' }), ['r'])
    assert.deepEqual(matcher.match({ c: 1 }), [])
  })

  it('matches rules made only of anything-but or exists conditions', () => {
    const matcher = new RuleMatcher()
    matcher.add('but', compilePattern({ detail: { state: [{ 'anything-but': 'done' }] } }))
    matcher.add('absent', compilePattern({ detail: { error: [{ exists: false }] } }))
    assert.deepEqual(sorted(matcher.match({ detail: { state: 'open' } })), ['absent', 'but'])
    assert.deepEqual(matcher.match({ detail: { state: 'done', error: 'x' } }), [])
  })

  it('reaches indexed fields through dotted event keys and arrays of objects', () => {
    const matcher = new RuleMatcher()
    matcher.add('r', compilePattern({ detail: { state: { status: ['running'] } } }))
    assert.deepEqual(matcher.match({ detail: { 'state.status': 'running' } }), ['r'])
    assert.deepEqual(matcher.match({ 'detail.state': [{ status: 'x' }, { status: 'running' }] }), ['r'])
    assert.deepEqual(matcher.match({ detail: { state: { status: { status: 'running' } } } }), [])
  })

  it('stays correct while rules sharing a common value move their index entry elsewhere', () => {
    const matcher = new RuleMatcher<number>()
    const patterns = new Map<number, CompiledPattern>()
    for (let i = 0; i < 300; i++) {
      const p = compilePattern({ source: ['shared'], 'detail-type': [`t${i}`], detail: { n: [{ numeric: ['>=', i, '<', i + 1] }] } })
      patterns.set(i, p)
      matcher.add(i, p)
    }
    for (let i = 0; i < 300; i += 3) {
      matcher.remove(i)
      patterns.delete(i)
    }
    for (let i = 0; i < 300; i++) {
      const event = { source: 'shared', 'detail-type': `t${i}`, detail: { n: i + 0.5 } }
      assert.deepEqual(matcher.match(event), i % 3 === 0 ? [] : [i])
    }
    assert.deepEqual(matcher.match({ source: 'shared' }), [])
  })

  it('tells apart rules on values whose hashes collide', () => {
    // Found by search: the same 32-bit FNV-1a hash, which the exact-value index files them under.
    const matcher = new RuleMatcher()
    matcher.add('first', compilePattern({ detail: { key: ['k32728'] } }))
    matcher.add('second', compilePattern({ detail: { key: ['k261234'] } }))
    assert.deepEqual(matcher.match({ detail: { key: 'k32728' } }), ['first'])
    assert.deepEqual(matcher.match({ detail: { key: 'k261234' } }), ['second'])
    assert.deepEqual(matcher.match({ detail: { key: ['k261234', 'k32728'] } }).sort(), ['first', 'second'])
  })

  it('keeps matching after most rules are removed and the rest are compacted', () => {
    const matcher = new RuleMatcher<number>()
    const pattern = (i: number): CompiledPattern => compilePattern({
      source: [`svc${i % 7}`],
      detail: { id: [`id-${i}`], tag: [{ suffix: `-${i}` }], state: [{ 'anything-but': ['cancelled'] }] }
    })
    for (let i = 0; i < 3000; i++) matcher.add(i, pattern(i))
    for (let i = 0; i < 3000; i++) if (i % 10 !== 0) matcher.remove(i)
    for (let i = 3000; i < 3100; i++) matcher.add(i, pattern(i))
    assert.equal(matcher.size, 400)
    for (let i = 0; i < 3100; i += 7) {
      const event = { source: `svc${i % 7}`, detail: { id: `id-${i}`, tag: `x-${i}`, state: 'open' } }
      assert.deepEqual(matcher.match(event), i % 10 === 0 || i >= 3000 ? [i] : [], `rule ${i}`)
      assert.deepEqual(matcher.match({ ...event, detail: { ...event.detail, state: 'cancelled' } }), [])
    }
  })

  it('agrees with direct evaluation when rules read more fields than the walk looks up one by one', () => {
    // Past a few dozen paths under one object the walk enumerates the event's keys instead (walk-code.ts).
    const matcher = new RuleMatcher<number>()
    const rules = Array.from({ length: 80 }, (_, i) => compilePattern(i % 2 === 0
      ? { detail: { [`w${i}`]: { v: [i, `s${i}`] } } }
      : { source: ['s'], [`detail.w${i}.v`]: [{ numeric: ['>=', i] }], detail: { 'no-such': [{ exists: false }] } }))
    rules.forEach((p, i) => matcher.add(i, p))
    const events: unknown[] = [
      { source: 's', detail: { w1: { v: 1 }, w2: { v: 's2' }, 'w3.v': 99, w4: [{ v: [0, [4]] }] } },
      { source: 's', 'detail.w5': { v: 5 }, 'detail.w6.v': 6, detail: { w7: { v: 6 }, 'no-such': 1 } },
      { source: 'x', detail: { w8: { v: 'no' }, w10: [{ v: 10 }, { v: 's10' }] } },
      JSON.parse('{"source":"s","detail":{"constructor":{"v":1},"w9":{"v":9},"toString":1}}')
    ]
    let total = 0
    for (const event of events) {
      const expected = rules.flatMap((p, i) => matchesPattern(p, event) ? [i] : [])
      total += expected.length
      assert.deepEqual(sorted(matcher.match(event)), sorted(expected), JSON.stringify(event))
    }
    assert.ok(total >= 5, `only ${total} matches`)
  })

  it('agrees with direct evaluation on random rules and events', () => {
    let seed = 7
    const rnd = (n: number): number => { // mulberry32: small, deterministic
      seed = (seed + 0x6d2b79f5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return (((t ^ (t >>> 14)) >>> 0) % n)
    }
    const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!
    const words = ['a', 'ab', 'abc', 'b', 'ba', 'A', 'xyz', '10.0.0.1', '']
    const fields = ['f', 'g', 'd.h', 'd.i']
    const operand = (): unknown => pick([
      () => pick(words), () => rnd(5), () => null, () => true,
      () => ({ prefix: pick(words) }), () => ({ suffix: pick(words) }),
      () => ({ 'equals-ignore-case': pick(words) }), () => ({ prefix: { 'equals-ignore-case': pick(words) } }),
      () => ({ numeric: ['>', rnd(4), '<=', 4 + rnd(3)] }), () => ({ numeric: ['<', rnd(5)] }),
      () => ({ 'anything-but': pick(words) }), () => ({ 'anything-but': [rnd(3), rnd(3) + 3] }),
      () => ({ 'anything-but': { prefix: pick(words.filter(w => w !== '')) } }),
      () => ({ exists: rnd(2) === 0 }), () => ({ cidr: '10.0.0.0/24' }),
      () => ({ wildcard: pick(['a*', '*b', 'a*c', '*', 'x*z']) })
    ])()
    const randomPattern = (): CompiledPattern => {
      const spec: Record<string, unknown> = {}
      const n = 1 + rnd(3)
      for (let k = 0; k < n; k++) spec[pick(fields)] = Array.from({ length: 1 + rnd(2) }, operand)
      if (rnd(4) === 0) spec.$or = [{ [pick(fields)]: [operand()] }, { [pick(fields)]: [operand()] }]
      try {
        return compilePattern(nest(spec, () => rnd(2) === 0))
      } catch {
        return compilePattern({ f: ['a'] })
      }
    }
    const randomValue = (): unknown => pick([() => pick(words), () => rnd(8) - 1, () => null, () => false, () => [pick(words), rnd(5)]])()
    const randomEvent = (): unknown => {
      const e: Record<string, unknown> = {}
      for (const f of fields) if (rnd(4) !== 0) e[f] = randomValue()
      return nest(e, () => rnd(3) !== 0)
    }

    const rules = Array.from({ length: 400 }, randomPattern)
    const matcher = new RuleMatcher<number>()
    rules.forEach((p, i) => matcher.add(i, p))
    for (let i = 0; i < 400; i += 5) matcher.remove(i)
    let total = 0
    for (let k = 0; k < 500; k++) {
      const event = randomEvent()
      const expected = rules.flatMap((p, i) => i % 5 !== 0 && matchesPattern(p, event) ? [i] : [])
      total += expected.length
      assert.deepEqual(sorted(matcher.match(event)), sorted(expected), JSON.stringify(event))
    }
    // The comparison only means something if plenty of rules do match.
    assert.ok(total > 1000, `only ${total} matches`)
  })
})

/** Turns {"d.h": x} into {"d": {"h": x}} when `nested` says so, to mix both spellings. */
function nest (flat: Record<string, unknown>, nested: () => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(flat)) {
    const [head, tail] = key.split('.')
    if (tail === undefined || !nested()) out[key] = value
    else out[head!] = { ...(out[head!] as object | undefined), [tail]: value }
  }
  return out
}
