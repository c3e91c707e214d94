// The CloudEvents envelope in Kafka binary mode (CloudEvents Kafka protocol
// binding): the attributes travel as ce_* headers, datacontenttype as the
// content-type header, and the value is the data itself as JSON. A plain Kafka
// consumer reads the JSON value and finds the attributes in the headers; no
// SDK is needed to read what the SDK writes.
import type { RecordHeader } from '../../protocol/records/index.js'
import type { FetchedRecord } from '../../client/index.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'

export const CE_SPECVERSION = '1.0'
export const JSON_CONTENT_TYPE = 'application/json'

/** Headers the envelope owns; publish refuses user headers of these names. */
const RESERVED = /^(ce_.*|content-type)$/i

/** What a handler receives: the CloudEvents attributes, the data, and where the record lives. */
export interface StreamEvent<T = unknown> {
  specversion: string
  id: string
  source: string
  type: string
  /** RFC 3339 time the event was published. */
  time: string
  datacontenttype: string
  data: T
  /** The Kafka key (events with one key keep their order). */
  key: string | null
  /** The application's own headers (not the ce_* attributes). */
  headers: Record<string, string>
  topic: string
  partition: number
  offset: number
}

export interface EnvelopeInput {
  type: string
  source: string
  data: unknown
  headers?: Record<string, string> | undefined
}

/** JSON bytes for `data`, or TRIB_ERR_NOT_SERIALISABLE naming why (a cycle, a BigInt, undefined, a function). */
export function serialiseData (type: string, data: unknown): Buffer {
  let text: string | undefined
  try {
    text = JSON.stringify(data)
  } catch (err) {
    throw new TributaryError(TributaryErrorCode.NOT_SERIALISABLE, `event "${type}": data cannot be written as JSON: ${(err as Error).message}`, { cause: err })
  }
  if (text === undefined) throw new TributaryError(TributaryErrorCode.NOT_SERIALISABLE, `event "${type}": data cannot be written as JSON (it is ${typeof data})`)
  return Buffer.from(text)
}

/** The record headers of a new event: ce_* attributes first, then the application's headers. */
export function envelopeHeaders (input: EnvelopeInput, id: string, time: Date): RecordHeader[] {
  const headers: RecordHeader[] = [
    { key: 'ce_specversion', value: Buffer.from(CE_SPECVERSION) },
    { key: 'ce_id', value: Buffer.from(id) },
    { key: 'ce_source', value: Buffer.from(input.source) },
    { key: 'ce_type', value: Buffer.from(input.type) },
    { key: 'ce_time', value: Buffer.from(time.toISOString()) },
    { key: 'content-type', value: Buffer.from(JSON_CONTENT_TYPE) }
  ]
  for (const [key, value] of Object.entries(input.headers ?? {})) {
    if (RESERVED.test(key)) throw new TributaryError(TributaryErrorCode.STREAM_OPTIONS, `header "${key}" is part of the CloudEvents envelope; pick another name`)
    if (typeof value !== 'string') throw new TributaryError(TributaryErrorCode.NOT_SERIALISABLE, `header "${key}" must be a string, got ${typeof value}`)
    headers.push({ key, value: Buffer.from(value) })
  }
  return headers
}

function headerText (headers: RecordHeader[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const h of headers) out.set(h.key, h.value === null ? '' : Buffer.from(h.value).toString('utf8'))
  return out
}

/**
 * The event a record carries. Records written without the SDK (a plain Kafka
 * producer) still read: the id, source and time come from where the record is.
 * A value that is not JSON throws: that event cannot be handed to a handler.
 */
export function decodeEvent (record: FetchedRecord, fallbackType: string): StreamEvent {
  const all = headerText(record.headers)
  const headers: Record<string, string> = {}
  for (const [key, value] of all) if (!RESERVED.test(key)) headers[key] = value
  const contentType = all.get('content-type') ?? JSON_CONTENT_TYPE
  let data: unknown = null
  if (record.value !== null) {
    try {
      data = JSON.parse(record.value.toString('utf8'))
    } catch (err) {
      throw new TributaryError(TributaryErrorCode.INVALID_EVENT, `${record.topic}/${record.partition}@${record.offset}: the value is not JSON (${(err as Error).message})`, { cause: err })
    }
  }
  return {
    specversion: all.get('ce_specversion') ?? CE_SPECVERSION,
    id: all.get('ce_id') ?? `${record.topic}-${record.partition}-${record.offset}`,
    source: all.get('ce_source') ?? `kafka:${record.topic}`,
    type: all.get('ce_type') ?? fallbackType,
    time: all.get('ce_time') ?? new Date(record.timestamp).toISOString(),
    datacontenttype: contentType,
    data,
    key: record.key === null ? null : record.key.toString('utf8'),
    headers,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset
  }
}
