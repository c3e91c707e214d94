import { anchorCost, chooseAnchor, matcherKey } from './anchor.js'
import { BranchCode } from './branch-code.js'
import { EventLeaves, type LeafSink } from './event-leaves.js'
import { FieldIndex } from './field-index.js'
import { HitBuffer } from './id-list.js'
import type { Branch, CompiledPattern } from './types.js'

interface RuleEntry {
  /** Position in the per-rule arrays. */
  readonly index: number
  readonly slots: number[]
}

/** Bookkeeping for one branch, used when rules change; matching reads the typed arrays instead. */
interface BranchEntry {
  readonly rule: RuleEntry
  readonly branch: Branch
  /** Path id of each condition of the branch. */
  readonly pathIds: readonly number[]
  /** Index in branch.conditions of the condition registered in a field index; -1 none, -3 not yet chosen. */
  anchor: number
}

/** When this many branches use one value, the branches anchored on it look for a rarer anchor. */
const REBALANCE_FROM = 8
const EPOCH_LIMIT = 0x3fffffff

/**
 * All rules of one bus compiled together. Each branch of a rule (a conjunction;
 * `$or` gives a rule several) registers one selective condition, its anchor, in
 * the FieldIndex of that condition's path: the condition fewest other rules
 * share. Matching walks the event once, along the paths rules read only, keeping
 * each path's scalars (EventLeaves) and looking each up in its path's index (hash
 * or interval lookups). Only the branches whose anchor matched have their other
 * conditions checked, from a flat encoding (BranchCode) against the kept scalars.
 * Work per event therefore follows the event's fields and the rules that nearly
 * match it, not the number of rules. Branches without any selective condition
 * (only anything-but or exists, say) are checked on every event.
 */
export class RuleMatcher<Id = string> {
  private readonly rules = new Map<Id, RuleEntry>()
  private readonly ruleIds: (Id | undefined)[] = []
  private readonly freeRuleIndexes: number[] = []
  private ruleReported = new Int32Array(64)

  private readonly branches: (BranchEntry | undefined)[] = []
  private readonly freeSlots: number[] = []
  private readonly unanchored: number[] = []
  private slotCode = new Int32Array(64)
  private slotRule = new Int32Array(64)
  /** 1 when the branch is its rule's only one: no once-per-rule bookkeeping needed. */
  private slotOnly = new Uint8Array(64)
  private slotSeen = new Int32Array(64)

  private readonly leaves = new EventLeaves()
  private readonly code = new BranchCode()
  /** Anchor index of each path id, or null when no branch is anchored there. */
  private readonly indexes: (FieldIndex | null)[] = []
  /** How many selective conditions use each matcher key, and which branches are anchored on it. */
  private readonly popularity = new Map<string, number>()
  private readonly anchoredOn = new Map<string, Set<number>>()

  private epoch = 0
  private readonly hits = new HitBuffer()
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
    for (const branch of pattern.branches) {
      const slot = this.freeSlots.pop() ?? this.branches.length
      this.ensureSlot(slot)
      const pathIds = branch.conditions.map(c => this.leaves.addPath(c.path))
      const entry: BranchEntry = { rule, branch, pathIds, anchor: -3 }
      this.branches[slot] = entry
      this.slotRule[slot] = index
      this.slotOnly[slot] = pattern.branches.length === 1 ? 1 : 0
      this.slotSeen[slot] = 0
      // Every condition, the anchor too: index lookups go by hash and may return a
      // branch whose anchor value merely collides, so candidates are checked in full.
      this.slotCode[slot] = this.code.encode(branch.conditions.map((c, i) => ({ pathId: pathIds[i]!, matchesAbsent: c.matchesAbsent, matchers: c.matchers })))
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
      this.setAnchor(slot, entry, -2)
      this.code.release(this.slotCode[slot]!)
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
    const matched: Id[] = []
    const seen = this.slotSeen
    for (let i = 0; i < hits.count; i++) {
      const slot = hits.ids[i]!
      if (seen[slot] === epoch) continue
      seen[slot] = epoch
      this.confirm(slot, epoch, matched)
    }
    const unanchored = this.unanchored
    for (let i = 0; i < unanchored.length; i++) this.confirm(unanchored[i]!, epoch, matched)
    return matched
  }

  private confirm (slot: number, epoch: number, matched: Id[]): void {
    const only = this.slotOnly[slot] === 1
    const rule = this.slotRule[slot]!
    if (!only && this.ruleReported[rule] === epoch) return
    if (!this.code.matches(this.slotCode[slot]!, this.leaves)) return
    if (!only) this.ruleReported[rule] = epoch
    matched.push(this.ruleIds[rule]!)
  }

  private nextEpoch (): number {
    if (++this.epoch === EPOCH_LIMIT) {
      this.slotSeen.fill(0)
      this.ruleReported.fill(0)
      this.epoch = 1
    }
    return this.epoch
  }

  private ensureSlot (slot: number): void {
    if (slot < this.slotCode.length) return
    this.slotCode = grow(this.slotCode, slot + 1)
    this.slotRule = grow(this.slotRule, slot + 1)
    this.slotSeen = grow(this.slotSeen, slot + 1)
    const only = new Uint8Array(this.slotCode.length)
    only.set(this.slotOnly)
    this.slotOnly = only
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
   * Moves a branch's registration in the field indexes to condition `anchor`
   * (-1: none, checked on every event; -2: the branch is going away).
   */
  private setAnchor (slot: number, entry: BranchEntry, anchor: number): void {
    const conds = entry.branch.conditions
    if (entry.anchor >= 0) {
      const old = conds[entry.anchor]!
      const pathId = entry.pathIds[entry.anchor]!
      const index = this.indexes[pathId]!
      for (const m of old.matchers) {
        index.remove(m, slot)
        const key = matcherKey(old.path, m)
        const set = this.anchoredOn.get(key)
        set?.delete(slot)
        if (set?.size === 0) this.anchoredOn.delete(key)
      }
      if (index.size === 0) this.indexes[pathId] = null
    } else if (entry.anchor === -1) {
      removeItem(this.unanchored, slot)
    }
    entry.anchor = anchor
    if (anchor === -2) return
    if (anchor === -1) {
      this.unanchored.push(slot)
      return
    }
    const cond = conds[anchor]!
    const pathId = entry.pathIds[anchor]!
    const index = this.indexes[pathId] ??= new FieldIndex()
    for (const m of cond.matchers) {
      index.add(m, slot)
      const key = matcherKey(cond.path, m)
      let set = this.anchoredOn.get(key)
      if (set === undefined) this.anchoredOn.set(key, set = new Set())
      set.add(slot)
    }
  }

  private compactCode (): void {
    const live: number[] = []
    for (let slot = 0; slot < this.branches.length; slot++) if (this.branches[slot] !== undefined) live.push(slot)
    const moved = this.code.compact(live.map(slot => this.slotCode[slot]!))
    live.forEach((slot, i) => { this.slotCode[slot] = moved[i]! })
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
