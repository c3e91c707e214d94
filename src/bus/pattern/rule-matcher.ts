import { anchorCost, chooseAnchor, matcherKey } from './anchor.js'
import { conditionMatches } from './evaluate.js'
import { FieldIndex } from './field-index.js'
import type { Branch, CompiledPattern, Condition, Leaf } from './types.js'

interface RuleEntry<Id> {
  readonly id: Id
  readonly slots: number[]
  /** Epoch of the last event this rule was reported for, so a rule is reported once per event. */
  reportedAt: number
}

interface BranchEntry<Id> {
  readonly rule: RuleEntry<Id>
  /** The rule's only branch: it needs no once-per-event bookkeeping on the rule. */
  readonly only: boolean
  readonly id: Id
  readonly branch: Branch
  /** Index in branch.conditions of the condition registered in the field index, or -1. */
  anchor: number
  /** The other conditions, checked directly once the anchor matched. */
  rest: Condition[]
  seenAt: number
}

/** When this many branches use one value, the branches anchored on it look for a rarer anchor. */
const REBALANCE_FROM = 8

/**
 * All rules of one bus compiled together. Each branch of a rule (a conjunction;
 * `$or` gives a rule several) registers one selective condition, its anchor, in
 * the FieldIndex of that condition's path. Matching walks the event once,
 * descending only into objects that lead to indexed paths, and looks each value
 * up in its path's index (hash, trie or interval lookups); the branches whose
 * anchors match are the only ones whose other conditions are evaluated. Work per
 * event therefore follows the event's fields and the rules that nearly match it,
 * not the number of rules. Branches without any selective condition (only
 * anything-but or exists, say) are checked on every event.
 */
export class RuleMatcher<Id = string> {
  private readonly rules = new Map<Id, RuleEntry<Id>>()
  /** Indexed paths as a tree of field names: a walk only enters event objects that lead somewhere. */
  private readonly paths = new PathNode()
  private readonly branches: (BranchEntry<Id> | undefined)[] = []
  private readonly freeSlots: number[] = []
  private readonly unanchored: number[] = []
  /** How many selective conditions use each matcher key, and which branches are anchored on it. */
  private readonly popularity = new Map<string, number>()
  private readonly anchoredOn = new Map<string, Set<number>>()

  private epoch = 0
  private readonly hits: number[] = []

  get size (): number {
    return this.rules.size
  }

  /** Adds a rule, replacing any rule with the same id. */
  add (id: Id, pattern: CompiledPattern): void {
    this.remove(id)
    const rule: RuleEntry<Id> = { id, slots: [], reportedAt: 0 }
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
      const entry: BranchEntry<Id> = { rule, only: pattern.branches.length === 1, id, branch, anchor: -1, rest: [...branch.conditions], seenAt: 0 }
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
      this.setAnchor(slot, entry, -1)
      removeItem(this.unanchored, slot)
      for (const cond of entry.branch.conditions) {
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
  }

  /** Ids of every rule whose pattern matches the event (an already-parsed JSON value). */
  match (event: unknown): Id[] {
    const epoch = ++this.epoch
    const hits = this.hits
    hits.length = 0
    if (typeof event === 'object' && event !== null && !Array.isArray(event)) {
      this.walkObject(event as Record<string, unknown>, this.paths)
    }
    const matched: Id[] = []
    for (let i = 0; i < hits.length; i++) {
      const entry = this.branches[hits[i]!]!
      if (entry.seenAt === epoch) continue
      entry.seenAt = epoch
      this.confirm(entry, event, epoch, matched)
    }
    const unanchored = this.unanchored
    for (let i = 0; i < unanchored.length; i++) this.confirm(this.branches[unanchored[i]!]!, event, epoch, matched)
    hits.length = 0
    return matched
  }

  private confirm (entry: BranchEntry<Id>, event: unknown, epoch: number, matched: Id[]): void {
    if (!entry.only && entry.rule.reportedAt === epoch) return
    const rest = entry.rest
    for (let i = 0; i < rest.length; i++) if (!conditionMatches(rest[i]!, event)) return
    if (!entry.only) entry.rule.reportedAt = epoch
    matched.push(entry.id)
  }

  private walkObject (obj: Record<string, unknown>, node: PathNode): void {
    const children = node.children
    if (children === null) return
    for (const key in obj) {
      // Event keys from JSON.parse are interned strings with cached hashes, so this lookup is cheap.
      const child = children.get(key) ?? (key.includes('.') ? node.descend(key) : undefined)
      if (child !== undefined) this.walkValue(obj[key], child)
    }
  }

  private walkValue (value: unknown, node: PathNode): void {
    if (typeof value === 'object' && value !== null) {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) this.walkValue(value[i], node)
      } else {
        this.walkObject(value as Record<string, unknown>, node)
      }
      return
    }
    if (value !== undefined && node.index !== null) node.index.collect(value as Leaf, this.hits)
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

  /** Moves a branch's registration in the field indexes to condition `anchor` (-1: none). */
  private setAnchor (slot: number, entry: BranchEntry<Id>, anchor: number): void {
    const conds = entry.branch.conditions
    if (entry.anchor >= 0) {
      const old = conds[entry.anchor]!
      this.unregister(old, slot)
      for (const m of old.matchers) {
        const key = matcherKey(old.path, m)
        const set = this.anchoredOn.get(key)
        set?.delete(slot)
        if (set?.size === 0) this.anchoredOn.delete(key)
      }
    }
    entry.anchor = anchor
    entry.rest = conds.filter((_, i) => i !== anchor)
    removeItem(this.unanchored, slot)
    if (anchor < 0) {
      this.unanchored.push(slot)
      return
    }
    const cond = conds[anchor]!
    this.register(cond, slot)
    for (const m of cond.matchers) {
      const key = matcherKey(cond.path, m)
      let set = this.anchoredOn.get(key)
      if (set === undefined) this.anchoredOn.set(key, set = new Set())
      set.add(slot)
    }
  }

  private register (cond: Condition, slot: number): void {
    let node = this.paths
    for (const name of cond.path.split('.')) {
      node.refs++
      node = node.child(name)
    }
    node.refs++
    node.index ??= new FieldIndex()
    for (const m of cond.matchers) node.index.add(m, slot)
  }

  private unregister (cond: Condition, slot: number): void {
    const names = cond.path.split('.')
    const trail: PathNode[] = [this.paths]
    for (const name of names) trail.push(trail[trail.length - 1]!.children!.get(name)!)
    const leaf = trail[trail.length - 1]!
    for (const m of cond.matchers) leaf.index!.remove(m, slot)
    if (leaf.index!.size === 0) leaf.index = null
    for (let i = trail.length - 1; i >= 0; i--) {
      const node = trail[i]!
      if (--node.refs === 0 && i > 0) trail[i - 1]!.children!.delete(names[i - 1]!)
    }
  }
}

/** A node of the tree of indexed paths, one level per field name. */
class PathNode {
  children: Map<string, PathNode> | null = null
  index: FieldIndex | null = null
  /** Anchored conditions at or below this node. */
  refs = 0

  child (name: string): PathNode {
    this.children ??= new Map()
    let node = this.children.get(name)
    if (node === undefined) this.children.set(name, node = new PathNode())
    return node
  }

  /** Follows a dotted event key ("state.status") as the nested names it stands for. */
  descend (dottedKey: string): PathNode | undefined {
    let node: PathNode | undefined = this
    for (const name of dottedKey.split('.')) {
      node = node.children?.get(name)
      if (node === undefined) return undefined
    }
    return node
  }
}

function removeItem (list: number[], item: number): void {
  const at = list.indexOf(item)
  if (at >= 0) list.splice(at, 1)
}
