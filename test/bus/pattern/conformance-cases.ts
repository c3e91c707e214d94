// Loads the EventBridge pattern cases validated against AWS (see ../shared/conformance/README.md).
import { loadConformanceJson } from '../../helpers/conformance.js'

export interface PatternCase {
  readonly name: string
  readonly expect: 'match' | 'no-match' | 'invalid'
  /** The pattern as JSON text, exactly as it must be given to parsePattern. */
  readonly patternText: string
  readonly event: unknown
  readonly awsMessage?: string
}

interface RawCase {
  name: string
  expect: PatternCase['expect']
  pattern?: unknown
  patternText?: string
  event?: unknown
  eventText?: string
  awsMessage?: string
}

export function loadPatternCases (): PatternCase[] {
  const raw = loadConformanceJson<RawCase[]>('eventbridge-patterns.json')
  return raw.map(c => ({
    name: c.name,
    expect: c.expect,
    // Cases carrying text repeat a key, which only the text preserves.
    patternText: c.patternText ?? JSON.stringify(c.pattern),
    event: c.eventText !== undefined ? JSON.parse(c.eventText) : c.event,
    ...(c.awsMessage !== undefined ? { awsMessage: c.awsMessage } : {})
  }))
}
