import type { EventLeaves } from './event-leaves.js'
import { leafMatches } from './evaluate.js'
import type { Leaf, Matcher } from './types.js'

// The conditions of every branch, encoded back to back in one buffer, so
// checking a candidate branch reads one short stretch of memory instead of
// following pointers through condition, matcher, array and string objects
// scattered over the heap. With thousands of rules each event reaches a
// different rule's data, and those cache misses, not instructions, are what the
// check costs; the encoding is kept small (32-bit words) for the same reason.
//
// A branch (starting at an even word): header, conditions, then its data:
//   header:    epoch of the last event that checked it, its rule's index,
//              1 when it is its rule's only branch, condition count
//   condition: path id, absent-matches flag, matcher count, then each matcher
//   matcher:   op, a, b, c (meaning per op below)
//   data:      the numbers (as float64, 8-byte aligned), then the UTF-16 code
//              units of its strings; offsets to them count from the branch start.

const OP = {
  /** a: where the text starts (code units from the branch start), b: its length. */
  exactString: 1,
  /** a: where the number is (words from the branch start). */
  exactNumber: 2,
  /** a: 0 false, 1 true, 2 null. */
  exactOther: 3,
  /** a: where lo is (hi follows it), c: 1 lo open | 2 hi open. */
  numeric: 4,
  /** a, b: the prefix's text, as for exactString. */
  prefix: 5,
  suffix: 6,
  /** a: 1 present. */
  exists: 7,
  /** a: index of the Matcher in `operands`, evaluated by leafMatches. */
  other: 8,
  /** anything-but strings. a: where the list starts, b: how many; each string is its length, then its units. */
  notInStrings: 9
} as const

const MATCHER_WORDS = 4
/** Header words, at these offsets from the branch start. */
export const HEADER_FIELDS = { seen: 0, rule: 1, only: 2 } as const
const { seen: SEEN, rule: RULE, only: ONLY } = HEADER_FIELDS
const CONDITIONS = 3
const HEADER = 4
const UNITS_PER_WORD = 2

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

/** Code units a matcher keeps inline. */
function inlineUnits (m: Matcher): number {
  const text = inlineText(m)
  if (text !== null) return text.length
  const list = excludedStrings(m)
  return list === null ? 0 : list.reduce((n, v) => n + 1 + v.length, 0)
}

/** Words of numbers an op keeps in the data area. */
function numberWords (op: number): number {
  return op === OP.exactNumber ? 2 : op === OP.numeric ? 4 : 0
}

const even = (n: number): number => n + (n & 1)

export interface EncodedCondition {
  readonly pathId: number
  readonly matchesAbsent: boolean
  readonly matchers: readonly Matcher[]
}

export class BranchCode {
  private code = new Int32Array(1024)
  /** The same memory as `code`, as float64s and as UTF-16 code units. */
  private numbers = new Float64Array(this.code.buffer)
  private units = new Uint16Array(this.code.buffer)
  /** Matchers evaluated by leafMatches (rare kinds), by index. */
  private readonly operands: unknown[] = []
  private end = 0
  /** Words and operands belonging to released branches, reclaimed by compact(). */
  private wasted = 0

  /** The encoded branches; a branch's header is read and written in place (see HEADER_FIELDS). */
  get words (): Int32Array {
    return this.code
  }

  /** Encodes a conjunction of conditions for the rule at index `rule`; returns where it starts. */
  encode (conditions: readonly EncodedCondition[], rule: number, only: boolean): number {
    let words = HEADER
    for (const c of conditions) words += 3 + MATCHER_WORDS * c.matchers.length
    const start = this.end
    this.reserve(start + words)
    // Matchers first: their ops decide how much data follows.
    const code = this.code
    code.fill(0, start, start + words)
    code[start + SEEN] = 0
    code[start + RULE] = rule
    code[start + ONLY] = only ? 1 : 0
    code[start + CONDITIONS] = conditions.length
    let p = start + HEADER
    for (const c of conditions) {
      code[p++] = c.pathId
      code[p++] = c.matchesAbsent ? 1 : 0
      code[p++] = c.matchers.length
      for (const m of c.matchers) {
        this.encodeMatcher(m, p)
        p += MATCHER_WORDS
      }
    }
    const total = this.dataLayout(start, conditions.flatMap(c => c.matchers))
    this.end = start + total
    return start
  }

  /** Marks a branch's code as unused. */
  release (at: number): void {
    this.wasted += this.dataLayout(at, null)
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
    const sizes = starts.map(at => this.dataLayout(at, null))
    const code = new Int32Array(Math.max(1024, even(sizes.reduce((a, b) => a + b, 0) * 2)))
    const moved: number[] = []
    let p = 0
    starts.forEach((at, k) => {
      const n = sizes[k]!
      code.set(old.subarray(at, at + n), p)
      moved.push(p)
      let q = p + HEADER
      for (let c = 0; c < code[p + CONDITIONS]!; c++) {
        const count = code[q + 2]!
        q += 3
        for (let i = 0; i < count; i++, q += MATCHER_WORDS) {
          if (code[q] === OP.other) code[q + 1] = this.operand(oldOperands[code[q + 1]!])
        }
      }
      p += n
    })
    this.setBuffer(code)
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
          if (this.anyMatcher(code, p, count, leaves.value(entry), at)) {
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

  private anyMatcher (code: Int32Array, p: number, count: number, v: Leaf, at: number): boolean {
    const textBase = at * UNITS_PER_WORD
    for (let i = 0; i < count; i++, p += MATCHER_WORDS) {
      switch (code[p]) {
        case OP.exactString:
          if (typeof v === 'string' && v.length === code[p + 2] && this.sameText(v, 0, textBase + code[p + 1]!, v.length)) return true
          break
        case OP.exactNumber:
          if (v === this.numbers[(at + code[p + 1]!) >> 1]) return true
          break
        case OP.exactOther:
          if (v === (code[p + 1] === 2 ? null : code[p + 1] === 1)) return true
          break
        case OP.numeric: {
          if (typeof v !== 'number') break
          const flags = code[p + 3]!
          const lo = this.numbers[(at + code[p + 1]!) >> 1]!
          const hi = this.numbers[((at + code[p + 1]!) >> 1) + 1]!
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

  /** Whether v's n code units from `from` equal the stored ones at `unit`. */
  private sameText (v: string, from: number, unit: number, n: number): boolean {
    const units = this.units
    for (let i = 0; i < n; i++) if (v.charCodeAt(from + i) !== units[unit + i]) return false
    return true
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

  /**
   * Lays out the data area of the branch at `at`, after its matchers. Given the
   * branch's matchers (in encoding order) it stores their numbers and text and
   * fills in the offsets; given null it only measures. Returns the words the
   * whole branch takes (always even, so the next branch is 8-byte aligned too).
   */
  private dataLayout (at: number, matchers: readonly Matcher[] | null): number {
    let p = at + HEADER
    for (let c = 0; c < this.code[at + CONDITIONS]!; c++) p += 3 + MATCHER_WORDS * this.code[p + 2]!
    const matchersEnd = p
    let data = even(matchersEnd - at)
    let k = 0
    for (p = at + HEADER; p < matchersEnd;) {
      const count = this.code[p + 2]!
      p += 3
      for (let i = 0; i < count; i++, p += MATCHER_WORDS, k++) {
        const words = numberWords(this.code[p]!)
        if (words === 0) continue
        if (matchers !== null) {
          this.reserve(at + data + words)
          const m = matchers[k]!
          const slot = (at + data) >> 1
          if (m.kind === 'numeric') {
            this.numbers[slot] = m.lo
            this.numbers[slot + 1] = m.hi
          } else {
            this.numbers[slot] = (m as { value: number }).value
          }
          this.code[p + 1] = data
        }
        data += words
      }
    }
    let text = data * UNITS_PER_WORD
    k = 0
    for (p = at + HEADER; p < matchersEnd;) {
      const count = this.code[p + 2]!
      p += 3
      for (let i = 0; i < count; i++, p += MATCHER_WORDS, k++) {
        const op = this.code[p]
        if (op !== OP.exactString && op !== OP.prefix && op !== OP.suffix && op !== OP.notInStrings) continue
        if (matchers !== null) {
          const m = matchers[k]!
          const units = inlineUnits(m)
          this.reserve(at + Math.ceil((text + units) / UNITS_PER_WORD))
          this.code[p + 1] = text
          this.writeInline(m, at * UNITS_PER_WORD + text, p)
          text += units
        } else {
          text += op === OP.notInStrings ? this.listUnits(at * UNITS_PER_WORD + this.code[p + 1]!, this.code[p + 2]!) : this.code[p + 2]!
        }
      }
    }
    return even(Math.ceil(text / UNITS_PER_WORD))
  }

  private writeInline (m: Matcher, unit: number, p: number): void {
    const text = inlineText(m)
    if (text !== null) {
      this.writeText(unit, text)
      this.code[p + 2] = text.length
      return
    }
    const list = excludedStrings(m)!
    this.code[p + 2] = list.length
    for (const v of list) {
      this.units[unit] = v.length
      this.writeText(unit + 1, v)
      unit += 1 + v.length
    }
  }

  private listUnits (unit: number, count: number): number {
    const start = unit
    for (let k = 0; k < count; k++) unit += 1 + this.units[unit]!
    return unit - start
  }

  private writeText (unit: number, text: string): void {
    for (let i = 0; i < text.length; i++) this.units[unit + i] = text.charCodeAt(i)
  }

  private reserve (words: number): void {
    if (words <= this.code.length) return
    const bigger = new Int32Array(even(Math.max(this.code.length * 2, words)))
    bigger.set(this.code) // all of it: the branch being encoded lies past `end`
    this.setBuffer(bigger)
  }

  private setBuffer (code: Int32Array<ArrayBuffer>): void {
    this.code = code
    this.numbers = new Float64Array(code.buffer)
    this.units = new Uint16Array(code.buffer)
  }

  private encodeMatcher (m: Matcher, p: number): void {
    const code = this.code
    code[p + 1] = 0
    code[p + 2] = 0
    code[p + 3] = 0
    code[p] = OP.other
    switch (m.kind) {
      case 'exact':
        if (typeof m.value === 'string') code[p] = OP.exactString
        else if (typeof m.value === 'number') code[p] = OP.exactNumber
        else {
          code[p] = OP.exactOther
          code[p + 1] = m.value === null ? 2 : m.value ? 1 : 0
        }
        break
      case 'numeric':
        code[p] = OP.numeric
        code[p + 3] = (m.loOpen ? 1 : 0) | (m.hiOpen ? 2 : 0)
        break
      case 'prefix':
      case 'suffix':
        if (!m.ignoreCase) code[p] = m.kind === 'prefix' ? OP.prefix : OP.suffix
        break
      case 'exists':
        code[p] = OP.exists
        code[p + 1] = m.present ? 1 : 0
        break
      case 'anythingBut':
        if (excludedStrings(m) !== null) code[p] = OP.notInStrings
        break
      default:
        break
    }
    if (code[p] === OP.other) code[p + 1] = this.operand(m)
  }

  private operand (value: unknown): number {
    this.operands.push(value)
    return this.operands.length - 1
  }
}
