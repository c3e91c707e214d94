import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { EventLeaves } from '../../../src/bus/pattern/event-leaves.js'
import type { Leaf } from '../../../src/bus/pattern/types.js'

function leavesOf (leaves: EventLeaves, pathId: number): Leaf[] {
  const out: Leaf[] = []
  for (let e = leaves.first(pathId); e >= 0; e = leaves.following(e)) out.push(leaves.value(e))
  return out.reverse()
}

describe('EventLeaves', () => {
  it('keeps the scalars of each registered path, through arrays, dotted keys and nesting', () => {
    const leaves = new EventLeaves()
    const source = leaves.addPath('source')
    const sku = leaves.addPath('detail.items.sku')
    const status = leaves.addPath('detail.state.status')
    const seen: [number, Leaf][] = []
    leaves.collect({
      source: 'shop',
      detail: { items: [{ sku: 'a' }, { sku: ['b', ['c']] }, 'not-an-object'], 'state.status': 'open' },
      other: { sku: 'ignored' }
    }, (pathId, value) => seen.push([pathId, value]))
    assert.deepEqual(leavesOf(leaves, source), ['shop'])
    assert.deepEqual(leavesOf(leaves, sku), ['a', 'b', 'c'])
    assert.deepEqual(leavesOf(leaves, status), ['open'])
    assert.equal(seen.length, 5)
  })

  it('follows dotted event keys only where a path goes deeper, and again after paths come and go', () => {
    const leaves = new EventLeaves()
    const flat = leaves.addPath('detail.status')
    leaves.collect({ detail: { status: 'open', 'status.x': 'no' } }, () => {})
    assert.deepEqual(leavesOf(leaves, flat), ['open'])
    const deep = leaves.addPath('detail.state.status')
    leaves.collect({ 'detail.state': { status: 'a' }, detail: { 'state.status': 'b' } }, () => {})
    assert.deepEqual(leavesOf(leaves, deep).sort(), ['a', 'b'])
    leaves.removePath('detail.state.status')
    const again = leaves.addPath('detail.state.status')
    leaves.collect({ detail: { 'state.status': 'c' } }, () => {})
    assert.deepEqual(leavesOf(leaves, again), ['c'])
  })

  it('does not count an object or a missing field as a value, and forgets the previous event', () => {
    const leaves = new EventLeaves()
    const detail = leaves.addPath('detail')
    const x = leaves.addPath('detail.x')
    leaves.collect({ detail: { x: null } }, () => {})
    assert.deepEqual(leavesOf(leaves, detail), [])
    assert.deepEqual(leavesOf(leaves, x), [null])
    leaves.collect({ detail: 'flat' }, () => {})
    assert.deepEqual(leavesOf(leaves, detail), ['flat'])
    assert.equal(leaves.first(x), -1)
    leaves.collect(['not', 'an', 'object'], () => {})
    assert.equal(leaves.first(detail), -1)
  })

  it('shares a path id between readers and recycles it once the last one leaves', () => {
    const leaves = new EventLeaves()
    const a = leaves.addPath('a.b')
    assert.equal(leaves.addPath('a.b'), a)
    const deeper = leaves.addPath('a.b.c')
    leaves.removePath('a.b')
    leaves.collect({ a: { b: 1 } }, () => {})
    assert.deepEqual(leavesOf(leaves, a), [1])
    leaves.removePath('a.b')
    leaves.collect({ a: { b: 1 } }, () => {})
    assert.equal(leaves.first(a), -1)
    leaves.collect({ a: { b: { c: 2 } } }, () => {})
    assert.deepEqual(leavesOf(leaves, deeper), [2])
    assert.equal(leaves.addPath('z'), a)
  })

  it('reads field names Object.prototype also has only from the event itself', () => {
    const leaves = new EventLeaves()
    const ctor = leaves.addPath('constructor')
    const proto = leaves.addPath('__proto__.x')
    const toString = leaves.addPath('detail.toString')
    leaves.collect({ detail: {} }, () => {})
    assert.equal(leaves.first(ctor), -1)
    assert.equal(leaves.first(proto), -1)
    assert.equal(leaves.first(toString), -1)
    leaves.collect(JSON.parse('{"constructor":"c","__proto__":{"x":1},"detail":{"toString":"t"}}'), () => {})
    assert.deepEqual(leavesOf(leaves, ctor), ['c'])
    assert.deepEqual(leavesOf(leaves, proto), [1])
    assert.deepEqual(leavesOf(leaves, toString), ['t'])
  })

  it('reads field names that need escaping in code: quotes, backslashes, line breaks', () => {
    const leaves = new EventLeaves()
    const names = ['say "hi"', 'back\\slash', 'line\nbreak', '*/ x', '\u2028', '$' + '{x}']
    const ids = names.map(n => leaves.addPath(`d.${n}`))
    leaves.collect({ d: Object.fromEntries(names.map((n, i) => [n, i])) }, () => {})
    ids.forEach((id, i) => assert.deepEqual(leavesOf(leaves, id), [i], names[i]))
  })

  it('walks objects with more paths below them than are worth probing by their own keys, dotted ones too', () => {
    const leaves = new EventLeaves()
    const ids = Array.from({ length: 100 }, (_, i) => leaves.addPath(`detail.f${i}.v`))
    const few = leaves.addPath('source')
    leaves.collect({ source: 's', detail: { f3: { v: 3 }, 'f7.v': 7, f99: [{ v: 99 }] }, 'detail.f5': { v: 5 }, 'detail.f6.v': 6 }, () => {})
    assert.deepEqual(leavesOf(leaves, few), ['s'])
    for (const i of [3, 5, 6, 7, 99]) assert.deepEqual(leavesOf(leaves, ids[i]!), [i], `f${i}`)
    assert.equal(leaves.first(ids[4]!), -1)
  })

  it('stops at arrays nested deeper than the bus accepts instead of overflowing the stack', () => {
    const leaves = new EventLeaves()
    const x = leaves.addPath('x')
    let deep: unknown = 'bottom'
    for (let i = 0; i < 100_000; i++) deep = [deep]
    leaves.collect({ x: [deep, 'top'] }, () => {})
    assert.deepEqual(leavesOf(leaves, x), ['top'])
  })

  it('walks generically in a process that forbids generating code from strings', () => {
    const module = fileURLToPath(new URL('../../../src/bus/pattern/index.ts', import.meta.url))
    const script = `import { RuleMatcher, compilePattern } from ${JSON.stringify(module)}
      const m = new RuleMatcher()
      m.add('r', compilePattern({ detail: { x: ['1'] } }))
      process.stdout.write(JSON.stringify([m.match({ detail: { x: '1' } }), m.match({ 'detail.x': ['2', '1'] }), m.match({ detail: { x: '2' } })]))`
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' })
    assert.deepEqual(JSON.parse(out), [['r'], ['r'], []])
  })
})
