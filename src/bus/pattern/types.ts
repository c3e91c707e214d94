/** A JSON scalar: the only kind of event value a pattern compares against. */
export type Leaf = string | number | boolean | null

/** A compiled wildcard: the literal pieces between the `*`s (escapes resolved). */
export interface WildcardPattern {
  readonly source: string
  readonly segments: readonly string[]
}

/**
 * One alternative inside a field's array. Values held for case-insensitive
 * kinds are already lower-cased.
 */
export type Matcher =
  | { readonly kind: 'exact', readonly value: Leaf }
  | { readonly kind: 'equalsIgnoreCase', readonly value: string }
  | { readonly kind: 'prefix', readonly value: string, readonly ignoreCase: boolean }
  | { readonly kind: 'suffix', readonly value: string, readonly ignoreCase: boolean }
  | { readonly kind: 'numeric', readonly lo: number, readonly loOpen: boolean, readonly hi: number, readonly hiOpen: boolean }
  | { readonly kind: 'cidr', readonly bits: string }
  | { readonly kind: 'wildcard', readonly pattern: WildcardPattern }
  | { readonly kind: 'anythingBut', readonly values: ReadonlySet<string | number> }
  | { readonly kind: 'anythingButIgnoreCase', readonly values: ReadonlySet<string> }
  | { readonly kind: 'anythingButPrefix', readonly values: readonly string[] }
  | { readonly kind: 'anythingButSuffix', readonly values: readonly string[] }
  | { readonly kind: 'anythingButWildcard', readonly patterns: readonly WildcardPattern[] }
  | { readonly kind: 'exists', readonly present: boolean }

export type MatcherKind = Matcher['kind']

/**
 * Kinds a leaf value can be looked up by (hash, trie, interval) rather than
 * tested one by one; a condition made only of these can drive the rule index.
 */
export const SELECTIVE_KINDS: ReadonlySet<MatcherKind> = new Set<MatcherKind>([
  'exact', 'equalsIgnoreCase', 'prefix', 'suffix', 'numeric', 'cidr', 'wildcard'
])

/**
 * One way to take the next step along a path: the event key to look up and the
 * step table to continue from (-1 when the key ends the path). A path `a.b` can
 * be reached as key `a` then `b`, or as the single key `a.b`.
 */
export interface PathStep {
  readonly key: string
  readonly next: number
}

/** One field of a pattern: the event value at `path` must satisfy any of `matchers`. */
export interface Condition {
  /** Dot-joined field names; nested and dotted keys give the same path. */
  readonly path: string
  /** The path itself when it has no dot: the value is then one property lookup away. */
  readonly topKey: string | null
  /** The path's names when it has dots: the usual, fully nested spelling of it. */
  readonly nestedKeys: readonly string[] | null
  /** steps[i]: the keys that can be looked up at the i-th dot boundary of the path. */
  readonly steps: readonly (readonly PathStep[])[]
  readonly matchers: readonly Matcher[]
  /** Every matcher is indexable (see SELECTIVE_KINDS). */
  readonly selective: boolean
  /** Contains `{"exists": false}`: an absent field satisfies it. */
  readonly matchesAbsent: boolean
}

/** A conjunction: every condition must hold. `$or` expands into several branches. */
export interface Branch {
  readonly conditions: readonly Condition[]
}

/** A validated pattern: it matches an event when any branch does. */
export interface CompiledPattern {
  readonly branches: readonly Branch[]
}
