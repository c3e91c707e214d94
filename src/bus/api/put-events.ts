// PutEvents: 1-10 entries, answered entry by entry in request order. Accepted
// entries are appended to their bus's topic (one batch per bus) and fsynced
// before the answer; a failed entry does not fail the others.
import type { ActionHandler } from './common.js'
import { busNameFromParam } from '../arn.js'
import { validationError } from '../errors.js'
import { buildEnvelope, entrySize, type PutEventsEntry } from '../envelope.js'
import { Checks } from '../validate.js'
import type { EventEnvelope } from '../model.js'
import { requiredObjects } from '../fields.js'
import { jsonTextTooDeep, MAX_JSON_DEPTH } from '../json-depth.js'

type EntryResult = { EventId: string } | { ErrorCode: string, ErrorMessage: string }

export const putEvents: ActionHandler = async (bus, input) => {
  const checks = new Checks()
  checks.list(input.Entries, 'entries', { required: true, min: 1, max: 10 })
  checks.done()
  const entries: PutEventsEntry[] = requiredObjects(input, 'Entries')
  let total = 0
  for (const entry of entries) total += entrySize(entry ?? {})
  if (total > bus.maxEntryBytes) throw validationError('Total size of the entries in the request is over the limit.')
  // Before anything parses or re-serialises a Detail (JSON.stringify recurses).
  for (const entry of entries) {
    if (typeof entry?.Detail === 'string' && jsonTextTooDeep(entry.Detail)) {
      throw validationError(`Parameter Detail is not valid. Reason: JSON nesting depth exceeds the maximum of ${MAX_JSON_DEPTH}.`)
    }
  }

  const now = bus.clock.now()
  const results: EntryResult[] = new Array(entries.length)
  const perBus = new Map<string, Array<{ index: number, key: string, value: string, partitionKey: string, event: EventEnvelope }>>()
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] ?? {}
    const busName = busNameFromParam(typeof entry.EventBusName === 'string' ? entry.EventBusName : undefined)
    // Every Detail's depth was checked above: a bracket count of ~1 KB per entry is not done twice.
    const outcome = buildEnvelope(entry, bus.accountId, bus.region, now, true)
    if (!outcome.ok) {
      results[i] = { ErrorCode: outcome.errorCode, ErrorMessage: outcome.errorMessage }
      continue
    }
    if (!bus.catalog.buses.has(busName)) {
      // AWS accepts an event for a bus that does not exist and drops it: same answer
      // here, but said in the log, since a silent drop is hard to find.
      bus.logger?.warn({ bus: busName, eventId: outcome.event.id }, `PutEvents: event bus ${busName} does not exist; event ${outcome.event.id} dropped`)
      bus.stats.droppedNoBus++
      results[i] = { EventId: outcome.event.id }
      continue
    }
    let list = perBus.get(busName)
    if (!list) perBus.set(busName, list = [])
    // On a cluster's multi-partition bus topic: events with one key (by default one source) keep their order.
    list.push({ index: i, key: outcome.event.id, value: outcome.text, partitionKey: bus.partitionKeyOf(outcome.event), event: outcome.event })
  }

  await Promise.all([...perBus].map(async ([busName, list]) => {
    try {
      await bus.appendEvents(busName, list)
      for (const item of list) results[item.index] = { EventId: item.key }
    } catch (err) {
      bus.logger?.error({ err, bus: busName }, 'PutEvents append failed')
      for (const item of list) results[item.index] = { ErrorCode: 'InternalFailure', ErrorMessage: 'The event could not be stored.' }
    }
  }))
  let failed = 0
  for (const r of results) if ('ErrorCode' in r) failed++
  bus.stats.putEvents += entries.length - failed
  return { FailedEntryCount: failed, Entries: results }
}
