// Small pieces the admin handlers share: turning a thrown error into the
// (errorCode, errorMessage) pair Kafka puts in a per-resource result, finding
// names a request repeats, and a topic's id in wire form.
import { ErrorCode } from '../../protocol/errors.js'
import { hasKafkaCode } from '../../errors.js'
import { wireTopicId, ZERO_UUID } from '../topic-name.js'
import type { RequestContext } from './types.js'

export interface ErrorPair {
  errorCode: number
  errorMessage: string | null
}

export const NO_ERROR: ErrorPair = Object.freeze({ errorCode: ErrorCode.NONE, errorMessage: null })

export function errorPair (code: number, message: string | null = null): ErrorPair {
  return { errorCode: code, errorMessage: message }
}

/**
 * A log engine error carries the Kafka code to answer with. Anything else is a
 * broker fault: it is logged and answered as UNKNOWN_SERVER_ERROR for that one
 * resource, so one bad topic does not close the client's connection.
 */
export function errorFromThrown (err: unknown, ctx: RequestContext, what: string): ErrorPair {
  if (hasKafkaCode(err)) return errorPair(err.kafkaCode, err.message)
  ctx.services.logger.error({ err, api: ctx.apiKey, resource: what }, 'admin request failed')
  return errorPair(ErrorCode.UNKNOWN_SERVER_ERROR, `Unexpected error on ${what}: ${(err as Error)?.message ?? String(err)}`)
}

/** Names that appear more than once in a request (Kafka answers those INVALID_REQUEST). */
export function repeatedNames (names: Iterable<string | null>): Set<string> {
  const seen = new Set<string>()
  const repeated = new Set<string>()
  for (const name of names) {
    if (name === null) continue
    if (seen.has(name)) repeated.add(name)
    else seen.add(name)
  }
  return repeated
}

/** The topic id of a TopicInfo as the wire wants it (32 hex digits). */
export function topicIdOf (topic: { topicId?: unknown } | undefined): string {
  const id = topic?.topicId
  if (typeof id === 'string' && id.length > 0) return wireTopicId(id)
  if (Buffer.isBuffer(id)) return id.toString('hex')
  return ZERO_UUID
}
