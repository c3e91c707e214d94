// Loads the EventBridge pattern cases validated against AWS (see ../shared/conformance/README.md).
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * shared/conformance/eventbridge-patterns.json beside the checkout, found by walking up
 * from this file, so the cases load from the main checkout and from a worktree alike.
 */
export function patternCasesFile (): string {
  const relative = join('shared', 'conformance', 'eventbridge-patterns.json')
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return join(dir, relative)
    if (dirname(dir) === dir) throw new Error(`${relative} not found above ${fileURLToPath(import.meta.url)}`)
  }
}

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
  const raw = JSON.parse(readFileSync(patternCasesFile(), 'utf8')) as RawCase[]
  return raw.map(c => ({
    name: c.name,
    expect: c.expect,
    // Cases carrying text repeat a key, which only the text preserves.
    patternText: c.patternText ?? JSON.stringify(c.pattern),
    event: c.eventText !== undefined ? JSON.parse(c.eventText) : c.event,
    ...(c.awsMessage !== undefined ? { awsMessage: c.awsMessage } : {})
  }))
}
