import { invalid } from './errors.js'
import type { WildcardPattern } from './types.js'

const STAR = 0x2a
const BACKSLASH = 0x5c

/**
 * Validates a wildcard operand and splits it at its unescaped `*`s.
 * Error positions count UTF-8 bytes in the operand wrapped in quotes, as EventBridge reports them.
 */
export function parseWildcard (text: string): WildcardPattern {
  const segments: string[] = []
  let current = ''
  let bytePos = 1 // the opening quote EventBridge adds before parsing
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === STAR) {
      if (text.charCodeAt(i + 1) === STAR) invalid('Consecutive wildcard characters at pos ' + bytePos)
      segments.push(current)
      current = ''
    } else if (code === BACKSLASH) {
      const next = text.charCodeAt(i + 1)
      if (next !== STAR && next !== BACKSLASH) invalid('Invalid escape character at pos ' + bytePos)
      current += text[i + 1]
      i++
      bytePos++
    } else {
      current += text[i]
    }
    bytePos += utf8Width(code)
  }
  segments.push(current)
  return { source: text, segments }
}

function utf8Width (code: number): number {
  if (code < 0x80) return 1
  if (code < 0x800) return 2
  // A surrogate pair is 4 bytes in UTF-8: count 2 for each half.
  if (code >= 0xd800 && code <= 0xdfff) return 2
  return 3
}

/** Glob match where `*` matches any run of characters; leftmost placement of each piece is enough. */
export function wildcardMatches (pattern: WildcardPattern, value: string): boolean {
  const segs = pattern.segments
  const first = segs[0]!
  if (segs.length === 1) return value === first
  const last = segs[segs.length - 1]!
  if (first.length + last.length > value.length) return false
  if (!value.startsWith(first) || !value.endsWith(last)) return false
  let pos = first.length
  const end = value.length - last.length
  for (let i = 1; i < segs.length - 1; i++) {
    const seg = segs[i]!
    const at = value.indexOf(seg, pos)
    if (at < 0 || at + seg.length > end) return false
    pos = at + seg.length
  }
  return true
}

const ANY = -1
const encoder = new TextEncoder()

/** The operand as EventBridge's byte machine sees it: quoted, UTF-8, `*` as ANY. */
function tokens (pattern: WildcardPattern): number[] {
  const out: number[] = [0x22]
  pattern.segments.forEach((seg, i) => {
    if (i > 0) out.push(ANY)
    for (const b of encoder.encode(seg)) out.push(b)
  })
  out.push(0x22)
  return out
}

/**
 * The most pattern prefixes one input can match at once over these wildcard
 * patterns (all on the same field): the number of states a matcher may have
 * to track simultaneously, which is what EventBridge caps ("Rule is too complex").
 * Stops exploring once `limit` is exceeded.
 */
export function wildcardComplexity (patterns: readonly WildcardPattern[], limit: number): number {
  const toks = patterns.map(tokens)
  // State id = pattern index * stride + position (number of tokens consumed).
  const stride = Math.max(...toks.map(t => t.length)) + 1
  const alphabet = new Set<number>([-2]) // -2 stands for every byte no pattern names
  for (const t of toks) for (const b of t) if (b !== ANY) alphabet.add(b)

  const addClosed = (set: Set<number>, p: number, pos: number): void => {
    const t = toks[p]!
    set.add(p * stride + pos)
    while (pos < t.length && t[pos] === ANY) set.add(p * stride + ++pos)
  }
  const step = (from: readonly number[], byte: number): number[] => {
    const next = new Set<number>()
    for (const id of from) {
      const p = Math.floor(id / stride)
      const pos = id % stride
      const t = toks[p]!
      if (pos > 0 && t[pos - 1] === ANY) next.add(id)
      if (pos < t.length && t[pos] === byte) addClosed(next, p, pos + 1)
    }
    return [...next].sort((a, b) => a - b)
  }

  const start = toks.map((_, p) => p * stride)
  const seen = new Set<string>()
  const pending: number[][] = [start]
  let max = 0
  let explored = 0
  while (pending.length > 0) {
    const current = pending.pop()!
    for (const byte of alphabet) {
      const next = step(current, byte)
      if (next.length === 0) continue
      if (next.length > max) max = next.length
      if (max > limit) return max
      const key = next.join(',')
      if (seen.has(key)) continue
      seen.add(key)
      // Bound the analysis itself; a pattern set this intricate is refused as too complex.
      if (++explored > 20000) return limit + 1
      pending.push(next)
    }
  }
  return max
}
