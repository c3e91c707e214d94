import type { Condition, Matcher } from './types.js'

// RuleMatcher indexes one condition per branch, its "anchor", and checks the
// rest only for branches whose anchor matched. A good anchor is one few other
// rules share (a detail-type or an order id rather than a common source), so
// anchors are chosen by how many conditions use the same value on the same path,
// weighted by how broadly the operator matches.

/** Identifies a matcher's value on a path, to count how many rules use it. */
export function matcherKey (path: string, m: Matcher): string {
  switch (m.kind) {
    case 'exact': return `${path}\0=${typeof m.value}:${String(m.value)}`
    case 'equalsIgnoreCase': return `${path}\0i${m.value}`
    case 'prefix': return `${path}\0p${m.ignoreCase ? 'i' : ''}${m.value}`
    case 'suffix': return `${path}\0s${m.ignoreCase ? 'i' : ''}${m.value}`
    case 'numeric': return `${path}\0n${m.lo},${String(m.loOpen)},${m.hi},${String(m.hiOpen)}`
    case 'cidr': return `${path}\0c${m.bits}`
    case 'wildcard': return `${path}\0w${m.pattern.source}`
    default: return `${path}\0${m.kind}`
  }
}

/** Rough share of all values a matcher accepts: exact values are narrowest. */
function breadth (m: Matcher): number {
  switch (m.kind) {
    case 'exact':
    case 'equalsIgnoreCase':
      return 1
    case 'prefix':
    case 'suffix':
      return m.value.length === 0 ? 1000 : m.value.length < 3 ? 8 : 2
    case 'numeric':
      return Number.isFinite(m.lo) && Number.isFinite(m.hi) ? 2 : 8
    case 'cidr':
      return 2
    case 'wildcard':
      return m.pattern.segments.every(s => s.length === 0) ? 1000 : 4
    default:
      return 1000
  }
}

/** Expected number of branches woken up if this condition were the anchor. */
export function anchorCost (cond: Condition, popularity: ReadonlyMap<string, number>): number {
  let cost = 0
  for (const m of cond.matchers) cost += breadth(m) * (popularity.get(matcherKey(cond.path, m)) ?? 1)
  return cost
}

/** Index of the cheapest selective condition of a branch, or -1 when it has none. */
export function chooseAnchor (conditions: readonly Condition[], popularity: ReadonlyMap<string, number>): number {
  let best = -1
  let bestCost = Infinity
  conditions.forEach((cond, i) => {
    if (!cond.selective) return
    const cost = anchorCost(cond, popularity)
    if (cost < bestCost) {
      best = i
      bestCost = cost
    }
  })
  return best
}
