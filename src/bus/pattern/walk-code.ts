import type { PathNode } from './event-leaves.js'
import { MAX_JSON_DEPTH } from '../json-depth.js'

// The walk over an event along the paths rules read, compiled to JavaScript
// once per change of the paths. A generic walk enumerates every key of the
// event (for-in, then a Map lookup per key) and looks values up by keys held in
// variables, which V8 serves through its slowest, megamorphic path; with 1 KB
// events that was about 1 µs per event, ten times reading the same fields
// directly. Generated code reads each field a rule names as `v["name"]`, a
// constant key, so every read site keeps its own inline cache, and fields no
// rule names are never visited.
//
// Safety: the only text taken from patterns is field names, and each enters the
// code as JSON.stringify(name), a string literal; nothing else is spliced in.

/** Called for each scalar on a path some rule reads. */
export type LeafVisit = (pathId: number, value: unknown) => void
/** The generic walk, for objects at a node with too many paths below it to probe (see MAX_PROBES). */
export type FallbackWalk = (obj: Record<string, unknown>, node: PathNode, depth: number) => void
/** Walks one event (a non-array object); its top-level fields are at depth 2. */
export type CompiledWalk = (event: Record<string, unknown>) => void

/** Past this many keys to probe at one node (names plus dotted spellings), that node's objects are walked generically. */
const MAX_PROBES = 48
/** Past this many probes in all, no code is generated and the whole walk is generic. */
const MAX_TOTAL_PROBES = 4096

interface Probe { readonly key: string, readonly node: PathNode }

/**
 * The keys to look up in an object at `node`: each child's name, then the dotted
 * spellings of the deeper paths ("customer.id" stands for customer → id, as
 * EventBridge reads it), or null when there are more than MAX_PROBES.
 */
function probesOf (node: PathNode): Probe[] | null {
  const probes: Probe[] = []
  const spell = (prefix: string | null, at: PathNode): void => {
    if (at.children === null || probes.length > MAX_PROBES) return
    for (const [name, child] of at.children) {
      const key = prefix === null ? name : `${prefix}.${name}`
      probes.push({ key, node: child })
      spell(key, child)
    }
  }
  spell(null, node)
  return probes.length > MAX_PROBES ? null : probes
}

/** Generates the walk for the path tree under `root`; null when the tree is too large to be worth it. */
export function compileWalk (root: PathNode, leaf: LeafVisit, fallback: FallbackWalk): CompiledWalk | null {
  const ids = new Map<PathNode, number>()
  const fallbackNodes: PathNode[] = []
  const functions: string[] = []
  let total = 0
  const fn = (node: PathNode): string => {
    let id = ids.get(node)
    if (id !== undefined) return `n${id}`
    id = ids.size
    ids.set(node, id)
    const name = `n${id}`
    const lines: string[] = []
    if (node.children !== null) {
      const probes = probesOf(node)
      if (probes === null) {
        lines.push(`fallback(v, fallbackNodes[${fallbackNodes.length}], d); return`)
        fallbackNodes.push(node)
      } else {
        total += probes.length
        for (const { key, node: child } of probes) {
          const literal = JSON.stringify(key)
          // Names Object.prototype also has ("constructor", "__proto__") must be the event's own.
          const read = key in Object.prototype ? `hasOwn(v, ${literal}) ? v[${literal}] : undefined` : `v[${literal}]`
          lines.push(`c = ${read}; if (c !== undefined) ${fn(child)}(c, d + 1)`)
        }
      }
    }
    // Objects only go as deep as the paths, but arrays nest without bound at one
    // path: past MAX_JSON_DEPTH (which the bus refuses on the way in) stop rather than overflow the stack.
    functions.push(`function ${name} (v, d) {
  if (typeof v === 'object' && v !== null) {
    if (d > ${MAX_JSON_DEPTH}) return
    if (isArray(v)) { for (let i = 0; i < v.length; i++) ${name}(v[i], d + 1); return }
    let c
    ${lines.join('\n    ')}
    return
  }
  ${node.pathId >= 0 ? `if (v !== undefined) leaf(${node.pathId}, v)` : ''}
}`)
    return name
  }
  const rootName = fn(root)
  if (total > MAX_TOTAL_PROBES) return null
  const body = `'use strict'\n${functions.join('\n')}\nreturn (event) => ${rootName}(event, 1)`
  let make: (...args: unknown[]) => CompiledWalk
  try {
    // eslint-disable-next-line no-new-func -- see the header: only JSON string literals come from patterns
    make = new Function('leaf', 'fallback', 'fallbackNodes', 'hasOwn', 'isArray', body) as (...args: unknown[]) => CompiledWalk
  } catch (err) {
    // node --disallow-code-generation-from-strings: the generic walk gives the same answers, only slower.
    if (err instanceof EvalError) return null
    throw err
  }
  return make(leaf, fallback, fallbackNodes, Object.hasOwn, Array.isArray)
}
