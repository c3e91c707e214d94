// Why a pattern matched an event or did not: the pattern split into its field
// conditions (each leaf array, each $or as one unit), each tested alone with the
// bus's own engine. An event pattern is an AND of its fields, so the fields that
// fail are exactly the reasons it does not match.
import { matchesPattern, parsePattern } from '../bus/pattern/index.js'

export interface FieldVerdict {
  /** Dotted path of the field ("detail.state"); for an $or, the path it sits at plus "$or". */
  field: string
  pattern: unknown
  /** The event's value at that path; undefined when the event has no such field. */
  eventValue: unknown
  matched: boolean
}

export function explainMatch (pattern: Record<string, unknown>, event: unknown): FieldVerdict[] {
  const out: FieldVerdict[] = []
  const walk = (node: Record<string, unknown>, path: string[]): void => {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$or') {
        out.push(verdict([...path], { $or: value }, event, [...path, '$or'].join('.')))
      } else if (Array.isArray(value) || value === null || typeof value !== 'object') {
        out.push(verdict([...path, key], value, event, [...path, key].join('.')))
      } else {
        walk(value as Record<string, unknown>, [...path, key])
      }
    }
  }
  walk(pattern, [])
  return out
}

function verdict (path: string[], leaf: unknown, event: unknown, field: string): FieldVerdict {
  let sub: unknown = leaf
  for (let i = path.length - 1; i >= 0; i--) sub = { [path[i]!]: sub }
  const matched = matchesPattern(parsePattern(JSON.stringify(sub)), event)
  let eventValue: unknown = event
  for (const key of path) eventValue = eventValue !== null && typeof eventValue === 'object' ? (eventValue as Record<string, unknown>)[key] : undefined
  return { field, pattern: leaf, eventValue, matched }
}
