// What a test can look at without a client: the records a topic holds, read
// straight from the log engine, and the groups with their members and
// committed offsets, read from the group coordinator. Both go through the same
// components the Kafka APIs use; nothing here keeps a second copy.
import type { LogManager } from '../log/index.js'
import type { GroupCoordinator } from '../broker/groups/index.js'
import { decodeBatch } from '../protocol/records/batch-codec.js'
import { AttributeBits } from '../protocol/records/batch-header.js'
import { TributaryError, TributaryErrorCode } from './errors.js'

export interface StoredRecord {
  topic: string
  partition: number
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: Array<{ key: string, value: Buffer | null }>
  /** Written inside a transaction (committed or not: see `t.records(topic, { committed: true })`). */
  transactional: boolean
}

export interface RecordsOptions {
  /** Only this partition. */
  partition?: number
  /** Only what a read_committed consumer may see: stops at the last stable offset. Aborted records are still listed. */
  committed?: boolean
}

/** Every data record of `topic` (control markers left out), partition by partition in offset order. */
export async function readRecords (log: LogManager, topic: string, options: RecordsOptions = {}): Promise<StoredRecord[]> {
  const info = log.topic(topic)
  if (info === undefined) throw new TributaryError(TributaryErrorCode.EMBEDDED_OPTIONS, `unknown topic "${topic}"; topics are: ${log.topics().map(t => t.name).join(', ') || '(none)'}`)
  const out: StoredRecord[] = []
  for (let partition = 0; partition < info.partitions; partition++) {
    if (options.partition !== undefined && options.partition !== partition) continue
    const p = log.requirePartition(topic, partition)
    const end = options.committed === true ? p.lastStableOffset : p.highWatermark
    let offset = p.logStartOffset
    while (offset < end) {
      const read = await p.read(offset, 1 << 20)
      let next = offset
      for (const chunk of read.chunks) {
        for (let pos = 0; pos < chunk.length;) {
          const batch = decodeBatch(chunk, pos)
          pos += batch.header.batchLength + 12
          next = Math.max(next, batch.header.baseOffset + batch.header.lastOffsetDelta + 1)
          if ((batch.header.attributes & AttributeBits.control) !== 0) continue
          const transactional = (batch.header.attributes & AttributeBits.transactional) !== 0
          for (const r of batch.records) {
            if (r.offset < offset || r.offset >= end) continue
            out.push({ topic, partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers.map(h => ({ key: h.key, value: h.value })), transactional })
          }
        }
      }
      if (next === offset) break // nothing readable past here (a compaction gap ends at the high watermark)
      offset = next
    }
  }
  return out
}

export interface GroupView {
  groupId: string
  state: string
  protocolType: string
  /** The assignor the group chose ('range', 'cooperative-sticky', ...). */
  protocol: string
  members: Array<{ memberId: string, groupInstanceId: string | null, clientId: string, clientHost: string }>
  /** topic → partition → committed offset. */
  offsets: Record<string, Record<number, number>>
}

/** Every group the coordinator knows, with members and committed offsets. */
export function describeAllGroups (groups: GroupCoordinator): GroupView[] {
  const ids = groups.listGroups().groups.map(g => g.groupId).sort()
  return groups.describeGroups(ids).map(d => {
    const offsets: Record<string, Record<number, number>> = {}
    for (const t of groups.fetchOffsets(d.groupId, null).topics) {
      const byPartition: Record<number, number> = {}
      for (const p of t.partitions) byPartition[p.partitionIndex] = Number(p.committedOffset)
      offsets[t.name] = byPartition
    }
    return {
      groupId: d.groupId,
      state: d.groupState,
      protocolType: d.protocolType,
      protocol: d.protocolData,
      members: d.members.map(m => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost })),
      offsets,
    }
  })
}
