// The JSONPath subset EventBridge evaluates in InputPath and InputPathsMap:
// $, dot members (with dashes, underscores, slashes), ['quoted'] members,
// array indices and the [*] / .* wildcards.
export type PathStep = { kind: 'member', name: string } | { kind: 'index', index: number } | { kind: 'wildcard' }

const cache = new Map<string, PathStep[] | null>()

/** Returns null when the path is not in the supported syntax. */
export function parseJsonPath (path: string): PathStep[] | null {
  const cached = cache.get(path)
  if (cached !== undefined) return cached
  const steps = parse(path)
  if (cache.size < 10_000) cache.set(path, steps)
  return steps
}

function parse (path: string): PathStep[] | null {
  if (!path.startsWith('$')) return null
  const steps: PathStep[] = []
  let i = 1
  while (i < path.length) {
    const c = path[i]
    if (c === '.') {
      i++
      if (path[i] === '*') {
        steps.push({ kind: 'wildcard' })
        i++
        continue
      }
      const start = i
      while (i < path.length && path[i] !== '.' && path[i] !== '[') i++
      if (i === start) return null
      steps.push({ kind: 'member', name: path.slice(start, i) })
    } else if (c === '[') {
      const close = path.indexOf(']', i)
      if (close < 0) return null
      const inner = path.slice(i + 1, close).trim()
      i = close + 1
      if (inner === '*') steps.push({ kind: 'wildcard' })
      else if (/^\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) })
      else if (/^'[^']*'$/.test(inner) || /^"[^"]*"$/.test(inner)) steps.push({ kind: 'member', name: inner.slice(1, -1) })
      else return null
    } else {
      return null
    }
  }
  return steps
}

/** The value at the path, undefined when absent; a wildcard yields an array of the matches. */
export function evaluateJsonPath (steps: PathStep[], root: unknown): unknown {
  let current: unknown = root
  let fanned = false
  let values: unknown[] = []
  for (const step of steps) {
    if (!fanned) {
      if (step.kind === 'wildcard') {
        values = current !== null && typeof current === 'object' ? Object.values(current) : []
        fanned = true
      } else {
        current = stepInto(current, step)
        if (current === undefined) return undefined
      }
    } else {
      const next: unknown[] = []
      for (const v of values) {
        if (step.kind === 'wildcard') {
          if (v !== null && typeof v === 'object') next.push(...Object.values(v))
        } else {
          const r = stepInto(v, step)
          if (r !== undefined) next.push(r)
        }
      }
      values = next
    }
  }
  return fanned ? values : current
}

function stepInto (value: unknown, step: PathStep): unknown {
  if (value === null || typeof value !== 'object') return undefined
  if (step.kind === 'index') return Array.isArray(value) ? value[step.index] : undefined
  if (step.kind === 'member') return Array.isArray(value) ? undefined : (value as Record<string, unknown>)[step.name]
  return undefined
}
