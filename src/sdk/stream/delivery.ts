// One record's way through a subscription: decode the envelope, check the
// schema and the pattern, call the handler up to `attempts` times with backoff
// between, and after the last failure park the record in the dead-letter topic
// with why. An event that cannot be decoded or fails its schema goes to the
// dead-letter topic at once: retrying cannot fix it.
import type { EventEmitter } from 'node:events'
import type { Clock } from '../../broker/groups/clock.js'
import type { FetchedRecord, Producer } from '../../client/index.js'
import type { RecordHeader } from '../../protocol/records/index.js'
import { matchesPattern, type CompiledPattern } from '../../bus/pattern/index.js'
import { decodeEvent, type StreamEvent } from './envelope.js'
import { validateEvent, type StandardSchemaV1 } from './standard-schema.js'
import { backoffDelay, waitOn, type RetryPolicy } from './retry.js'
import { runInTraceContext } from './trace.js'

/** What a handler receives: the event and which attempt this is (1 on first delivery). */
export type DeliveredEvent<T = unknown> = StreamEvent<T> & { attempt: number }
export type EventHandler<T = unknown> = (event: DeliveredEvent<T>) => unknown

/** Header names on a dead-lettered record, beside the original headers. */
export const DeadLetterHeader = {
  error: 'tributary-dlq-error',
  attempts: 'tributary-dlq-attempts',
  topic: 'tributary-dlq-original-topic',
  partition: 'tributary-dlq-original-partition',
  offset: 'tributary-dlq-original-offset',
  group: 'tributary-dlq-group'
} as const

export interface DeliveryContext {
  group: string
  handler: EventHandler
  policy: RetryPolicy
  clock: Clock
  /** Aborted by close(): a backoff wait ends and the event is left uncommitted (it comes again). */
  abort: AbortSignal
  events: EventEmitter
  /** Dead-letter topic for a source topic; null: failed events are skipped after the last attempt. */
  deadLetterTopic: (topic: string) => string | null
  /** Writes the dead-letter record (ensuring the topic exists). */
  producer: () => Promise<Producer>
  ensureTopic: (topic: string) => Promise<void>
  schemaFor: (type: string) => StandardSchemaV1 | undefined
  pattern: CompiledPattern | null
  typeOfTopic: (topic: string) => string
}

/** Resolves true when the record is finished (handled, filtered out or parked), false when abandoned by close(). */
export async function deliver (ctx: DeliveryContext, record: FetchedRecord): Promise<boolean> {
  // closing: a job queued behind its key never starts, so no later event of a key overtakes an abandoned one
  if (ctx.abort.aborted) return false
  let event: StreamEvent
  try {
    event = decodeEvent(record, ctx.typeOfTopic(record.topic))
    event.data = await validateEvent(ctx.schemaFor(event.type), event.type, event.data)
  } catch (err) {
    return await park(ctx, record, err, 0)
  }
  if (ctx.pattern !== null && !matchesPattern(ctx.pattern, event)) return true
  for (let attempt = 1; ; attempt++) {
    try {
      await runInTraceContext(record.headers, event.type, async () => { await ctx.handler({ ...event, attempt }) })
      return true
    } catch (err) {
      if (attempt >= ctx.policy.attempts) return await park(ctx, record, err, attempt)
      if (ctx.abort.aborted) return false
      const delayMs = backoffDelay(ctx.policy, attempt)
      const waited = waitOn(ctx.clock, delayMs, ctx.abort)
      ctx.events.emit('retry', { event, attempt, delayMs, error: err })
      await waited
      if (ctx.abort.aborted) return false
    }
  }
}

function errorText (err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}

async function park (ctx: DeliveryContext, record: FetchedRecord, err: unknown, attempts: number): Promise<boolean> {
  const topic = ctx.deadLetterTopic(record.topic)
  if (topic === null) {
    ctx.events.emit('dropped', { record, error: err, attempts })
    return true
  }
  const headers: RecordHeader[] = [
    ...record.headers.filter(h => !Object.values(DeadLetterHeader).includes(h.key as never)),
    { key: DeadLetterHeader.error, value: Buffer.from(errorText(err)) },
    { key: DeadLetterHeader.attempts, value: Buffer.from(String(attempts)) },
    { key: DeadLetterHeader.topic, value: Buffer.from(record.topic) },
    { key: DeadLetterHeader.partition, value: Buffer.from(String(record.partition)) },
    { key: DeadLetterHeader.offset, value: Buffer.from(String(record.offset)) },
    { key: DeadLetterHeader.group, value: Buffer.from(ctx.group) }
  ]
  // The event is committed only once it is safely parked: retry the write until it lands or close() gives up.
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.ensureTopic(topic)
      const producer = await ctx.producer()
      await producer.send(topic, [{ key: record.key, value: record.value, headers, timestamp: record.timestamp }])
      ctx.events.emit('dead-letter', { record, topic, error: err, attempts })
      return true
    } catch (writeError) {
      ctx.events.emit('dead-letter-failed', { record, topic, error: writeError })
      if (ctx.abort.aborted) return false
      await waitOn(ctx.clock, backoffDelay(ctx.policy, attempt), ctx.abort)
      if (ctx.abort.aborted) return false
    }
  }
}
