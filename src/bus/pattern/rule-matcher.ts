import { anchorCost, chooseAnchor, matcherKey } from './anchor.js'
import { BranchCode, HEADER_FIELDS } from './branch-code.js'
import { EventLeaves, type LeafSink } from './event-leaves.js'
import { FieldIndex } from './field-index.js'
import { HitBuffer } from './id-list.js'
import type { Branch, CompiledPattern } from './types.js'

interface RuleEntry {
  /** Position in the per-rule arrays. */
  readonly index: number
  readonly slots: number[]
}

/** Bookkeeping for one branch, used when rules change; matching reads the branch's code instead. */
interface BranchEntry {
  readonly rule: RuleEntry
  readonly branch: Branch
  /** Path id of each condition of the branch. */
  readonly pathIds: readonly number[]
  /** Where the branch's code starts: the id it is filed under in field indexes. */
  codeAt: number
  /** Index in branch.conditions of the condition registered in a field index; -1 none, -2 not registered. */
  anchor: number
}

/** When this many branches use one value, the branches anchored on it look for a rarer anchor. */
const REBALANCE_FROM = 8
const EPOCH_LIMIT = 0x3fffffff
const NOT_REGISTERED = -2
// Copied into module constants: under a TypeScript loader an imported binding is a getter call.
const { seen: SEEN, rule: RULE, only: ONLY } = HEADER_FIELDS

/**
 * All rules of one bus compiled together. Each branch of a rule (a conjunction;
 * `$or` gives a rule several) registers one selective condition, its anchor, in
 * the FieldIndex of that condition's path: the condition fewest other rules
 * share. Matching walks the event once, along the paths rules read only, keeping
 * each path's scalars (EventLeaves) and looking each up in its path's index (hash
 * or interval lookups). Only the branches whose anchor matched are checked, from
 * a flat encoding (BranchCode) against the kept scalars. Work per event therefore
 * follows the event's fields and the rules that nearly match it, not the number
 * of rules. Branches without any selective condition (only anything-but or
 * exists, say) are checked on every event.
 *
 * With thousands of rules what an event costs is mostly cache misses on the data
 * of the few rules it reaches, so that data is kept compact: indexes hold the
 * offset of a branch's code, and the code starts with the branch's bookkeeping
 * (see BranchCode), so a candidate branch is one memory location away.
 */
export class RuleMatcher<Id = string> {
  private readonly rules = new Map<Id, RuleEntry>()
  private readonly ruleIds: (Id | undefined)[] = []
  private readonly freeRuleIndexes: number[] = []
  /** Epoch of the event a rule with several branches was last reported for. */
  private ruleReported = new Int32Array(64)

  private readonly branches: (BranchEntry | undefined)[] = []
  private readonly freeSlots: number[] = []
  /** Code offsets of the branches checked on every event. */
  private readonly unanchored: number[] = []

  private readonly leaves = new EventLeaves()
  private readonly code = new BranchCode()
  /** The field index of each path id, or null when no branch is anchored on that path. */
  private readonly indexes: (FieldIndex | null)[] = []
  /** How many selective conditions use each matcher key, and which branch slots are anchored on it. */
  private readonly popularity = new Map<string, number>()
  private readonly anchoredOn = new Map<string, Set<number>>()

  private epoch = 0
  private readonly hits = new HitBuffer()
  /** Indexes of the rules the current event matches. */
  private readonly matchedRules = new HitBuffer()
  private readonly lookUp: LeafSink = (pathId, value) => {
    const index = this.indexes[pathId]
    if (index != null) index.collect(value, this.hits)
  }

  get size (): number {
    return this.rules.size
  }

  /** Adds a rule, replacing any rule with the same id. */
  add (id: Id, pattern: CompiledPattern): void {
    this.remove(id)
    const index = this.freeRuleIndexes.pop() ?? this.ruleIds.length
    if (index >= this.ruleReported.length) this.ruleReported = grow(this.ruleReported, index + 1)
    this.ruleIds[index] = id
    this.ruleReported[index] = 0
    const rule: RuleEntry = { index, slots: [] }
    const grown: string[] = []
    for (const branch of pattern.branches) {
      for (const cond of branch.conditions) {
        if (!cond.selective) continue
        for (const m of cond.matchers) {
          const key = matcherKey(cond.path, m)
          const n = (this.popularity.get(key) ?? 0) + 1
          this.popularity.set(key, n)
          if (n >= REBALANCE_FROM && (n & (n - 1)) === 0) grown.push(key)
        }
      }
    }
    const only = pattern.branches.length === 1
    for (const branch of pattern.branches) {
      const slot = this.freeSlots.pop() ?? this.branches.length
      const pathIds = branch.conditions.map(c => this.leaves.addPath(c.path))
      // Every condition, the anchor too: index lookups go by hash and may return a
      // branch whose anchor value merely collides, so candidates are checked in full.
      const codeAt = this.code.encode(branch.conditions.map((c, i) => ({ pathId: pathIds[i]!, matchesAbsent: c.matchesAbsent, matchers: c.matchers })), index, only)
      const entry: BranchEntry = { rule, branch, pathIds, codeAt, anchor: NOT_REGISTERED }
      this.branches[slot] = entry
      this.setAnchor(slot, entry, chooseAnchor(branch.conditions, this.popularity))
      rule.slots.push(slot)
    }
    this.rules.set(id, rule)
    // Popularity doubled for these values: move branches anchored on them to a rarer condition.
    // Doing it only at powers of two keeps the total rebalancing work linear in the rules added.
    for (const key of grown) this.rebalance(key)
  }

  remove (id: Id): void {
    const rule = this.rules.get(id)
    if (rule === undefined) return
    this.rules.delete(id)
    for (const slot of rule.slots) {
      const entry = this.branches[slot]!
      this.setAnchor(slot, entry, NOT_REGISTERED)
      this.code.release(entry.codeAt)
      for (const cond of entry.branch.conditions) {
        this.leaves.removePath(cond.path)
        if (!cond.selective) continue
        for (const m of cond.matchers) {
          const key = matcherKey(cond.path, m)
          const n = (this.popularity.get(key) ?? 1) - 1
          if (n === 0) this.popularity.delete(key)
          else this.popularity.set(key, n)
        }
      }
      this.branches[slot] = undefined
      this.freeSlots.push(slot)
    }
    this.ruleIds[rule.index] = undefined
    this.freeRuleIndexes.push(rule.index)
    if (this.code.fragmented) this.compactCode()
  }

  /** Ids of every rule whose pattern matches the event (an already-parsed JSON value). */
  match (event: unknown): Id[] {
    const epoch = this.nextEpoch()
    const hits = this.hits
    hits.count = 0
    this.leaves.collect(event, this.lookUp)
    const matched = this.matchedRules
    matched.count = 0
    const words = this.code.words
    for (let i = 0; i < hits.count; i++) {
      const at = hits.ids[i]!
      if (words[at + SEEN] === epoch) continue
      words[at + SEEN] = epoch
      this.confirm(at, epoch)
    }
    const unanchored = this.unanchored
    for (let i = 0; i < unanchored.length; i++) this.confirm(unanchored[i]!, epoch)
    // Built at its final size: growing it by push would allocate several times as much.
    const result = new Array<Id>(matched.count)
    for (let i = 0; i < matched.count; i++) result[i] = this.ruleIds[matched.ids[i]!]!
    return result
  }

  /** Notes the rule of the branch whose code starts at `at` when the event satisfies the branch. */
  private confirm (at: number, epoch: number): void {
    const words = this.code.words
    const only = words[at + ONLY] === 1
    const rule = words[at + RULE]!
    if (!only && this.ruleReported[rule] === epoch) return
    if (!this.code.matches(at, this.leaves)) return
    if (!only) this.ruleReported[rule] = epoch
    this.matchedRules.push(rule)
  }

  private nextEpoch (): number {
    if (++this.epoch === EPOCH_LIMIT) {
      const words = this.code.words
      for (const entry of this.branches) if (entry !== undefined) words[entry.codeAt + SEEN] = 0
      this.ruleReported.fill(0)
      this.epoch = 1
    }
    return this.epoch
  }

  private rebalance (key: string): void {
    const slots = this.anchoredOn.get(key)
    if (slots === undefined) return
    for (const slot of [...slots]) {
      const entry = this.branches[slot]!
      const best = chooseAnchor(entry.branch.conditions, this.popularity)
      const conds = entry.branch.conditions
      if (best !== entry.anchor && anchorCost(conds[best]!, this.popularity) < anchorCost(conds[entry.anchor]!, this.popularity)) {
        this.setAnchor(slot, entry, best)
      }
    }
  }

  /**
   * Moves a branch's registration to condition `anchor`: its field index, or the
   * unanchored list for -1 (checked on every event), or nowhere for NOT_REGISTERED.
   */
  private setAnchor (slot: number, entry: BranchEntry, anchor: number): void {
    const conds = entry.branch.conditions
    if (entry.anchor >= 0) {
      const old = conds[entry.anchor]!
      const pathId = entry.pathIds[entry.anchor]!
      const index = this.indexes[pathId]!
      for (const m of old.matchers) {
        index.remove(m, entry.codeAt)
        const key = matcherKey(old.path, m)
        const set = this.anchoredOn.get(key)
        set?.delete(slot)
        if (set?.size === 0) this.anchoredOn.delete(key)
      }
      if (index.size === 0) this.indexes[pathId] = null
    } else if (entry.anchor === -1) {
      removeItem(this.unanchored, entry.codeAt)
    }
    entry.anchor = anchor
    if (anchor === NOT_REGISTERED) return
    if (anchor === -1) {
      this.unanchored.push(entry.codeAt)
      return
    }
    const cond = conds[anchor]!
    const pathId = entry.pathIds[anchor]!
    const index = this.indexes[pathId] ??= new FieldIndex()
    for (const m of cond.matchers) {
      index.add(m, entry.codeAt)
      const key = matcherKey(cond.path, m)
      let set = this.anchoredOn.get(key)
      if (set === undefined) this.anchoredOn.set(key, set = new Set())
      set.add(slot)
    }
  }

  /** Moves the live branches' code together; they are filed under their code offsets, so re-file them. */
  private compactCode (): void {
    const live: number[] = []
    for (let slot = 0; slot < this.branches.length; slot++) if (this.branches[slot] !== undefined) live.push(slot)
    const anchors = live.map(slot => this.branches[slot]!.anchor)
    for (const slot of live) this.setAnchor(slot, this.branches[slot]!, NOT_REGISTERED)
    const moved = this.code.compact(live.map(slot => this.branches[slot]!.codeAt))
    live.forEach((slot, i) => {
      const entry = this.branches[slot]!
      entry.codeAt = moved[i]!
      this.setAnchor(slot, entry, anchors[i]!)
    })
  }
}

function grow (a: Int32Array, atLeast: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(atLeast, a.length * 2))
  b.set(a)
  return b
}

function removeItem (list: number[], item: number): void {
  const at = list.indexOf(item)
  if (at >= 0) list.splice(at, 1)
}
