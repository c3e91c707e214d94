import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { IntervalIndex } from '../../../src/bus/pattern/interval-index.js'

const stab = (index: IntervalIndex, x: number): number[] => {
  const out: number[] = []
  index.collect(x, out)
  return out.sort((a, b) => a - b)
}

describe('IntervalIndex', () => {
  it('honours open and closed ends and unbounded sides', () => {
    const index = new IntervalIndex()
    index.add(0, true, 5, false, 1) // (0, 5]
    index.add(5, false, 10, true, 2) // [5, 10)
    index.add(-Infinity, false, 0, false, 3) // <= 0
    index.add(10, false, Infinity, false, 4) // >= 10
    assert.deepEqual(stab(index, 0), [3])
    assert.deepEqual(stab(index, 0.5), [1])
    assert.deepEqual(stab(index, 5), [1, 2])
    assert.deepEqual(stab(index, 9.99), [2])
    assert.deepEqual(stab(index, 10), [4])
    assert.deepEqual(stab(index, -1e300), [3])
  })

  it('agrees with a linear scan over many overlapping ranges, also after removals', () => {
    const index = new IntervalIndex()
    const ranges: [number, boolean, number, boolean, number][] = []
    for (let i = 0; i < 200; i++) {
      const lo = (i * 37) % 100
      const r: [number, boolean, number, boolean, number] = [lo, i % 2 === 0, lo + (i % 17) + 1, i % 3 === 0, i]
      ranges.push(r)
      index.add(...r)
    }
    for (let i = 0; i < 200; i += 4) index.remove(...ranges[i]!)
    const live = ranges.filter((_, i) => i % 4 !== 0)
    for (let x = -1; x <= 120; x += 0.5) {
      const expected = live.filter(([lo, loOpen, hi, hiOpen]) => (loOpen ? x > lo : x >= lo) && (hiOpen ? x < hi : x <= hi)).map(r => r[4])
      assert.deepEqual(stab(index, x), expected.sort((a, b) => a - b), `x=${x}`)
    }
  })
})

describe('IntervalIndex with many mostly disjoint ranges', () => {
  it('finds each point\'s ranges across thousands of endpoints, touching and overlapping ones too', () => {
    const index = new IntervalIndex()
    const ranges: [number, boolean, number, boolean, number][] = []
    for (let i = 0; i < 3000; i++) {
      const lo = i * 3 + (i % 5 === 0 ? -1 : 0) // every fifth range overlaps the one before
      const r: [number, boolean, number, boolean, number] = [lo, i % 2 === 1, lo + 3, i % 3 !== 0, i]
      ranges.push(r)
      index.add(...r)
    }
    for (let x = -2; x <= 9005; x += 0.75) {
      const near = ranges.slice(Math.max(0, Math.floor(x / 3) - 2), Math.floor(x / 3) + 3) // a range lies within [3i - 1, 3i + 3]
      const expected = near.filter(([lo, loOpen, hi, hiOpen]) => (loOpen ? x > lo : x >= lo) && (hiOpen ? x < hi : x <= hi)).map(r => r[4])
      assert.deepEqual(stab(index, x), expected, `x=${x}`)
    }
  })
})

describe('IntervalIndex with heavily nested ranges', () => {
  it('answers the same as a linear scan when every range contains the next', () => {
    const index = new IntervalIndex()
    for (let i = 0; i < 500; i++) index.add(i, false, Infinity, false, i) // >= i: quadratic slot lists
    const found: number[] = []
    index.collect(250.5, found)
    assert.deepEqual(found.sort((a, b) => a - b), Array.from({ length: 251 }, (_, i) => i))
    found.length = 0
    index.collect(-1, found)
    assert.deepEqual(found, [])
  })

  it('agrees with a linear scan when endpoints are clustered, spread to the limits of doubles, or nearly equal', () => {
    const eps = Number.EPSILON
    const layouts: number[][] = [
      // A tight cluster and one far outlier: nearly every point falls in one bucket of the directory.
      [...Array.from({ length: 300 }, (_, i) => 1 + i * 1e-9), 1e12],
      [-Number.MAX_VALUE, -1, 0, 1e-300, 1, Number.MAX_VALUE],
      [1, 1 + eps, 1 + 2 * eps, 1 + 4 * eps],
      [5e-324, 1e-323, 2e-323],
      Array.from({ length: 2000 }, (_, i) => (i * 7919) % 30_000 + (i % 3) / 4)
    ]
    for (const points of layouts) {
      const index = new IntervalIndex()
      const ranges: [number, boolean, number, boolean, number][] = []
      const sorted = [...new Set(points)].sort((a, b) => a - b)
      // Bottom below top, as compilePattern requires.
      sorted.slice(0, -1).forEach((lo, i) => {
        const hi = sorted[Math.min(sorted.length - 1, i + 1 + (i % 3))]!
        ranges.push([lo, i % 2 === 0, hi, i % 3 === 0, i])
      })
      ranges.push([-Infinity, false, sorted[0]!, true, 100_000], [sorted[sorted.length - 1]!, false, Infinity, false, 100_001]) // ids are non-negative
      for (const r of ranges) index.add(...r)
      const probes = new Set<number>([-Number.MAX_VALUE, Number.MAX_VALUE, 0, -0])
      for (const p of sorted) for (const x of [p, p - Math.abs(p) * eps, p + Math.abs(p) * eps, p + 5e-324, p - 5e-324, p + 0.5, p * 1.5]) probes.add(x)
      for (const x of probes) {
        const expected = ranges.filter(([lo, loOpen, hi, hiOpen]) => (loOpen ? x > lo : x >= lo) && (hiOpen ? x < hi : x <= hi)).map(r => r[4])
        assert.deepEqual(stab(index, x), expected.sort((a, b) => a - b), `x=${x} among ${points.length} points`)
      }
      assert.deepEqual(stab(index, NaN), [])
    }
  })
})
