import type { EventLeaves } from './event-leaves.js'
import { leafMatches } from './evaluate.js'
import type { Leaf, Matcher } from './types.js'

// The conditions of every branch, encoded back to back in one Float64Array, so
// checking a candidate branch reads one short stretch of memory instead of
// following pointers through condition, matcher and array objects scattered
// over the heap. With thousands of rules each event reaches a different rule's
// data, and those cache misses, not instructions, are what the check costs.
//
// A branch:    condition count, then each condition
// A condition: path id, absent-matches flag, matcher count, then each matcher
// A matcher:   op, a, b, c (meaning per op below)

const OP = {
  /** a: index of the string in `operands`. */
  exactString: 1,
  /** a: the number. */
  exactNumber: 2,
  /** a: 0 false, 1 true, 2 null. */
  exactOther: 3,
  /** a: lo, b: hi, c: 1 lo open | 2 hi open. */
  numeric: 4,
  /** a: index of the prefix in `operands`. */
  prefix: 5,
  suffix: 6,
  /** a: 1 present. */
  exists: 7,
  /** a: index of the Matcher in `operands`, evaluated by leafMatches. */
  other: 8
} as const

const MATCHER_WORDS = 4

function hasOperand (op: number): boolean {
  return op === OP.exactString || op === OP.prefix || op === OP.suffix || op === OP.other
}

export interface EncodedCondition {
  readonly pathId: number
  readonly matchesAbsent: boolean
  readonly matchers: readonly Matcher[]
}

export class BranchCode {
  private code = new Float64Array(1024)
  private readonly operands: unknown[] = []
  private end = 0
  /** Words and operands belonging to released branches, reclaimed by compact(). */
  private wasted = 0

  /** Encodes a conjunction of conditions; returns where it starts. */
  encode (conditions: readonly EncodedCondition[]): number {
    let words = 1
    for (const c of conditions) words += 3 + MATCHER_WORDS * c.matchers.length
    if (this.end + words > this.code.length) {
      const bigger = new Float64Array(Math.max(this.code.length * 2, this.end + words))
      bigger.set(this.code.subarray(0, this.end))
      this.code = bigger
    }
    const code = this.code
    const start = this.end
    let p = start
    code[p++] = conditions.length
    for (const c of conditions) {
      code[p++] = c.pathId
      code[p++] = c.matchesAbsent ? 1 : 0
      code[p++] = c.matchers.length
      for (const m of c.matchers) {
        this.encodeMatcher(m, p)
        p += MATCHER_WORDS
      }
    }
    this.end = p
    return start
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
    const moved: number[] = []
    let p = 0
    for (const at of starts) {
      const n = this.length(at)
      code.set(old.subarray(at, at + n), p)
      moved.push(p)
      let q = p + 1
      for (let c = 0; c < code[p]!; c++) {
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
    const conditions = code[at]!
    let p = at + 1
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
          if (this.anyMatcher(code, p, count, leaves.value(entry))) {
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

  private anyMatcher (code: Float64Array, p: number, count: number, v: Leaf): boolean {
    for (let i = 0; i < count; i++, p += MATCHER_WORDS) {
      switch (code[p]) {
        case OP.exactString:
          if (typeof v === 'string' && v === this.operands[code[p + 1]!]) return true
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
        case OP.prefix:
          if (typeof v === 'string' && v.startsWith(this.operands[code[p + 1]!] as string)) return true
          break
        case OP.suffix:
          if (typeof v === 'string' && v.endsWith(this.operands[code[p + 1]!] as string)) return true
          break
        case OP.exists:
          if (code[p + 1] === 1) return true
          break
        default:
          if (leafMatches(this.operands[code[p + 1]!] as Matcher, v)) return true
      }
    }
    return false
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
          code[p + 1] = this.operand(m.value)
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
          code[p + 1] = this.operand(m.value)
          return
        }
        break
      case 'exists':
        code[p] = OP.exists
        code[p + 1] = m.present ? 1 : 0
        return
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

  private length (at: number): number {
    const code = this.code
    let p = at + 1
    for (let c = 0; c < code[at]!; c++) p += 3 + MATCHER_WORDS * code[p + 2]!
    return p - at
  }
}
