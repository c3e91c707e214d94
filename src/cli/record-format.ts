// How `consume` prints a record: JSON Lines by default, indented JSON with
// --pretty, or a format string in rpk's style with -f:
//   %t topic  %p partition  %o offset  %d timestamp (epoch ms)  %k key  %v value
//   %h headers (k=v, comma-separated)  %%  and the escapes \n \t \\
import type { FetchedRecord } from '../client/index.js'
import { badArgument } from './output/errors.js'

export interface PrintableRecord {
  topic: string
  partition: number
  offset: number
  timestamp: number
  key: string | null
  value: string | null
  headers: Array<{ key: string, value: string | null }>
}

export function printable (r: FetchedRecord): PrintableRecord {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key === null ? null : r.key.toString('utf8'),
    value: r.value === null ? null : r.value.toString('utf8'),
    headers: r.headers.map(h => ({ key: h.key, value: h.value === null ? null : h.value.toString('utf8') }))
  }
}

export type RecordFormatter = (r: PrintableRecord) => string

const FIELDS: Record<string, (r: PrintableRecord) => string> = {
  t: r => r.topic,
  p: r => String(r.partition),
  o: r => String(r.offset),
  d: r => String(r.timestamp),
  k: r => r.key ?? '',
  v: r => r.value ?? '',
  h: r => r.headers.map(h => `${h.key}=${h.value ?? ''}`).join(','),
  '%': () => '%'
}
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\' }

/** Compiles a -f format string once; an unknown %x or \x is a usage error. */
export function compileFormat (format: string): RecordFormatter {
  const parts: Array<string | ((r: PrintableRecord) => string)> = []
  let literal = ''
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!
    const next = format[i + 1]
    if (c === '%' || c === '\\') {
      const table = c === '%' ? FIELDS : ESCAPES
      if (next === undefined || !Object.hasOwn(table, next)) throw badArgument('-f', `"${c}${next ?? ''}" is not a field: use %t %p %o %d %k %v %h %% and \\n \\t`)
      if (c === '\\') { literal += ESCAPES[next]!; i++; continue }
      if (literal !== '') parts.push(literal)
      literal = ''
      parts.push(FIELDS[next]!)
      i++
      continue
    }
    literal += c
  }
  if (literal !== '') parts.push(literal)
  return r => parts.map(p => typeof p === 'string' ? p : p(r)).join('')
}

export function jsonLine (r: PrintableRecord): string {
  return JSON.stringify(r) + '\n'
}

/** Indented JSON; a value that is JSON is shown as the object it holds. */
export function prettyJson (r: PrintableRecord): string {
  let value: unknown = r.value
  if (r.value !== null) {
    try { value = JSON.parse(r.value) } catch { /* not JSON: keep the text */ }
  }
  return JSON.stringify({ ...r, value }, null, 2) + '\n'
}
