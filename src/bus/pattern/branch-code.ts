import type { EventLeaves } from './event-leaves.js'
import { leafMatches } from './evaluate.js'
import type { Leaf, Matcher } from './types.js'

// The conditions of every branch, encoded back to back in one Float64Array, so
// checking a candidate branch reads one short stretch of memory instead of
// following pointers through condition, matcher and array objects scattered
// over the heap. With thousands of rules each event reaches a different rule's
// data, and those cache misses, not instructions, are what the check costs.
//
// A branch:    header (HEADER words), then each condition, then the text of its strings
// The header: epoch of the last event that checked the branch, its rule's index,
//             1 when it is its rule's only branch, condition count
// A condition: path id, absent-matches flag, matcher count, then each matcher
// A matcher:   op, a, b, c (meaning per op below)
//
// Strings are stored as UTF-16 code units in the same buffer, right after the
// branch's matchers (four to a word), and compared unit by unit: reading a JS
// string held elsewhere would cost another cache miss per operand.

const OP = {
  /** a: where the text starts (in code units, from the branch start), b: its length. */
  exactString: 1,
  /** a: the number. */
  exactNumber: 2,
  /** a: 0 false, 1 true, 2 null. */
  exactOther: 3,
  /** a: lo, b: hi, c: 1 lo open | 2 hi open. */
  numeric: 4,
  /** a, b: the prefix's text, as for exactString. */
  prefix: 5,
  suffix: 6,
  /** a: 1 present. */
  exists: 7,
  /** a: index of the Matcher in `operands`, evaluated by leafMatches. */
  other: 8,
  /** anything-but a list of strings. a: where the list starts, b: how many, c: code units it takes; each string is its length, then its units. */
  notInStrings: 9
} as const

const MATCHER_WORDS = 4
/** Header words, at these offsets from the branch start. */
export const HEADER_FIELDS = { seen: 0, rule: 1, only: 2 } as const
const { seen: SEEN, rule: RULE, only: ONLY } = HEADER_FIELDS
const CONDITIONS = 3
const HEADER = 4

const UNITS_PER_WORD = 4

function hasOperand (op: number): boolean {
  return op === OP.other
}

/** The text a matcher keeps inline, if any. */
function inlineText (m: Matcher): string | null {
  if (m.kind === 'exact' && typeof m.value === 'string') return m.value
  if ((m.kind === 'prefix' || m.kind === 'suffix') && !m.ignoreCase) return m.value
  return null
}

/** The strings of an anything-but that excludes strings only (they are kept inline), else null. */
function excludedStrings (m: Matcher): string[] | null {
  if (m.kind !== 'anythingBut') return null
  const values = [...m.values]
  return values.every(v => typeof v === 'string') ? values as string[] : null
}

/** Code units a matcher stores inline. */
function inlineUnits (m: Matcher): number {
  const text = inlineText(m)
  if (text !== null) return text.length
  const list = excludedStrings(m)
  return list === null ? 0 : list.reduce((n, v) => n + 1 + v.length, 0)
}

export interface EncodedCondition {
  readonly pathId: number
  readonly matchesAbsent: boolean
  readonly matchers: readonly Matcher[]
}

export class BranchCode {
  private code = new Float64Array(1024)
  /** The same memory as `code`, as UTF-16 code units. */
  private units = new Uint16Array(this.code.buffer)
  private readonly operands: unknown[] = []
  private end = 0
  /** Words and operands belonging to released branches, reclaimed by compact(). */
  private wasted = 0

  /** Encodes a conjunction of conditions; returns where it starts. */
  encode (conditions: readonly EncodedCondition[], rule: number, only: boolean): number {
    let words = HEADER
    let textUnits = 0
    for (const c of conditions) {
      words += 3 + MATCHER_WORDS * c.matchers.length
      for (const m of c.matchers) textUnits += inlineUnits(m)
    }
    const total = words + Math.ceil(textUnits / UNITS_PER_WORD)
    if (this.end + total > this.code.length) this.resize(Math.max(this.code.length * 2, this.end + total))
    const code = this.code
    const start = this.end
    let p = start
    let text = words * UNITS_PER_WORD
    code[start + SEEN] = 0
    code[start + RULE] = rule
    code[start + ONLY] = only ? 1 : 0
    code[start + CONDITIONS] = conditions.length
    p += HEADER
    for (const c of conditions) {
      code[p++] = c.pathId
      code[p++] = c.matchesAbsent ? 1 : 0
      code[p++] = c.matchers.length
      for (const m of c.matchers) {
        this.encodeMatcher(m, p)
        const value = inlineText(m)
        const list = excludedStrings(m)
        if (value !== null) {
          code[p + 1] = text
          code[p + 2] = value.length
          this.writeText(start * UNITS_PER_WORD + text, value)
          text += value.length
        } else if (list !== null) {
          code[p] = OP.notInStrings
          code[p + 1] = text
          code[p + 2] = list.length
          code[p + 3] = inlineUnits(m)
          for (const v of list) {
            this.units[start * UNITS_PER_WORD + text] = v.length
            this.writeText(start * UNITS_PER_WORD + text + 1, v)
            text += 1 + v.length
          }
        }
        p += MATCHER_WORDS
      }
    }
    this.end = start + total
    return start
  }

  /** The encoded branches; a branch's header is read and written in place (see SEEN, RULE, ONLY). */
  get words (): Float64Array {
    return this.code
  }

  /** Marks a branch's code as unused. */
  release (at: number): void {
    this.wasted += this.length(at)
  }

  /** Whether compact() would reclaim at least half of the space. */
  get fragmented (): boolean {
    return this.wasted > 4096 && this.wasted * 2 > this.end
  }

  /**
   * Copies the live branches (given by their current starts) to the front, with
   * their operands; returns their new starts in the same order.
   */
  compact (starts: readonly number[]): number[] {
    const old = this.code
    const oldOperands = this.operands.splice(0)
    const code = new Float64Array(Math.max(1024, (this.end - this.wasted) * 2))
    this.units = new Uint16Array(code.buffer)
    const moved: number[] = []
    let p = 0
    for (const at of starts) {
      const n = this.length(at)
      code.set(old.subarray(at, at + n), p)
      moved.push(p)
      let q = p + HEADER
      for (let c = 0; c < code[p + CONDITIONS]!; c++) {
        const count = code[q + 2]!
        q += 3
        for (let i = 0; i < count; i++, q += MATCHER_WORDS) {
          if (hasOperand(code[q]!)) code[q + 1] = this.operand(oldOperands[code[q + 1]!])
        }
      }
      p += n
    }
    this.code = code
    this.end = p
    this.wasted = 0
    return moved
  }

  /** Whether the current event (in `leaves`) satisfies every condition of the branch at `at`. */
  matches (at: number, leaves: EventLeaves): boolean {
    const code = this.code
    const conditions = code[at + CONDITIONS]!
    let p = at + HEADER
    for (let c = 0; c < conditions; c++) {
      const pathId = code[p]!
      const matchesAbsent = code[p + 1] === 1
      const count = code[p + 2]!
      p += 3
      let entry = leaves.first(pathId)
      if (entry < 0) {
        if (!matchesAbsent) return false
      } else {
        let satisfied = false
        do {
          if (this.anyMatcher(code, p, count, leaves.value(entry), at * UNITS_PER_WORD)) {
            satisfied = true
            break
          }
          entry = leaves.following(entry)
        } while (entry >= 0)
        if (!satisfied) return false
      }
      p += count * MATCHER_WORDS
    }
    return true
  }

  private anyMatcher (code: Float64Array, p: number, count: number, v: Leaf, textBase: number): boolean {
    for (let i = 0; i < count; i++, p += MATCHER_WORDS) {
      switch (code[p]) {
        case OP.exactString:
          if (typeof v === 'string' && v.length === code[p + 2] && this.sameText(v, 0, textBase + code[p + 1]!, v.length)) return true
          break
        case OP.exactNumber:
          if (v === code[p + 1]) return true
          break
        case OP.exactOther:
          if (v === (code[p + 1] === 2 ? null : code[p + 1] === 1)) return true
          break
        case OP.numeric: {
          if (typeof v !== 'number') break
          const flags = code[p + 3]!
          const lo = code[p + 1]!
          const hi = code[p + 2]!
          if (((flags & 1) !== 0 ? v > lo : v >= lo) && ((flags & 2) !== 0 ? v < hi : v <= hi)) return true
          break
        }
        case OP.prefix: {
          const n = code[p + 2]!
          if (typeof v === 'string' && v.length >= n && this.sameText(v, 0, textBase + code[p + 1]!, n)) return true
          break
        }
        case OP.suffix: {
          const n = code[p + 2]!
          if (typeof v === 'string' && v.length >= n && this.sameText(v, v.length - n, textBase + code[p + 1]!, n)) return true
          break
        }
        case OP.exists:
          if (code[p + 1] === 1) return true
          break
        case OP.notInStrings:
          if (typeof v !== 'string' || !this.inList(v, textBase + code[p + 1]!, code[p + 2]!)) return true
          break
        default:
          if (leafMatches(this.operands[code[p + 1]!] as Matcher, v)) return true
      }
    }
    return false
  }

  /** Whether v is one of the `count` strings stored from `unit` (each: length, then units). */
  private inList (v: string, unit: number, count: number): boolean {
    const units = this.units
    for (let k = 0; k < count; k++) {
      const n = units[unit]!
      if (n === v.length && this.sameText(v, 0, unit + 1, n)) return true
      unit += 1 + n
    }
    return false
  }

  private writeText (unit: number, text: string): void {
    for (let i = 0; i < text.length; i++) this.units[unit + i] = text.charCodeAt(i)
  }

  /** Whether v's n code units from `from` equal the stored ones at `unit`. */
  private sameText (v: string, from: number, unit: number, n: number): boolean {
    const units = this.units
    for (let i = 0; i < n; i++) if (v.charCodeAt(from + i) !== units[unit + i]) return false
    return true
  }

  private resize (words: number): void {
    const bigger = new Float64Array(words)
    bigger.set(this.code.subarray(0, this.end))
    this.code = bigger
    this.units = new Uint16Array(bigger.buffer)
  }

  private encodeMatcher (m: Matcher, p: number): void {
    const code = this.code
    code[p + 1] = 0
    code[p + 2] = 0
    code[p + 3] = 0
    switch (m.kind) {
      case 'exact':
        if (typeof m.value === 'string') {
          code[p] = OP.exactString
        } else if (typeof m.value === 'number') {
          code[p] = OP.exactNumber
          code[p + 1] = m.value
        } else {
          code[p] = OP.exactOther
          code[p + 1] = m.value === null ? 2 : m.value ? 1 : 0
        }
        return
      case 'numeric':
        code[p] = OP.numeric
        code[p + 1] = m.lo
        code[p + 2] = m.hi
        code[p + 3] = (m.loOpen ? 1 : 0) | (m.hiOpen ? 2 : 0)
        return
      case 'prefix':
      case 'suffix':
        if (!m.ignoreCase) {
          code[p] = m.kind === 'prefix' ? OP.prefix : OP.suffix
          return
        }
        break
      case 'exists':
        code[p] = OP.exists
        code[p + 1] = m.present ? 1 : 0
        return
      case 'anythingBut':
        if (excludedStrings(m) !== null) {
          code[p] = OP.notInStrings // its list is written by encode()
          return
        }
        break
      default:
        break
    }
    code[p] = OP.other
    code[p + 1] = this.operand(m)
  }

  private operand (value: unknown): number {
    this.operands.push(value)
    return this.operands.length - 1
  }

  /** Words a branch takes, its text included. */
  private length (at: number): number {
    const code = this.code
    let p = at + HEADER
    let textUnits = 0
    for (let c = 0; c < code[at + CONDITIONS]!; c++) {
      const count = code[p + 2]!
      p += 3
      for (let i = 0; i < count; i++, p += MATCHER_WORDS) {
        const op = code[p]
        if (op === OP.exactString || op === OP.prefix || op === OP.suffix) textUnits += code[p + 2]!
        else if (op === OP.notInStrings) textUnits += code[p + 3]!
      }
    }
    return p - at + Math.ceil(textUnits / UNITS_PER_WORD)
  }
}
