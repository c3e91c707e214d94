// A group's position per partition: committed offset, end offset, lag in
// messages and, from the log's own timestamps, in seconds (the age of the oldest
// record the group has not read yet). Used by `group describe` and `status`.
import { Fetcher, GroupAdmin, OffsetTime, TopicAdmin, type KafkaClient, type Assignment } from '../client/index.js'

export interface PartitionLag {
  topic: string
  partition: number
  /** null: nothing committed for this partition. */
  committed: number | null
  end: number
  /** end - committed; null when nothing is committed. */
  lag: number | null
  /** Seconds since the oldest unread record was written; 0 when caught up, null when unknown. */
  lagSeconds: number | null
}

export async function groupLag (client: KafkaClient, groupId: string, assigned: Assignment = {}, now = Date.now()): Promise<PartitionLag[]> {
  const committed = await new GroupAdmin(client).committed(groupId)
  const keys = new Map<string, { topic: string, partition: number, committed: number | null }>()
  for (const c of committed) keys.set(`${c.topic}\0${c.partition}`, { topic: c.topic, partition: c.partition, committed: c.offset })
  for (const [topic, partitions] of Object.entries(assigned)) {
    for (const partition of partitions) if (!keys.has(`${topic}\0${partition}`)) keys.set(`${topic}\0${partition}`, { topic, partition, committed: null })
  }
  const byTopic = new Map<string, number[]>()
  for (const k of keys.values()) byTopic.set(k.topic, [...(byTopic.get(k.topic) ?? []), k.partition])
  const admin = new TopicAdmin(client)
  const ends = new Map<string, number>()
  for (const [topic, partitions] of byTopic) {
    try {
      for (const [partition, o] of await admin.offsets(topic, partitions, OffsetTime.latest)) ends.set(`${topic}\0${partition}`, o.offset)
    } catch {
      // the topic was deleted after the group committed to it: no end to measure against
    }
  }
  const rows: PartitionLag[] = []
  const behind: PartitionLag[] = []
  for (const [key, k] of keys) {
    const end = ends.get(key)
    if (end === undefined) continue
    const lag = k.committed === null ? null : Math.max(end - k.committed, 0)
    const row: PartitionLag = { ...k, end, lag, lagSeconds: lag === 0 ? 0 : null }
    rows.push(row)
    if (lag !== null && lag > 0) behind.push(row)
  }
  if (behind.length > 0) {
    const fetched = await new Fetcher(client).fetch(behind.map(r => ({ topic: r.topic, partition: r.partition, offset: r.committed! })), { maxWaitMs: 0, partitionMaxBytes: 64 * 1024 })
    for (const f of fetched) {
      const row = behind.find(r => r.topic === f.topic && r.partition === f.partition)!
      const first = f.records[0]
      if (first !== undefined) row.lagSeconds = Math.max(0, Math.round((now - first.timestamp) / 1000))
    }
  }
  return rows.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
}
