// Turns a parsed `-o` range into concrete offsets per partition, asking the broker
// (ListOffsets) for starts, ends and offsets by time. Offsets outside the log are
// clamped to it, as a user who says "-o 0" on a trimmed topic means "the start".
import { OffsetTime, IsolationLevel, type TopicAdmin } from '../client/index.js'
import type { Bound, OffsetRange } from './offset-spec.js'

export interface PartitionRange { partition: number, from: number, until: number | null }

export async function resolveRange (admin: TopicAdmin, topic: string, partitions: number[], range: OffsetRange, readCommitted = false): Promise<PartitionRange[]> {
  const isolation = readCommitted ? IsolationLevel.readCommitted : IsolationLevel.readUncommitted
  const starts = await admin.offsets(topic, partitions, OffsetTime.earliest)
  const ends = await admin.offsets(topic, partitions, OffsetTime.latest, isolation)
  const byTime = new Map<number, Map<number, { offset: number }>>()
  for (const bound of [range.from, range.until]) {
    if (bound?.kind === 'time' && !byTime.has(bound.ms)) byTime.set(bound.ms, await admin.offsets(topic, partitions, bound.ms))
  }
  return partitions.map(partition => {
    const start = starts.get(partition)?.offset ?? 0
    const end = ends.get(partition)?.offset ?? 0
    const at = (bound: Bound): number => {
      switch (bound.kind) {
        case 'start': return start
        case 'end': return end
        case 'offset': return Math.min(Math.max(bound.offset, start), end)
        case 'afterStart': return Math.min(start + bound.count, end)
        case 'beforeEnd': return Math.max(end - bound.count, start)
        case 'time': {
          // -1: no record at or after that time, so the answer is "the end".
          const found = byTime.get(bound.ms)?.get(partition)?.offset ?? -1
          return found < 0 ? end : Math.max(found, start)
        }
      }
    }
    const from = at(range.from)
    const until = range.until === undefined ? null : Math.max(at(range.until), from)
    return { partition, from, until }
  })
}
