// The `-o` language of `consume` (and the `@<time>` of `group seek`, `topic trim`),
// parsed without any I/O so every form is unit-tested:
//
//   start | end          the log start / the end (high watermark)
//   N                    absolute offset N
//   +N / -N              N after the start / N before the end
//   N:M  N:              offsets N up to (not including) M / up to the end at start-up
//   @T                   from the first record at or after time T
//   @T1:T2  @T1:         records with T1 <= timestamp < T2 / from T1 to now
//
// T is epoch milliseconds (12+ digits), epoch seconds (fewer digits), an RFC 3339
// time (2026-01-02T03:04:05Z, offsets allowed), a date (2026-01-02, UTC
// midnight), or relative to now: -1h, -10m, -30s, -2d, -1w, -500ms (+ for the future).

export type Bound =
  | { kind: 'start' }
  | { kind: 'end' }
  | { kind: 'offset', offset: number }
  | { kind: 'afterStart', count: number }
  | { kind: 'beforeEnd', count: number }
  | { kind: 'time', ms: number }

export interface OffsetRange {
  from: Bound
  /** Exclusive upper bound; undefined: no bound (follow the topic). `end` here means the end when the command started. */
  until?: Bound
}

export class OffsetSpecError extends Error {}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const RELATIVE = /^([+-])(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/

/** Parses one point in time to epoch ms. */
export function parseTime (text: string, now: number): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text)
    return text.length >= 12 ? n : n * 1000
  }
  const relative = RELATIVE.exec(text)
  if (relative !== null) {
    const delta = Number(relative[2]) * UNIT_MS[relative[3]!]!
    return Math.round(relative[1] === '-' ? now - delta : now + delta)
  }
  const date = DATE.exec(text)
  if (date !== null) {
    const ms = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]))
    const check = new Date(ms)
    if (check.getUTCMonth() + 1 !== Number(date[2]) || check.getUTCDate() !== Number(date[3])) throw new OffsetSpecError(`"${text}" is not a real date`)
    return ms
  }
  if (RFC3339.test(text)) {
    const ms = Date.parse(text.replace(' ', 'T'))
    if (!Number.isNaN(ms)) return ms
  }
  throw new OffsetSpecError(`"${text}" is not a time: use epoch ms or s, RFC 3339 (2026-01-02T03:04:05Z), a date (2026-01-02) or a relative time (-1h, -10m)`)
}

function parseOffset (text: string): number {
  if (!/^\d+$/.test(text)) throw new OffsetSpecError(`"${text}" is not an offset`)
  const n = Number(text)
  if (!Number.isSafeInteger(n)) throw new OffsetSpecError(`"${text}" is too large for an offset`)
  return n
}

/** Parses a `-o` value; `now` fixes relative times and the meaning of an open time range. */
export function parseOffsetSpec (text: string, now: number): OffsetRange {
  const spec = text.trim()
  if (spec === 'start' || spec === 'oldest' || spec === 'beginning') return { from: { kind: 'start' } }
  if (spec === 'end' || spec === 'newest') return { from: { kind: 'end' } }
  if (spec.startsWith('@')) return parseTimeRange(spec.slice(1), now)
  if (/^\+\d+$/.test(spec)) return { from: { kind: 'afterStart', count: parseOffset(spec.slice(1)) } }
  if (/^-\d+$/.test(spec)) return { from: { kind: 'beforeEnd', count: parseOffset(spec.slice(1)) } }
  const colon = spec.indexOf(':')
  if (colon >= 0) {
    const from = parseOffset(spec.slice(0, colon))
    const rest = spec.slice(colon + 1)
    if (rest === '') return { from: { kind: 'offset', offset: from }, until: { kind: 'end' } }
    const until = parseOffset(rest)
    if (until < from) throw new OffsetSpecError(`"${spec}" ends before it starts`)
    return { from: { kind: 'offset', offset: from }, until: { kind: 'offset', offset: until } }
  }
  if (/^\d+$/.test(spec)) return { from: { kind: 'offset', offset: parseOffset(spec) } }
  throw new OffsetSpecError(`"${text}" is not an offset: use start, end, N, +N, -N, N:M or @<time>`)
}

// RFC 3339 times hold colons themselves, so try the whole text as one time first,
// then every colon as the range separator.
function parseTimeRange (text: string, now: number): OffsetRange {
  if (text === '') throw new OffsetSpecError('"@" needs a time after it, such as @-1h or @2026-01-02')
  let firstError: unknown
  try {
    return { from: { kind: 'time', ms: parseTime(text, now) } }
  } catch (err) {
    firstError = err
  }
  for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) {
    const left = text.slice(0, i)
    const right = text.slice(i + 1)
    let from: number
    try {
      from = parseTime(left, now)
    } catch {
      continue
    }
    if (right === '') return { from: { kind: 'time', ms: from }, until: { kind: 'time', ms: now } }
    let until: number
    try {
      until = parseTime(right, now)
    } catch {
      continue
    }
    if (until < from) throw new OffsetSpecError(`"@${text}" ends before it starts`)
    return { from: { kind: 'time', ms: from }, until: { kind: 'time', ms: until } }
  }
  throw firstError
}
