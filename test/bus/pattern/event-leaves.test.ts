import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
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
})
