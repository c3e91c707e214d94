import { ipBits, looksLikeIp, parseCidr } from './cidr.js'
import { invalid } from './errors.js'
import type { Leaf, Matcher } from './types.js'
import { parseWildcard } from './wildcard.js'

// Turns one element of a field's array into matchers, refusing what EventBridge
// refuses with its own wording. EventBridge reads patterns with a streaming JSON
// parser, so several messages name the token it stopped at; tokenText mimics that.

type Json = unknown

export function isPlainObject (v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function tokenText (v: Json): string {
  if (v === undefined) return ']'
  if (Array.isArray(v)) return '['
  if (isPlainObject(v)) return '{'
  return String(v)
}

const TOO_MANY = 'Too many elements in numeric expression'
const ONE_KEY = 'Only one key allowed in match expression'

/** The matchers for one value of a field's array (a literal or a `{operator: operand}` object). */
export function parseArrayElement (value: Json, out: Matcher[]): void {
  if (isPlainObject(value)) {
    out.push(parseMatchExpression(value))
    return
  }
  if (typeof value === 'string') {
    out.push({ kind: 'exact', value })
    // EventBridge compares an IP literal as an address, so other spellings of it match too.
    const bits = looksLikeIp(value) ? ipBits(value) : null
    if (bits !== null) out.push({ kind: 'cidr', bits })
    return
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    out.push({ kind: 'exact', value: value as Leaf })
    return
  }
  invalid('Match value must be String, number, true, false, or null')
}

function parseMatchExpression (expr: Record<string, Json>): Matcher {
  const keys = Object.keys(expr)
  if (keys.length === 0) invalid('Match expression name not found')
  const name = keys[0]!
  const operand = expr[name]
  const extraKeys = keys.length > 1
  switch (name) {
    case 'exactly':
      if (typeof operand !== 'string') invalid('exact match pattern must be a string')
      if (extraKeys) invalid(ONE_KEY)
      return { kind: 'exact', value: operand }
    case 'prefix':
    case 'suffix': {
      if (isPlainObject(operand)) {
        const value = parseNestedIgnoreCase(name, operand)
        if (extraKeys) invalid(ONE_KEY)
        return { kind: name, value, ignoreCase: true }
      }
      if (typeof operand !== 'string') invalid(`${name} match pattern must be a string`)
      if (extraKeys) invalid(ONE_KEY)
      return { kind: name, value: operand, ignoreCase: false }
    }
    case 'equals-ignore-case':
      if (typeof operand !== 'string') invalid('equals-ignore-case match pattern must be a string')
      if (extraKeys) invalid(ONE_KEY)
      return { kind: 'equalsIgnoreCase', value: operand.toLowerCase() }
    case 'numeric': {
      if (!Array.isArray(operand)) invalid('Value of numeric must be an array.')
      const m = parseNumeric(operand)
      if (extraKeys) invalid(TOO_MANY)
      return m
    }
    case 'anything-but': {
      const m = parseAnythingBut(operand)
      if (extraKeys) invalid(TOO_MANY)
      return m
    }
    case 'exists':
      if (typeof operand !== 'boolean') invalid('exists match pattern must be either true or false.')
      if (extraKeys) invalid(ONE_KEY)
      return { kind: 'exists', present: operand }
    case 'cidr':
      // EventBridge's wording for a non-string CIDR really does say "prefix".
      if (typeof operand !== 'string') invalid('prefix match pattern must be a string')
      {
        const bits = parseCidr(operand)
        if (extraKeys) invalid(ONE_KEY)
        return { kind: 'cidr', bits }
      }
    case 'wildcard':
      if (typeof operand !== 'string') invalid('wildcard match pattern must be a string')
      {
        const pattern = parseWildcard(operand)
        if (extraKeys) invalid(ONE_KEY)
        return { kind: 'wildcard', pattern }
      }
    default:
      return invalid('Unrecognized match type ' + name)
  }
}

/** `{"prefix": {"equals-ignore-case": "..."}}` and the same for suffix. */
function parseNestedIgnoreCase (op: 'prefix' | 'suffix', inner: Record<string, Json>): string {
  const keys = Object.keys(inner)
  const label = op === 'prefix' ? 'Prefix' : 'Suffix'
  if (keys.length === 0) invalid(`${label} expression name not found`)
  if (keys[0] !== 'equals-ignore-case') invalid(`Unsupported ${op} pattern: ${keys[0]!}`)
  const value = inner[keys[0]]
  if (typeof value !== 'string') invalid('equals-ignore-case match pattern must be a string')
  if (keys.length > 1) invalid(ONE_KEY)
  return value.toLowerCase()
}

function comparable (n: number): number {
  if (!Number.isFinite(n)) invalid('Cannot compare number : ' + String(n))
  return n
}

const isNum = (v: Json): v is number => typeof v === 'number'

function parseNumeric (terms: Json[]): Matcher {
  const op = terms[0]
  if (typeof op !== 'string') invalid('Invalid member in numeric match: ' + tokenText(op))
  const value = terms[1]
  switch (op) {
    case '=':
      if (!isNum(value)) invalid('Value of equals must be numeric')
      if (terms.length > 2) invalid(TOO_MANY)
      return { kind: 'exact', value: comparable(value) }
    case '>':
    case '>=': {
      if (!isNum(value)) invalid(`Value of ${op} must be numeric`)
      const lo = comparable(value)
      if (terms.length === 2) return { kind: 'numeric', lo, loOpen: op === '>', hi: Infinity, hiOpen: false }
      const topOp = terms[2]
      if (typeof topOp !== 'string') invalid('Bad value in numeric range: ' + tokenText(topOp))
      if (topOp !== '<' && topOp !== '<=') invalid('Bad numeric range operator: ' + topOp)
      const top = terms[3]
      if (!isNum(top)) invalid(`Value of ${topOp} must be numeric`)
      if (terms.length > 4) invalid('Too many terms in numeric range expression')
      const hi = comparable(top)
      if (!(lo < hi)) invalid('Bottom must be less than top')
      return { kind: 'numeric', lo, loOpen: op === '>', hi, hiOpen: topOp === '<' }
    }
    case '<':
    case '<=':
      if (!isNum(value)) invalid(`Value of ${op} must be numeric`)
      if (terms.length > 2) invalid(TOO_MANY)
      return { kind: 'numeric', lo: -Infinity, loOpen: false, hi: comparable(value), hiOpen: op === '<' }
    default:
      return invalid('Unrecognized numeric range operator: ' + op)
  }
}

type AnythingButOp = 'equals-ignore-case' | 'prefix' | 'suffix' | 'wildcard'
const ANYTHING_BUT_OPS: ReadonlySet<string> = new Set(['equals-ignore-case', 'prefix', 'suffix', 'wildcard'])

function parseAnythingBut (operand: Json): Matcher {
  let op: AnythingButOp | null = null
  let value = operand
  let innerExtraKeys = false
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand)
    if (keys.length === 0) invalid('Anything-But expression name not found')
    if (!ANYTHING_BUT_OPS.has(keys[0]!)) invalid('Unsupported anything-but pattern: ' + keys[0]!)
    op = keys[0] as AnythingButOp
    value = operand[op]
    innerExtraKeys = keys.length > 1
  }
  if (!Array.isArray(value) && typeof value !== 'string' && typeof value !== 'number') {
    invalid('Value of anything-but must be an array or single string/number value.')
  }
  const m = op === null ? parsePlainAnythingBut(value) : parseAnythingButSet(op, value)
  if (innerExtraKeys) invalid(TOO_MANY)
  return m
}

function parsePlainAnythingBut (value: Json[] | string | number): Matcher {
  const list = Array.isArray(value) ? value : [value]
  let strings = false
  let numbers = false
  const values = new Set<string | number>()
  for (const v of list) {
    if (typeof v === 'string') {
      strings = true
      values.add(v)
    } else if (typeof v === 'number') {
      numbers = true
      values.add(comparable(v))
    } else {
      invalid('Inside anything but list, start|null|boolean is not supported.')
    }
  }
  if (strings === numbers) {
    invalid('Inside anything but list, either all values are number or string, mixed type is not supported')
  }
  return { kind: 'anythingBut', values }
}

function parseAnythingButSet (op: AnythingButOp, value: Json[] | string | number): Matcher {
  const list = Array.isArray(value) ? value : [value]
  const texts: string[] = []
  for (const v of list) {
    if (typeof v !== 'string') {
      if (op === 'equals-ignore-case') invalid('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.')
      if (op === 'wildcard') invalid('wildcard match pattern must be a string')
      invalid('prefix/suffix match pattern must be a string')
    }
    if ((op === 'prefix' || op === 'suffix') && v === '') invalid('Null prefix/suffix not allowed')
    texts.push(v)
  }
  switch (op) {
    case 'equals-ignore-case':
      return { kind: 'anythingButIgnoreCase', values: new Set(texts.map(t => t.toLowerCase())) }
    case 'prefix':
      return { kind: 'anythingButPrefix', values: texts }
    case 'suffix':
      return { kind: 'anythingButSuffix', values: texts }
    case 'wildcard':
      return { kind: 'anythingButWildcard', patterns: texts.map(parseWildcard) }
  }
}
