// What the dispatcher cannot read in a bus topic: a batch whose records do not
// decode, or a record whose value is not a bus event (not JSON, too deeply
// nested, not an envelope). Kafka clients can write into a bus topic when the
// broker allows it, so such records are expected, not fatal: each is logged
// with its offset and reason and set aside in the bus's own dead-letter topic
// `__bus.dead-letter.<bus>` (created on first use), and delivery goes on after it.
// The bus's dead-letter topic rather than a target's DeadLetterConfig queue: no
// rule matched these records, and a target's queue is for events its target refused.
import type { Logger } from 'pino'
import { busDeadLetterTopic, type BusRecord, type BusStorage, type UnreadableBatch } from '../storage.js'
import { jsonTextTooDeep } from '../json-depth.js'
import type { EventEnvelope } from '../model.js'

export const UnreadableCode = {
  /** The batch's records do not decode (the value is the whole batch as stored). */
  batch: 'UnreadableBatch',
  /** The record decodes but its value is not a bus event (the value is the record's value). */
  notAnEvent: 'NotABusEvent',
} as const

export type ReadEnvelope = { ok: true, event: EventEnvelope, text: string } | { ok: false, reason: string }

/** A bus record's value as an event envelope, or why it is not one. */
export function readEnvelope (record: BusRecord): ReadEnvelope {
  if (record.value === null) return { ok: false, reason: 'the record has no value' }
  const text = record.value.toString('utf8')
  if (jsonTextTooDeep(text)) return { ok: false, reason: 'the value is JSON nested too deeply' }
  let event: unknown
  try {
    event = JSON.parse(text)
  } catch {
    return { ok: false, reason: 'the value is not JSON' }
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return { ok: false, reason: 'the value is not a JSON object' }
  const e = event as Record<string, unknown>
  for (const field of ['id', 'source', 'detail-type']) {
    if (typeof e[field] !== 'string') return { ok: false, reason: `the value has no string "${field}": not an event envelope` }
  }
  return { ok: true, event: event as EventEnvelope, text }
}

export interface SetAside {
  offset: number
  code: string
  reason: string
  key: Buffer | null
  value: Buffer
}

export function batchSetAside (batch: UnreadableBatch): SetAside {
  return { offset: batch.baseOffset, code: UnreadableCode.batch, reason: batch.reason, key: null, value: batch.bytes }
}

export function recordSetAside (record: BusRecord, reason: string): SetAside {
  return { offset: record.offset, code: UnreadableCode.notAnEvent, reason, key: record.key, value: record.value ?? Buffer.alloc(0) }
}

/** Logs each item and appends them (durably) to the bus's dead-letter topic. */
export async function setAside (storage: BusStorage, busName: string, sourceTopic: string, items: SetAside[], logger?: Logger): Promise<void> {
  if (items.length === 0) return
  const topic = busDeadLetterTopic(busName)
  for (const item of items) {
    logger?.warn({ bus: busName, topic: sourceTopic, offset: item.offset, reason: item.reason, deadLetterTopic: topic }, `skipping what cannot be read at ${sourceTopic} offset ${item.offset}: ${item.reason}`)
  }
  await storage.ensureTopic(topic)
  await storage.append(topic, items.map(item => ({
    key: item.key,
    value: item.value,
    headers: [
      { key: 'ERROR_CODE', value: item.code },
      { key: 'ERROR_MESSAGE', value: item.reason },
      { key: 'SOURCE_TOPIC', value: sourceTopic },
      { key: 'SOURCE_OFFSET', value: String(item.offset) },
    ],
  })))
}
