// TestEventPattern: does this pattern match this event? The event must be an
// EventBridge event (id, account, source, time, region, detail-type present).
import { BusApiError, BusErrorType, validationError } from '../errors.js'
import { InvalidEventPatternError, matchesPattern, parsePattern } from '../pattern/index.js'
import { Checks } from '../validate.js'
import type { ActionHandler } from './common.js'
import { jsonTextTooDeep } from '../json-depth.js'
import { isObject, requiredString } from '../fields.js'

const REQUIRED_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type']

export const testEventPattern: ActionHandler = async (_bus, input) => {
  const checks = new Checks()
  checks.string(input.EventPattern, 'eventPattern', { required: true, max: 4096 })
  checks.string(input.Event, 'event', { required: true })
  checks.done()
  // Matching walks the event recursively: refuse what nests too deeply before parsing it.
  if (jsonTextTooDeep(requiredString(input, 'Event'))) throw validationError('Parameter Event is not valid.')
  let event: unknown
  try {
    event = JSON.parse(requiredString(input, 'Event'))
  } catch {
    throw validationError('Parameter Event is not valid.')
  }
  if (!isObject(event)) throw validationError('Parameter Event is not valid.')
  for (const field of REQUIRED_EVENT_FIELDS) {
    if (event[field] === undefined) throw validationError('Parameter Event is not valid.')
  }
  let pattern
  try {
    pattern = parsePattern(requiredString(input, 'EventPattern'))
  } catch (err) {
    if (err instanceof InvalidEventPatternError) throw new BusApiError(BusErrorType.invalidPattern, err.message)
    throw err
  }
  return { Result: matchesPattern(pattern, event) }
}
