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
const SLOT_FIELDS = 4
const CODE = 0
const RULE = 1
const ONLY = 2
const SEEN = 3

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
  /**
   * Per branch slot, side by side so a candidate costs one cache miss:
   * [start of its code, its rule's index, 1 when it is the rule's only branch
   * (no once-per-rule bookkeeping then), epoch of the last event that checked it].
   */
  private slotData = new Int32Array(64 * SLOT_FIELDS)

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
      const data = this.slotData
      data[slot * SLOT_FIELDS + RULE] = index
      data[slot * SLOT_FIELDS + ONLY] = pattern.branches.length === 1 ? 1 : 0
      data[slot * SLOT_FIELDS + SEEN] = 0
      // Every condition, the anchor too: index lookups go by hash and may return a
      // branch whose anchor value merely collides, so candidates are checked in full.
      data[slot * SLOT_FIELDS + CODE] = this.code.encode(branch.conditions.map((c, i) => ({ pathId: pathIds[i]!, matchesAbsent: c.matchesAbsent, matchers: c.matchers })))
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
      this.code.release(this.slotData[slot * SLOT_FIELDS + CODE]!)
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
    const data = this.slotData
    for (let i = 0; i < hits.count; i++) {
      const at = hits.ids[i]! * SLOT_FIELDS
      if (data[at + SEEN] === epoch) continue
      data[at + SEEN] = epoch
      this.confirm(at, epoch, matched)
    }
    const unanchored = this.unanchored
    for (let i = 0; i < unanchored.length; i++) this.confirm(unanchored[i]! * SLOT_FIELDS, epoch, matched)
    return matched
  }

  /** Reports the rule of the branch whose slot data starts at `at`, if the event satisfies the branch. */
  private confirm (at: number, epoch: number, matched: Id[]): void {
    const data = this.slotData
    const only = data[at + ONLY] === 1
    const rule = data[at + RULE]!
    if (!only && this.ruleReported[rule] === epoch) return
    if (!this.code.matches(data[at + CODE]!, this.leaves)) return
    if (!only) this.ruleReported[rule] = epoch
    matched.push(this.ruleIds[rule]!)
  }

  private nextEpoch (): number {
    if (++this.epoch === EPOCH_LIMIT) {
      for (let at = SEEN; at < this.slotData.length; at += SLOT_FIELDS) this.slotData[at] = 0
      this.ruleReported.fill(0)
      this.epoch = 1
    }
    return this.epoch
  }

  private ensureSlot (slot: number): void {
    if ((slot + 1) * SLOT_FIELDS <= this.slotData.length) return
    this.slotData = grow(this.slotData, (slot + 1) * SLOT_FIELDS)
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
    const data = this.slotData
    const moved = this.code.compact(live.map(slot => data[slot * SLOT_FIELDS + CODE]!))
    live.forEach((slot, i) => { data[slot * SLOT_FIELDS + CODE] = moved[i]! })
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
