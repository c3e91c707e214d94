// PutEvents entries -> the event envelope targets receive. An entry that
// cannot become an event fails alone, with the ErrorCode AWS uses.
import { randomUUID } from 'node:crypto'
import type { EventEnvelope } from './model.js'
import { jsonTextTooDeep } from './json-depth.js'

export interface PutEventsEntry {
  Source?: unknown
  DetailType?: unknown
  Detail?: unknown
  Time?: unknown
  Resources?: unknown
  EventBusName?: unknown
  TraceHeader?: unknown
}

export type EntryOutcome =
  | { ok: true, event: EventEnvelope, text: string }
  | { ok: false, errorCode: string, errorMessage: string }

const requiredField = (name: string): EntryOutcome => ({
  ok: false,
  errorCode: 'InvalidArgument',
  errorMessage: `Parameter ${name} is not valid. Reason: ${name} is a required argument.`,
})

/** Bytes an entry counts against the size limit, as AWS counts them. */
export function entrySize (entry: PutEventsEntry): number {
  let size = entry.Time !== undefined && entry.Time !== null ? 14 : 0
  if (typeof entry.Source === 'string') size += Buffer.byteLength(entry.Source)
  if (typeof entry.DetailType === 'string') size += Buffer.byteLength(entry.DetailType)
  if (typeof entry.Detail === 'string') size += Buffer.byteLength(entry.Detail)
  if (Array.isArray(entry.Resources)) for (const r of entry.Resources) if (typeof r === 'string') size += Buffer.byteLength(r)
  return size
}

/** The last second formatted: a call's entries (and a busy second's calls) share one `time`. */
let lastSecond = Number.NaN
let lastSecondText = ''

/** ISO 8601 to the second, as EventBridge writes `time`. */
export function formatEventTime (ms: number): string {
  const second = Math.floor(ms / 1000)
  if (second !== lastSecond) {
    lastSecondText = new Date(second * 1000).toISOString().replace('.000Z', 'Z')
    lastSecond = second
  }
  return lastSecondText
}

/** Largest distance from the epoch a Date holds (ms); past it toISOString throws. */
const MAX_DATE_MS = 8.64e15

/** The SDKs send Time as epoch seconds; a string is taken as an ISO date. */
function parseTime (value: unknown, now: number): number | null {
  if (value === undefined || value === null) return now
  if (typeof value === 'number' && Number.isFinite(value)) return Math.abs(value * 1000) <= MAX_DATE_MS ? value * 1000 : null
  if (typeof value === 'string') {
    const ms = Date.parse(value)
    return Number.isNaN(ms) ? null : ms
  }
  return null
}

/** `depthChecked`: the caller has already refused a Detail nested too deeply (PutEvents checks every entry first). */
export function buildEnvelope (entry: PutEventsEntry, account: string, region: string, now = Date.now(), depthChecked = false): EntryOutcome {
  if (typeof entry.Source !== 'string' || entry.Source === '') return requiredField('Source')
  if (typeof entry.DetailType !== 'string' || entry.DetailType === '') return requiredField('DetailType')
  if (typeof entry.Detail !== 'string' || entry.Detail === '') return requiredField('Detail')
  let detail: unknown
  try {
    // Too deep to serialise again safely: as malformed as text that does not parse.
    detail = !depthChecked && jsonTextTooDeep(entry.Detail) ? undefined : JSON.parse(entry.Detail)
  } catch {
    detail = undefined
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
    return { ok: false, errorCode: 'MalformedDetail', errorMessage: 'Detail is malformed.' }
  }
  const time = parseTime(entry.Time, now)
  if (time === null) return { ok: false, errorCode: 'InvalidArgument', errorMessage: 'Parameter Time is not valid.' }
  let resources: string[] = []
  if (entry.Resources !== undefined && entry.Resources !== null) {
    if (!Array.isArray(entry.Resources) || entry.Resources.some(r => typeof r !== 'string')) {
      return { ok: false, errorCode: 'InvalidArgument', errorMessage: 'Parameter Resources is not valid.' }
    }
    resources = entry.Resources as string[]
  }
  const event: EventEnvelope = {
    version: '0',
    id: randomUUID(),
    'detail-type': entry.DetailType,
    source: entry.Source,
    account,
    time: formatEventTime(time),
    region,
    resources,
    detail,
  }
  return { ok: true, event, text: envelopeText(event, entry.Detail) }
}

/**
 * The envelope as JSON, with the Detail text the caller sent in place of `detail` re-serialised: it
 * was just parsed as a JSON object, so it is valid JSON as it stands, and serialising a ~1 KB detail
 * again cost more than the rest of building the event. Parsed, it is the same event (numbers keep
 * the digits the caller wrote). Text with a lone surrogate is serialised instead, as JSON.stringify
 * escapes it where UTF-8 would not hold it.
 */
const LONE_SURROGATE = /\p{Surrogate}/u

function envelopeText (event: EventEnvelope, detailText: string): string {
  const detail = LONE_SURROGATE.test(detailText) ? JSON.stringify(event.detail) : detailText
  return `{"version":"0","id":"${event.id}","detail-type":${JSON.stringify(event['detail-type'])},"source":${JSON.stringify(event.source)},` +
    `"account":${JSON.stringify(event.account)},"time":"${event.time}","region":${JSON.stringify(event.region)},"resources":${JSON.stringify(event.resources)},"detail":${detail}}`
}
