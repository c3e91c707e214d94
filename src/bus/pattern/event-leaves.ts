import type { Leaf } from './types.js'
import { compileWalk, type CompiledWalk } from './walk-code.js'
import { MAX_JSON_DEPTH } from '../json-depth.js'

/** A node of the tree of paths some rule reads, one level per field name. */
export class PathNode {
  children: Map<string, PathNode> | null = null
  /** Id of the path ending here when some condition reads it, else -1. */
  pathId = -1
  /** Conditions reading this path or a path below it. */
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

/** Called for each scalar found on a path that has a path id. */
export type LeafSink = (pathId: number, value: Leaf) => void

/**
 * The scalars of one event on the paths rules read, found in a single walk and
 * kept per path id for the rest of the match. Storage is reused from event to
 * event: per path a linked list through `next`, valid only when its stamp is the
 * current generation, so starting a new event costs nothing per path.
 * The walk itself is generated code (walk-code.ts), regenerated on the first
 * event after the paths change; the generic walk below serves objects with more
 * paths under them than are worth probing key by key.
 */
export class EventLeaves {
  readonly root = new PathNode()
  private readonly freePathIds: number[] = []
  private pathCount = 0

  /** Scalars by entry; never emptied (that would free its storage), only overwritten. */
  private readonly values: Leaf[] = []
  private next = new Int32Array(64)
  private count = 0
  private head = new Int32Array(16)
  private stamp = new Int32Array(16)
  private generation = 1
  /** The walk generated for the current paths (see walk-code.ts); null: walk generically. */
  private compiled: CompiledWalk | null = null
  /** Paths changed since `compiled` was generated. */
  private stale = true
  /** The sink of the event being collected, for the generated walk's callbacks. */
  private sink: LeafSink = () => {}
  private readonly keep = (pathId: number, value: unknown): void => {
    this.keepLeaf(pathId, value as Leaf)
    this.sink(pathId, value as Leaf)
  }

  private readonly walkFallback = (obj: Record<string, unknown>, node: PathNode, depth: number): void => {
    this.walkObject(obj, node, this.sink, depth)
  }

  /** Registers one more reader of `path` (dot-joined) and returns its path id. */
  addPath (path: string): number {
    let node = this.root
    for (const name of path.split('.')) {
      node.refs++
      node = node.child(name)
    }
    node.refs++
    this.stale = true
    if (node.pathId < 0) {
      node.pathId = this.freePathIds.pop() ?? this.pathCount++
      if (node.pathId >= this.head.length) {
        this.head = grow(this.head, node.pathId + 1)
        this.stamp = grow(this.stamp, node.pathId + 1)
      }
    }
    return node.pathId
  }

  /** Drops one reader of `path`; the path id is recycled once nobody reads the path. */
  removePath (path: string): void {
    const names = path.split('.')
    const trail: PathNode[] = [this.root]
    for (const name of names) trail.push(trail[trail.length - 1]!.children!.get(name)!)
    const leaf = trail[trail.length - 1]!
    this.stale = true
    const stillRead = leaf.refs - 1 - countBelow(leaf) > 0
    if (!stillRead && leaf.pathId >= 0) {
      this.freePathIds.push(leaf.pathId)
      this.stamp[leaf.pathId] = 0
      leaf.pathId = -1
    }
    for (let i = trail.length - 1; i >= 0; i--) {
      const node = trail[i]!
      if (--node.refs === 0 && i > 0) trail[i - 1]!.children!.delete(names[i - 1]!)
    }
  }

  /** Forgets the previous event's leaves and collects this one's, telling `sink` about each. */
  collect (event: unknown, sink: LeafSink): void {
    this.count = 0
    if (++this.generation === 0x3fffffff) {
      this.stamp.fill(0)
      this.generation = 1
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event)) return
    if (this.stale) {
      this.compiled = compileWalk(this.root, this.keep, this.walkFallback)
      this.stale = false
    }
    if (this.compiled === null) {
      this.walkObject(event as Record<string, unknown>, this.root, sink, 1)
    } else {
      this.sink = sink
      this.compiled(event as Record<string, unknown>)
    }
  }

  /** First entry of the path's leaves for the current event (-1: the event has none). */
  first (pathId: number): number {
    return this.stamp[pathId] === this.generation ? this.head[pathId]! : -1
  }

  following (entry: number): number {
    return this.next[entry]!
  }

  value (entry: number): Leaf {
    return this.values[entry]!
  }

  private walkObject (obj: Record<string, unknown>, node: PathNode, sink: LeafSink, depth: number): void {
    const children = node.children
    if (children === null) return
    for (const key in obj) {
      const child = children.get(key) ?? (key.includes('.') ? node.descend(key) : undefined)
      if (child !== undefined) this.walkValue(obj[key], child, sink, depth + 1)
    }
  }

  /**
   * Objects only go as deep as the paths rules read, but arrays nest at one path
   * without bound: past MAX_JSON_DEPTH (which the bus refuses on the way in) the
   * walk stops rather than overflow the stack.
   */
  private walkValue (value: unknown, node: PathNode, sink: LeafSink, depth: number): void {
    if (typeof value === 'object' && value !== null) {
      if (depth > MAX_JSON_DEPTH) return
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) this.walkValue(value[i], node, sink, depth + 1)
      } else {
        this.walkObject(value as Record<string, unknown>, node, sink, depth)
      }
      return
    }
    const pathId = node.pathId
    if (pathId < 0 || value === undefined) return
    this.keepLeaf(pathId, value as Leaf)
    sink(pathId, value as Leaf)
  }

  /** Adds a scalar to its path's list for the current event. */
  private keepLeaf (pathId: number, value: Leaf): void {
    const entry = this.count++
    if (entry === this.next.length) this.next = grow(this.next, entry + 1)
    if (entry === this.values.length) this.values.push(value as Leaf)
    else this.values[entry] = value as Leaf
    this.next[entry] = this.stamp[pathId] === this.generation ? this.head[pathId]! : -1
    this.head[pathId] = entry
    this.stamp[pathId] = this.generation
  }
}

/** References to a node held by the paths below it (refs counts both). */
function countBelow (node: PathNode): number {
  let n = 0
  if (node.children !== null) for (const c of node.children.values()) n += c.refs
  return n
}

function grow (a: Int32Array, atLeast: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(atLeast, a.length * 2))
  b.set(a)
  return b
}
