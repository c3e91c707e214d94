import { ipBits } from './cidr.js'
import type { Branch, CompiledPattern, Condition, Leaf, Matcher } from './types.js'
import { wildcardMatches } from './wildcard.js'

// Direct evaluation of a pattern against an event: used for a single pattern
// (TestEventPattern) and, inside RuleMatcher, for the conditions the index does not cover.

function isLeaf (v: unknown): v is Leaf {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
}

function startsWithAny (value: string, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (value.startsWith(p)) return true
  return false
}

function endsWithAny (value: string, suffixes: readonly string[]): boolean {
  for (const s of suffixes) if (value.endsWith(s)) return true
  return false
}

/** Whether one event value (a JSON scalar) satisfies one matcher. `exists: false` never does. */
export function leafMatches (m: Matcher, v: Leaf): boolean {
  switch (m.kind) {
    case 'exact':
      return v === m.value
    case 'equalsIgnoreCase':
      return typeof v === 'string' && v.toLowerCase() === m.value
    case 'prefix':
      return typeof v === 'string' && (m.ignoreCase ? v.toLowerCase() : v).startsWith(m.value)
    case 'suffix':
      return typeof v === 'string' && (m.ignoreCase ? v.toLowerCase() : v).endsWith(m.value)
    case 'numeric':
      return typeof v === 'number' &&
        (m.loOpen ? v > m.lo : v >= m.lo) &&
        (m.hiOpen ? v < m.hi : v <= m.hi)
    case 'cidr': {
      if (typeof v !== 'string') return false
      const bits = ipBits(v)
      return bits !== null && bits.startsWith(m.bits)
    }
    case 'wildcard':
      return typeof v === 'string' && wildcardMatches(m.pattern, v)
    case 'anythingBut':
      // The excluded set holds only strings or only numbers, so other types always pass.
      return !((typeof v === 'string' || typeof v === 'number') && m.values.has(v))
    case 'anythingButIgnoreCase':
      return typeof v !== 'string' || !m.values.has(v.toLowerCase())
    case 'anythingButPrefix':
      return typeof v !== 'string' || !startsWithAny(v, m.values)
    case 'anythingButSuffix':
      return typeof v !== 'string' || !endsWithAny(v, m.values)
    case 'anythingButWildcard':
      for (const p of m.patterns) if (typeof v === 'string' && wildcardMatches(p, v)) return false
      return true
    case 'exists':
      return m.present
  }
}

/**
 * Appends to `out` every scalar the event holds along a condition's path.
 * A dotted key in the event counts the same as nesting, so every split of the
 * path at its dots is tried (see PathStep); arrays are looked through at any depth.
 */
export function collectLeaves (node: unknown, steps: Condition['steps'], at: number, out: Leaf[]): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) collectLeaves(node[i], steps, at, out)
    return
  }
  if (at < 0) {
    if (isLeaf(node)) out.push(node)
    return
  }
  if (typeof node !== 'object' || node === null) return
  const obj = node as Record<string, unknown>
  const choices = steps[at]!
  for (let i = 0; i < choices.length; i++) {
    const step = choices[i]!
    const child = obj[step.key]
    if (child !== undefined && Object.hasOwn(obj, step.key)) collectLeaves(child, steps, step.next, out)
  }
}

const scratch: Leaf[] = []

function anyMatcher (matchers: readonly Matcher[], v: Leaf): boolean {
  for (let i = 0; i < matchers.length; i++) if (leafMatches(matchers[i]!, v)) return true
  return false
}

/** Whether the event satisfies one field condition. */
export function conditionMatches (cond: Condition, event: unknown): boolean {
  // Fast path: a top-level field holding a scalar (prototype properties are never scalars).
  if (cond.topKey !== null && typeof event === 'object' && event !== null) {
    const v = (event as Record<string, unknown>)[cond.topKey]
    if (isLeaf(v)) return anyMatcher(cond.matchers, v)
  } else if (cond.nestedKeys !== null) {
    // Fast path for the usual nested spelling; when it finds no matching scalar,
    // the full search below also tries dotted keys and arrays.
    let node = event
    const keys = cond.nestedKeys
    for (let i = 0; i < keys.length && typeof node === 'object' && node !== null && !Array.isArray(node); i++) {
      node = (node as Record<string, unknown>)[keys[i]!]
      if (i === keys.length - 1 && isLeaf(node) && anyMatcher(cond.matchers, node)) return true
    }
  }
  const base = scratch.length
  collectLeaves(event, cond.steps, 0, scratch)
  const found = scratch.length > base
  let matched = false
  for (let i = base; i < scratch.length && !matched; i++) {
    for (const m of cond.matchers) {
      if (leafMatches(m, scratch[i]!)) {
        matched = true
        break
      }
    }
  }
  scratch.length = base
  return matched || (!found && cond.matchesAbsent)
}

export function branchMatches (branch: Branch, event: unknown): boolean {
  for (const cond of branch.conditions) if (!conditionMatches(cond, event)) return false
  return true
}

/** Whether a single compiled pattern matches an event (already parsed from JSON). */
export function matchesPattern (pattern: CompiledPattern, event: unknown): boolean {
  for (const branch of pattern.branches) if (branchMatches(branch, event)) return true
  return false
}
