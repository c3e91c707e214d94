// Reading an event type's history again, outside any group: from an offset or
// a time, up to an offset, a time, or the end the log had when the replay
// started (so a replay of a busy topic ends). Nothing is committed.
import { Fetcher, OffsetTime, TopicAdmin, checkErrorCode, type KafkaClient } from '../../client/index.js'
import { ErrorCode } from '../../protocol/errors.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'
import { decodeEvent, type StreamEvent } from './envelope.js'
import { validateEvent, type StandardSchemaV1 } from './standard-schema.js'

export interface ReplayOptions {
  /** An offset (in every partition) or a time: the first event at or after it. */
  from: number | Date
  /** Stop before this offset, or after the last event at or before this time; default the end at the start of the replay. */
  to?: number | Date
}

function checkBound (name: string, value: unknown): void {
  const ok = value instanceof Date ? !Number.isNaN(value.getTime()) : Number.isInteger(value) && (value as number) >= 0
  if (!ok) throw new TributaryError(TributaryErrorCode.STREAM_OPTIONS, `replay: ${name} must be a non-negative integer offset or a valid Date, got ${String(value)}`)
}

export async function * replayEvents (client: KafkaClient, topic: string, type: string, schema: StandardSchemaV1 | undefined, options: ReplayOptions): AsyncGenerator<StreamEvent> {
  checkBound('from', options.from)
  if (options.to !== undefined) checkBound('to', options.to)
  const metadata = await client.metadata([topic])
  const found = metadata.topics[0]
  if (found === undefined || found.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) return
  const partitions = found.partitions.map(p => p.partition)
  const admin = new TopicAdmin(client)
  const ends = await admin.offsets(topic, partitions, OffsetTime.latest)
  const earliest = await admin.offsets(topic, partitions, OffsetTime.earliest)
  const starts = options.from instanceof Date ? await admin.offsets(topic, partitions, options.from.getTime()) : null
  const toOffset = typeof options.to === 'number' ? options.to : Infinity
  const toTime = options.to instanceof Date ? options.to.getTime() : Infinity
  const positions = new Map<number, { offset: number, end: number }>()
  for (const partition of partitions) {
    const end = Math.min(ends.get(partition)?.offset ?? 0, toOffset)
    const fromOffset = starts === null ? options.from as number : starts.get(partition)?.offset ?? -1
    const offset = Math.max(fromOffset < 0 ? end : fromOffset, earliest.get(partition)?.offset ?? 0)
    if (offset < end) positions.set(partition, { offset, end })
  }
  const fetcher = new Fetcher(client)
  while (positions.size > 0) {
    const fetched = await fetcher.fetch([...positions].map(([partition, p]) => ({ topic, partition, offset: p.offset })), { maxWaitMs: 0 })
    for (const answer of fetched) {
      const position = positions.get(answer.partition)
      if (position === undefined) continue
      checkErrorCode(answer.errorCode, `replay of ${topic}/${answer.partition}`)
      for (const record of answer.records) {
        if (record.offset >= position.end || record.timestamp > toTime) { positions.delete(answer.partition); break }
        const event = decodeEvent(record, type)
        event.data = await validateEvent(schema, event.type, event.data)
        yield event
      }
      if (positions.has(answer.partition)) {
        position.offset = Math.max(position.offset, answer.nextOffset)
        if (position.offset >= position.end) positions.delete(answer.partition)
      }
    }
  }
}
