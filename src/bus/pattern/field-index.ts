import { AffixIndex } from './affix-index.js'
import { ipBits } from './cidr.js'
import { addTo, pushIds, removeFrom, type IdList, type IdSink } from './id-list.js'
import { IntervalIndex } from './interval-index.js'
import { lookUpBackwards, lookUpForwards, StringIdTable } from './string-table.js'
import { CharTrie } from './trie.js'
import type { Leaf, Matcher, WildcardPattern } from './types.js'
import { wildcardMatches } from './wildcard.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'

/** Bits of FieldIndex.plan: the lookups a value of that type goes through. */
const FORWARDS = 1
const BACKWARDS = 2
const RARE_STRINGS = 4
const EXACT_OTHER = 8
const NUMERIC = 16

interface WildcardEntry {
  readonly id: number
  readonly pattern: WildcardPattern
}

/**
 * The selective matchers registered on one field path, each tagged with a
 * non-negative id (RuleMatcher uses the offset of a branch's code). `collect`
 * appends the ids a value satisfies, by lookup: compact hash tables for exact
 * strings, prefixes and suffixes (one pass over the value hashes every length
 * that has keys; see StringIdTable), maps for other exact values, for
 * case-insensitive keys and for CIDR blocks (prefixes of the address bits), an
 * interval index for numeric ranges. Wildcards are filed in a trie under their
 * literal head (or tail) and verified only when that part matches.
 */
export class FieldIndex {
  /** Exact values other than strings. */
  private readonly exact = new Map<Leaf, IdList>()
  private readonly strings = new StringIdTable(false)
  private readonly ignoreCase = new Map<string, IdList>()
  private readonly prefixes = new StringIdTable(false)
  private prefixesIgnoreCase: AffixIndex | null = null
  private readonly suffixes = new StringIdTable(true)
  private suffixesIgnoreCase: AffixIndex | null = null
  private cidrs: AffixIndex | null = null
  private numeric: IntervalIndex | null = null
  private wildcardHeads: CharTrie<WildcardEntry> | null = null
  private wildcardTails: CharTrie<WildcardEntry> | null = null
  private readonly wildcardOthers: WildcardEntry[] = []
  private readonly wildcardScratch: WildcardEntry[] = []
  private registrations = 0
  private lowerCaseUsers = 0
  /**
   * Which kinds of lookup this field has (bits below), recomputed whenever a
   * matcher is added or removed, so that a lookup reads one number instead of
   * asking each table in turn whether it is empty.
   */
  private plan = 0

  get size (): number {
    return this.registrations
  }

  add (m: Matcher, id: number): void {
    this.registrations++
    this.register(m, id)
    this.replan()
  }

  remove (m: Matcher, id: number): void {
    this.registrations--
    this.unregister(m, id)
    this.replan()
  }

  private replan (): void {
    this.plan = (this.strings.size > 0 || this.prefixes.size > 0 ? FORWARDS : 0) |
      (this.suffixes.size > 0 ? BACKWARDS : 0) |
      (this.lowerCaseUsers > 0 || this.cidrs !== null || this.wildcardHeads !== null || this.wildcardTails !== null || this.wildcardOthers.length > 0 ? RARE_STRINGS : 0) |
      (this.exact.size > 0 ? EXACT_OTHER : 0) |
      (this.numeric !== null && this.numeric.size > 0 ? NUMERIC : 0)
  }

  private register (m: Matcher, id: number): void {
    switch (m.kind) {
      case 'exact':
        if (typeof m.value === 'string') return this.strings.add(m.value, id)
        return addTo(this.exact, m.value, id)
      case 'equalsIgnoreCase':
        this.lowerCaseUsers++
        return addTo(this.ignoreCase, m.value, id)
      case 'prefix':
        if (m.ignoreCase) {
          this.lowerCaseUsers++
          return (this.prefixesIgnoreCase ??= new AffixIndex(false)).add(m.value, id)
        }
        return this.prefixes.add(m.value, id)
      case 'suffix':
        if (m.ignoreCase) {
          this.lowerCaseUsers++
          return (this.suffixesIgnoreCase ??= new AffixIndex(true)).add(m.value, id)
        }
        return this.suffixes.add(m.value, id)
      case 'cidr': return (this.cidrs ??= new AffixIndex(false)).add(m.bits, id)
      case 'numeric': return (this.numeric ??= new IntervalIndex()).add(m.lo, m.loOpen, m.hi, m.hiOpen, id)
      case 'wildcard': return this.addWildcard({ id, pattern: m.pattern })
      default: throw new TributaryError(TributaryErrorCode.INTERNAL, `matcher kind ${m.kind} cannot be indexed`)
    }
  }

  private unregister (m: Matcher, id: number): void {
    switch (m.kind) {
      case 'exact':
        if (typeof m.value === 'string') return this.strings.remove(m.value, id)
        return removeFrom(this.exact, m.value, id)
      case 'equalsIgnoreCase':
        this.lowerCaseUsers--
        return removeFrom(this.ignoreCase, m.value, id)
      case 'prefix':
        if (m.ignoreCase) this.lowerCaseUsers--
        if (m.ignoreCase) this.prefixesIgnoreCase?.remove(m.value, id)
        else this.prefixes.remove(m.value, id)
        return
      case 'suffix':
        if (m.ignoreCase) this.lowerCaseUsers--
        if (m.ignoreCase) this.suffixesIgnoreCase?.remove(m.value, id)
        else this.suffixes.remove(m.value, id)
        return
      case 'cidr':
        this.cidrs?.remove(m.bits, id)
        return
      case 'numeric':
        this.numeric?.remove(m.lo, m.loOpen, m.hi, m.hiOpen, id)
        return
      case 'wildcard': return this.removeWildcard(id, m.pattern)
      default: throw new TributaryError(TributaryErrorCode.INTERNAL, `matcher kind ${m.kind} cannot be indexed`)
    }
  }

  /**
   * Appends the ids of the conditions this value satisfies (an id may repeat).
   * Exact strings, prefixes and suffixes are found by hash only: a 32-bit hash
   * collision can add an id whose condition the value does not satisfy, so the
   * caller must check candidates (RuleMatcher does).
   */
  collect (v: Leaf, out: IdSink): void {
    const plan = this.plan
    if (typeof v === 'string') {
      if ((plan & FORWARDS) !== 0) lookUpForwards(v, this.prefixes, this.strings, out)
      if ((plan & BACKWARDS) !== 0) lookUpBackwards(v, this.suffixes, out)
      if ((plan & RARE_STRINGS) !== 0) this.collectRareStrings(v, out)
    } else {
      if ((plan & EXACT_OTHER) !== 0) {
        const exact = this.exact.get(v)
        if (exact !== undefined) pushIds(exact, out)
      }
      if ((plan & NUMERIC) !== 0 && typeof v === 'number') this.numeric!.collect(v, out)
    }
  }

  /** Case-insensitive values, CIDR blocks and wildcards. */
  private collectRareStrings (v: string, out: IdSink): void {
    if (this.lowerCaseUsers > 0) {
      const lower = v.toLowerCase()
      const ic = this.ignoreCase.get(lower)
      if (ic !== undefined) pushIds(ic, out)
      this.prefixesIgnoreCase?.collect(lower, out)
      this.suffixesIgnoreCase?.collect(lower, out)
    }
    if (this.cidrs !== null) {
      const bits = ipBits(v)
      if (bits !== null) this.cidrs.collect(bits, out)
    }
    if (this.wildcardHeads !== null || this.wildcardTails !== null || this.wildcardOthers.length > 0) {
      this.collectWildcards(v, out)
    }
  }

  private addWildcard (entry: WildcardEntry): void {
    const segs = entry.pattern.segments
    const head = segs[0]!
    const tail = segs[segs.length - 1]!
    if (head !== '') (this.wildcardHeads ??= new CharTrie(false)).add(head, entry)
    else if (tail !== '') (this.wildcardTails ??= new CharTrie(true)).add(tail, entry)
    else this.wildcardOthers.push(entry)
  }

  private removeWildcard (id: number, pattern: WildcardPattern): void {
    const segs = pattern.segments
    const head = segs[0]!
    const tail = segs[segs.length - 1]!
    const same = (e: WildcardEntry): boolean => e.id === id && e.pattern.source === pattern.source
    if (head !== '') removeEntry(this.wildcardHeads, head, same)
    else if (tail !== '') removeEntry(this.wildcardTails, tail, same)
    else {
      const at = this.wildcardOthers.findIndex(same)
      if (at >= 0) this.wildcardOthers.splice(at, 1)
    }
  }

  private collectWildcards (v: string, out: IdSink): void {
    const candidates = this.wildcardScratch
    candidates.length = 0
    this.wildcardHeads?.collect(v, candidates)
    this.wildcardTails?.collect(v, candidates)
    for (const e of this.wildcardOthers) candidates.push(e)
    for (let i = 0; i < candidates.length; i++) {
      const e = candidates[i]!
      if (wildcardMatches(e.pattern, v)) out.push(e.id)
    }
    candidates.length = 0
  }
}

/** Trie entries are objects, so find the stored one by content before removing it. */
function removeEntry (trie: CharTrie<WildcardEntry> | null, key: string, same: (e: WildcardEntry) => boolean): void {
  if (trie === null) return
  const found: WildcardEntry[] = []
  trie.collect(key, found)
  const entry = found.find(same)
  if (entry !== undefined) trie.remove(key, entry)
}
