import { InvalidEventPatternError, invalid } from './errors.js'
import { isPlainObject, parseArrayElement } from './operators.js'
import { SELECTIVE_KINDS, type Branch, type CompiledPattern, type Condition, type Matcher, type PathStep, type WildcardPattern } from './types.js'
import { wildcardComplexity } from './wildcard.js'
import { jsonTextTooDeep, MAX_JSON_DEPTH } from '../json-depth.js'

// validate -> compile: the pattern's object tree becomes a list of branches
// (conjunctions of field conditions). `$or` forks the branches built so far, the
// way EventBridge's own compiler does, so fields after an `$or` join every fork.

const OR = '$or'
/** Names that cannot be fields inside `$or`, since they would read as operators there. */
const RESERVED_IN_OR: ReadonlySet<string> = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case',
  'date-after', 'date-on-or-after', 'date-before', 'date-on-or-before', 'in-date-range',
  'ip-address-in-range', 'ip-address-not-in-range'
])
/** Most simultaneous wildcard prefixes EventBridge accepts on one field. */
const WILDCARD_COMPLEXITY_LIMIT = 10
/** `$or`s multiply; past this many branches the pattern is refused rather than expanded. */
const MAX_BRANCHES = 1000
const TOO_COMPLEX = 'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character'

type Draft = Map<string, Matcher[]>

/** Parses and validates a pattern given as JSON text. Duplicate keys: the last one wins. */
export function parsePattern (text: string): CompiledPattern {
  // The compiler recurses once per level: refuse a hostile depth before parsing.
  if (jsonTextTooDeep(text)) invalid(`Pattern is nested more than ${MAX_JSON_DEPTH} levels deep`)
  let tree: unknown
  try {
    tree = JSON.parse(text)
  } catch (err) {
    throw new InvalidEventPatternError((err as Error).message)
  }
  return compilePattern(tree)
}

/** Validates and compiles a pattern that is already a parsed JSON value. */
export function compilePattern (tree: unknown): CompiledPattern {
  if (!isPlainObject(tree)) invalid('Filter is not an object')
  const drafts: Draft[] = []
  parseObject(drafts, [], tree, false)
  const branches = drafts.map(toBranch)
  checkWildcardComplexity(branches)
  return { branches }
}

function parseObject (drafts: Draft[], path: string[], obj: Record<string, unknown>, insideOr: boolean): void {
  const keys = Object.keys(obj)
  if (keys.length === 0) invalid('Empty objects are not allowed')
  for (const key of keys) {
    const value = obj[key]
    if (key === OR) {
      parseOr(drafts, path, value)
      continue
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      invalid(`${key} is Ruler reserved fieldName which cannot be used inside ${OR}.`)
    }
    if (isPlainObject(value)) {
      path.push(key)
      parseObject(drafts, path, value, insideOr)
      path.pop()
    } else if (Array.isArray(value)) {
      writeField(drafts, [...path, key].join('.'), value)
    } else {
      invalid(`"${key}" must be an object or an array`)
    }
  }
}

function parseOr (drafts: Draft[], path: string[], value: unknown): void {
  if (!Array.isArray(value)) invalid(`It must be an Array followed with ${OR}.`)
  const before = drafts.map(copyDraft)
  drafts.length = 0
  for (const element of value) {
    if (!isPlainObject(element)) invalid(`Only JSON object is allowed in array of ${OR} relationship.`)
    const forks = before.length === 0 ? [new Map()] : before.map(copyDraft)
    parseObject(forks, path, element, true)
    drafts.push(...forks)
    if (drafts.length > MAX_BRANCHES) invalid('Rule is too complex')
  }
  if (value.length < 2) invalid(`There must have at least 2 Objects in ${OR} relationship.`)
}

function copyDraft (d: Draft): Draft {
  return new Map(d)
}

function writeField (drafts: Draft[], path: string, values: unknown[]): void {
  const matchers: Matcher[] = []
  for (const v of values) parseArrayElement(v, matchers)
  if (values.length === 0) invalid('Empty arrays are not allowed')
  if (drafts.length === 0) drafts.push(new Map())
  // A path given twice (nested and dotted, or a repeated key) keeps the last one.
  for (const d of drafts) {
    d.delete(path)
    d.set(path, matchers)
  }
}

function toBranch (draft: Draft): Branch {
  const conditions: Condition[] = []
  for (const [path, matchers] of draft) {
    conditions.push({
      path,
      topKey: path.includes('.') ? null : propertyKey(path),
      nestedKeys: path.includes('.') ? path.split('.').map(propertyKey) : null,
      steps: pathSteps(path),
      matchers,
      selective: matchers.every(m => SELECTIVE_KINDS.has(m.kind)),
      matchesAbsent: matchers.some(m => m.kind === 'exists' && !m.present)
    })
  }
  return { conditions }
}

/** Precomputes every split of the path at its dots, so matching never slices strings. */
export function pathSteps (path: string): PathStep[][] {
  const starts = [0]
  for (let i = path.indexOf('.'); i >= 0; i = path.indexOf('.', i + 1)) starts.push(i + 1)
  return starts.map((start, j) => {
    const choices: PathStep[] = []
    for (let k = j + 1; k < starts.length; k++) choices.push({ key: propertyKey(path.slice(start, starts[k]! - 1)), next: k })
    choices.push({ key: propertyKey(path.slice(start)), next: -1 })
    return choices
  })
}

/**
 * The same text as a string the engine already uses as a property name. Sliced
 * strings are not, and each `obj[key]` with one would first search the engine's
 * table of property names; doing that once here keeps it off the matching path.
 */
function propertyKey (text: string): string {
  return Object.keys({ [text]: 0 })[0]!
}

function checkWildcardComplexity (branches: readonly Branch[]): void {
  const byPath = new Map<string, Map<string, WildcardPattern>>()
  for (const branch of branches) {
    for (const cond of branch.conditions) {
      for (const m of cond.matchers) {
        const patterns = m.kind === 'wildcard' ? [m.pattern] : m.kind === 'anythingButWildcard' ? m.patterns : []
        for (const p of patterns) {
          let set = byPath.get(cond.path)
          if (set === undefined) byPath.set(cond.path, set = new Map())
          set.set(p.source, p)
        }
      }
    }
  }
  for (const set of byPath.values()) {
    if (wildcardComplexity([...set.values()], WILDCARD_COMPLEXITY_LIMIT) > WILDCARD_COMPLEXITY_LIMIT) invalid(TOO_COMPLEX)
  }
}
