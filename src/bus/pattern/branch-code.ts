import type { EventLeaves } from './event-leaves.js'
import { leafMatches } from './evaluate.js'
import type { Leaf, Matcher } from './types.js'

// The conditions of every branch, encoded back to back in one buffer, so
// checking a candidate branch reads one short stretch of memory instead of
// following pointers through condition, matcher, array and string objects
// scattered over the heap. With thousands of rules each event reaches a
// different rule's data, and those cache misses, not instructions, are what the
// check costs; the encoding is kept small for the same reason: two 32-bit words
// per condition and per matcher, and text one byte per character when it has no
// character above U+00FF (nearly all rule text), which halved the code of a
// typical branch (see bench/pattern-match.ts).
//
// A branch (starting at an even word): header, conditions, then its data:
//   header:    epoch of the last event that checked it, its rule's index,
//              1 when it is its rule's only branch, condition count
//   condition: path id, then matcher count << 1 | 1 when an absent field satisfies it
//   matcher:   op | WIDE | arg << ARG_SHIFT, then a value (meaning per op below)
//   data:      the numbers (as float64, 8-byte aligned), then the text; offsets
//              to numbers count words from the branch start, offsets to text bytes.

const OP = {
  /** arg: length; value: where the text starts (bytes from the branch start). WIDE: UTF-16 units, else one byte each. */
  exactString: 1,
  /** value: where the number is (words from the branch start). */
  exactNumber: 2,
  /** value: 0 false, 1 true, 2 null. */
  exactOther: 3,
  /** value: where lo is (hi follows it); arg: 1 lo open | 2 hi open. */
  numeric: 4,
  /** arg, value and WIDE: the prefix's text, as for exactString. */
  prefix: 5,
  suffix: 6,
  /** value: 1 present. */
  exists: 7,
  /** value: index of the Matcher in `operands`, evaluated by leafMatches. */
  other: 8,
  /** anything-but strings. arg: how many; value: where the list starts (bytes, even); each string is its length, then its UTF-16 units. */
  notInStrings: 9
} as const

const OP_MASK = 0xf
/** The matcher's text is stored as UTF-16 units (it has a character above U+00FF). */
const WIDE = 0x10
const ARG_SHIFT = 5
/** Largest arg a matcher word holds; longer text is left to leafMatches (OP.other). */
const MAX_ARG = (1 << (31 - ARG_SHIFT)) - 1
/** Longest string an anything-but list keeps inline: its length is stored in one UTF-16 unit. */
const MAX_LISTED = 0xffff
const MATCHER_WORDS = 2
const CONDITION_WORDS = 2
/** Header words, at these offsets from the branch start. */
export const HEADER_FIELDS = { seen: 0, rule: 1, only: 2 } as const
const { seen: SEEN, rule: RULE, only: ONLY } = HEADER_FIELDS
const CONDITIONS = 3
const HEADER = 4
const BYTES_PER_WORD = 4

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

/** Whether a text needs UTF-16 units: it has a character one byte cannot hold. */
function isWide (text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return true
  return false
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
  /** The same memory as `code`, as float64s, as UTF-16 code units and as bytes. */
  private numbers = new Float64Array(this.code.buffer)
  private units = new Uint16Array(this.code.buffer)
  private bytes = new Uint8Array(this.code.buffer)
  /** Matchers evaluated by leafMatches (rare kinds), by index. */
  private readonly operands: unknown[] = []
  private end = 0
  /** Words and operands belonging to released branches, reclaimed by compact(). */
  private wasted = 0

  /** The encoded branches; a branch's header is read and written in place (see HEADER_FIELDS). */
  get words (): Int32Array {
    return this.code
  }

  /** Words in use, released branches included (until compact()). */
  get size (): number {
    return this.end
  }

  /** Encodes a conjunction of conditions for the rule at index `rule`; returns where it starts. */
  encode (conditions: readonly EncodedCondition[], rule: number, only: boolean): number {
    let words = HEADER
    for (const c of conditions) words += CONDITION_WORDS + MATCHER_WORDS * c.matchers.length
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
      code[p++] = (c.matchers.length << 1) | (c.matchesAbsent ? 1 : 0)
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
        const count = code[q + 1]! >> 1
        q += CONDITION_WORDS
        for (let i = 0; i < count; i++, q += MATCHER_WORDS) {
          if ((code[q]! & OP_MASK) === OP.other) code[q + 1] = this.operand(oldOperands[code[q + 1]!])
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
      const meta = code[p + 1]!
      const count = meta >> 1
      p += CONDITION_WORDS
      let entry = leaves.first(pathId)
      if (entry < 0) {
        if ((meta & 1) === 0) return false
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
    const byteBase = at * BYTES_PER_WORD
    for (let i = 0; i < count; i++, p += MATCHER_WORDS) {
      const w = code[p]!
      switch (w & OP_MASK) {
        case OP.exactString:
          if (typeof v === 'string' && v.length === w >> ARG_SHIFT && this.sameText(v, 0, byteBase + code[p + 1]!, v.length, w & WIDE)) return true
          break
        case OP.exactNumber:
          if (v === this.numbers[(at + code[p + 1]!) >> 1]) return true
          break
        case OP.exactOther:
          if (v === (code[p + 1] === 2 ? null : code[p + 1] === 1)) return true
          break
        case OP.numeric: {
          if (typeof v !== 'number') break
          const flags = w >> ARG_SHIFT
          const lo = this.numbers[(at + code[p + 1]!) >> 1]!
          const hi = this.numbers[((at + code[p + 1]!) >> 1) + 1]!
          if (((flags & 1) !== 0 ? v > lo : v >= lo) && ((flags & 2) !== 0 ? v < hi : v <= hi)) return true
          break
        }
        case OP.prefix: {
          const n = w >> ARG_SHIFT
          if (typeof v === 'string' && v.length >= n && this.sameText(v, 0, byteBase + code[p + 1]!, n, w & WIDE)) return true
          break
        }
        case OP.suffix: {
          const n = w >> ARG_SHIFT
          if (typeof v === 'string' && v.length >= n && this.sameText(v, v.length - n, byteBase + code[p + 1]!, n, w & WIDE)) return true
          break
        }
        case OP.exists:
          if (code[p + 1] === 1) return true
          break
        case OP.notInStrings:
          if (typeof v !== 'string' || !this.inList(v, (byteBase + code[p + 1]!) >> 1, w >> ARG_SHIFT)) return true
          break
        default:
          if (leafMatches(this.operands[code[p + 1]!] as Matcher, v)) return true
      }
    }
    return false
  }

  /** Whether v's n code units from `from` equal the stored text at byte `at` (UTF-16 units when `wide`, else bytes). */
  private sameText (v: string, from: number, at: number, n: number, wide: number): boolean {
    return wide !== 0 ? sameUnits(v, from, this.units, at >> 1, n) : sameBytes(v, from, this.bytes, at, n)
  }

  /** Whether v is one of the `count` strings stored from `unit` (each: length, then units). */
  private inList (v: string, unit: number, count: number): boolean {
    const units = this.units
    for (let k = 0; k < count; k++) {
      const n = units[unit]!
      if (n === v.length && this.sameText(v, 0, (unit + 1) * 2, n, WIDE)) return true
      unit += 1 + n
    }
    return false
  }

  /**
   * Lays out the data area of the branch at `at`, after its matchers. Given the
   * branch's matchers (in encoding order) it stores their numbers and text and
   * fills in the offsets; given null it only measures, taking the same steps.
   * Returns the words the whole branch takes (always even, so the next branch is
   * 8-byte aligned too).
   */
  private dataLayout (at: number, matchers: readonly Matcher[] | null): number {
    let p = at + HEADER
    for (let c = 0; c < this.code[at + CONDITIONS]!; c++) p += CONDITION_WORDS + MATCHER_WORDS * (this.code[p + 1]! >> 1)
    const matchersEnd = p
    let data = even(matchersEnd - at)
    let k = 0
    for (p = at + HEADER; p < matchersEnd;) {
      const count = this.code[p + 1]! >> 1
      p += CONDITION_WORDS
      for (let i = 0; i < count; i++, p += MATCHER_WORDS, k++) {
        const words = numberWords(this.code[p]! & OP_MASK)
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
    let byte = data * BYTES_PER_WORD
    k = 0
    for (p = at + HEADER; p < matchersEnd;) {
      const count = this.code[p + 1]! >> 1
      p += CONDITION_WORDS
      for (let i = 0; i < count; i++, p += MATCHER_WORDS, k++) {
        const w = this.code[p]!
        const op = w & OP_MASK
        let size: number
        if (op === OP.exactString || op === OP.prefix || op === OP.suffix) {
          const wide = (w & WIDE) !== 0
          if (wide) byte = even(byte)
          size = (w >> ARG_SHIFT) * (wide ? 2 : 1)
          if (matchers !== null) {
            this.reserve(at + Math.ceil((byte + size) / BYTES_PER_WORD))
            this.code[p + 1] = byte
            this.writeText(at * BYTES_PER_WORD + byte, inlineText(matchers[k]!)!, wide)
          }
        } else if (op === OP.notInStrings) {
          byte = even(byte)
          if (matchers !== null) {
            const list = excludedStrings(matchers[k]!)!
            size = 2 * list.reduce((n, v) => n + 1 + v.length, 0)
            this.reserve(at + Math.ceil((byte + size) / BYTES_PER_WORD))
            this.code[p + 1] = byte
            let unit = (at * BYTES_PER_WORD + byte) >> 1
            for (const v of list) {
              this.units[unit] = v.length
              this.writeText((unit + 1) * 2, v, true)
              unit += 1 + v.length
            }
          } else {
            size = 2 * this.listUnits((at * BYTES_PER_WORD + byte) >> 1, w >> ARG_SHIFT)
          }
        } else {
          continue
        }
        byte += size
      }
    }
    return even(Math.ceil(byte / BYTES_PER_WORD))
  }

  private listUnits (unit: number, count: number): number {
    const start = unit
    for (let k = 0; k < count; k++) unit += 1 + this.units[unit]!
    return unit - start
  }

  /** Writes text at byte `at` of the buffer: as UTF-16 units when `wide` (`at` even), else one byte per character. */
  private writeText (at: number, text: string, wide: boolean): void {
    if (wide) {
      const unit = at >> 1
      for (let i = 0; i < text.length; i++) this.units[unit + i] = text.charCodeAt(i)
    } else {
      for (let i = 0; i < text.length; i++) this.bytes[at + i] = text.charCodeAt(i)
    }
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
    this.bytes = new Uint8Array(code.buffer)
  }

  private encodeMatcher (m: Matcher, p: number): void {
    const code = this.code
    let op: number = OP.other
    let arg = 0
    let flags = 0
    let value = 0
    switch (m.kind) {
      case 'exact':
        if (typeof m.value === 'string') {
          op = OP.exactString
          arg = m.value.length
          if (isWide(m.value)) flags = WIDE
        } else if (typeof m.value === 'number') {
          op = OP.exactNumber
        } else {
          op = OP.exactOther
          value = m.value === null ? 2 : m.value ? 1 : 0
        }
        break
      case 'numeric':
        op = OP.numeric
        arg = (m.loOpen ? 1 : 0) | (m.hiOpen ? 2 : 0)
        break
      case 'prefix':
      case 'suffix':
        if (!m.ignoreCase) {
          op = m.kind === 'prefix' ? OP.prefix : OP.suffix
          arg = m.value.length
          if (isWide(m.value)) flags = WIDE
        }
        break
      case 'exists':
        op = OP.exists
        value = m.present ? 1 : 0
        break
      case 'anythingBut': {
        const list = excludedStrings(m)
        if (list !== null && list.every(v => v.length <= MAX_LISTED)) {
          op = OP.notInStrings
          arg = list.length
        }
        break
      }
      default:
        break
    }
    if (arg > MAX_ARG) op = OP.other
    if (op === OP.other) {
      arg = 0
      flags = 0
      value = this.operand(m)
    }
    code[p] = op | flags | (arg << ARG_SHIFT)
    code[p + 1] = value
  }

  private operand (value: unknown): number {
    this.operands.push(value)
    return this.operands.length - 1
  }
}

/**
 * Whether v's n code units from `from` equal bytes[start, start + n). Four
 * characters per iteration, their differences or-ed into one test: most
 * candidates match, so the whole text is compared, and per character the loop's
 * own test and branch cost about as much as the comparison. (sameUnits is the
 * same over UTF-16 units: one function for both would see two array types at
 * each read, which V8 handles more slowly than one.)
 */
function sameBytes (v: string, from: number, bytes: Uint8Array, start: number, n: number): boolean {
  let i = 0
  for (; i + 4 <= n; i += 4) {
    const j = from + i
    const k = start + i
    if (((v.charCodeAt(j) ^ bytes[k]!) | (v.charCodeAt(j + 1) ^ bytes[k + 1]!) |
      (v.charCodeAt(j + 2) ^ bytes[k + 2]!) | (v.charCodeAt(j + 3) ^ bytes[k + 3]!)) !== 0) return false
  }
  for (; i < n; i++) if (v.charCodeAt(from + i) !== bytes[start + i]) return false
  return true
}

/** sameBytes over UTF-16 units. */
function sameUnits (v: string, from: number, units: Uint16Array, start: number, n: number): boolean {
  let i = 0
  for (; i + 4 <= n; i += 4) {
    const j = from + i
    const k = start + i
    if (((v.charCodeAt(j) ^ units[k]!) | (v.charCodeAt(j + 1) ^ units[k + 1]!) |
      (v.charCodeAt(j + 2) ^ units[k + 2]!) | (v.charCodeAt(j + 3) ^ units[k + 3]!)) !== 0) return false
  }
  for (; i < n; i++) if (v.charCodeAt(from + i) !== units[start + i]) return false
  return true
}
