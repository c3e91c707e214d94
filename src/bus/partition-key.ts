// Which key spreads a bus's events over the partitions of its topic (cluster
// mode; an embedded bus topic has one partition, so there it changes nothing).
// Events with the same key land in the same partition, so one worker delivers
// them, in the order they were accepted. The default, the event's source, keeps
// each source's events in order; a key with more distinct values (a detail
// field such as a customer id) spreads a bus fed by few sources over more workers.
import { TributaryError, TributaryErrorCode } from '../errors.js'
import type { EventEnvelope } from './model.js'
import { evaluateJsonPath, parseJsonPath } from './targets/json-path.js'

export type PartitionKeyOf = (event: EventEnvelope) => string

export const PARTITION_KEY_FIELDS = ['source', 'detail-type', 'account'] as const

/**
 * `source`, `detail-type`, `account`, or a JSONPath into the event without
 * wildcards (`$.detail.customer.id`). An event the path finds nothing in goes by
 * its source; a value that is not a string is keyed by its JSON text.
 */
export function parsePartitionKey (spec: string): PartitionKeyOf {
  if ((PARTITION_KEY_FIELDS as readonly string[]).includes(spec)) {
    const field = spec as typeof PARTITION_KEY_FIELDS[number]
    return event => event[field]
  }
  const steps = spec.startsWith('$') ? parseJsonPath(spec) : null
  if (steps === null || steps.length === 0 || steps.some(s => s.kind === 'wildcard')) {
    throw new TributaryError(TributaryErrorCode.CONFIG,
      `partition key "${spec}" is not one of ${PARTITION_KEY_FIELDS.join(', ')} nor a JSONPath into the event without wildcards (such as $.detail.customerId)`)
  }
  return event => {
    const value = evaluateJsonPath(steps, event)
    if (value === undefined || value === null) return event.source
    return typeof value === 'string' ? value : JSON.stringify(value)
  }
}
