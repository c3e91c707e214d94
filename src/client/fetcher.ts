// Fetching records: one Fetch for many partitions, record batches decoded
// (decompressed) into records, control batches dropped, and under read_committed
// the records of aborted transactions dropped using the response's
// abortedTransactions list, as Kafka's consumer does.
import { fetchApi } from '../protocol/messages/fetch.js'
import { decodeBatch, isControl, isTransactional, peekBatchSize, verifyBatchCrc, type RecordHeader } from '../protocol/records/index.js'
import type { KafkaClient } from './client.js'
import { IsolationLevel } from './admin-topics.js'

export interface FetchedRecord {
  topic: string
  partition: number
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}

export interface PartitionFetch {
  topic: string
  partition: number
  errorCode: number
  highWatermark: number
  lastStableOffset: number
  logStartOffset: number
  records: FetchedRecord[]
  /** Where the next fetch of this partition starts (past skipped control records too). */
  nextOffset: number
}

export interface FetchOptions {
  isolation?: number
  maxWaitMs?: number
  partitionMaxBytes?: number
}

// v13+ name topics by id; the names are what a tool has, so we stop at v12.
const FETCH_MAX_VERSION = 12

export class Fetcher {
  constructor (private readonly client: KafkaClient) {}

  async fetch (positions: Array<{ topic: string, partition: number, offset: number }>, options: FetchOptions = {}): Promise<PartitionFetch[]> {
    const isolation = options.isolation ?? IsolationLevel.readUncommitted
    const byTopic = new Map<string, Array<{ partition: number, fetchOffset: number, partitionMaxBytes: number }>>()
    for (const p of positions) {
      const list = byTopic.get(p.topic) ?? []
      list.push({ partition: p.partition, fetchOffset: p.offset, partitionMaxBytes: options.partitionMaxBytes ?? 1024 * 1024 })
      byTopic.set(p.topic, list)
    }
    const connection = await this.client.broker(-1)
    const { body } = await connection.request(fetchApi, {
      replicaId: -1,
      maxWaitMs: options.maxWaitMs ?? 500,
      minBytes: 1,
      maxBytes: 16 * 1024 * 1024,
      isolationLevel: isolation,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      forgottenTopicsData: [],
      rackId: ''
    }, { maxVersion: FETCH_MAX_VERSION })
    const requested = new Map(positions.map(p => [`${p.topic}\0${p.partition}`, p.offset]))
    const out: PartitionFetch[] = []
    for (const t of body.responses) {
      for (const p of t.partitions) {
        const from = requested.get(`${t.topic}\0${p.partitionIndex}`) ?? 0
        const aborted = isolation === IsolationLevel.readCommitted ? (p.abortedTransactions ?? []) : []
        const { records, nextOffset } = decodeRecordSet(t.topic, p.partitionIndex, p.records, from, aborted)
        out.push({
          topic: t.topic,
          partition: p.partitionIndex,
          errorCode: p.errorCode,
          highWatermark: Number(p.highWatermark),
          lastStableOffset: Number(p.lastStableOffset),
          logStartOffset: Number(p.logStartOffset),
          records,
          nextOffset
        })
      }
    }
    return out
  }
}

/**
 * Decodes the whole batches in `bytes` (a fetch may end in a partial batch,
 * which the next fetch returns whole). Records before `from` are dropped (a
 * batch can start before the fetch offset).
 */
export function decodeRecordSet (topic: string, partition: number, bytes: Buffer | null, from: number, abortedList: Array<{ producerId: bigint | number, firstOffset: bigint | number }>): { records: FetchedRecord[], nextOffset: number } {
  const records: FetchedRecord[] = []
  let nextOffset = from
  if (bytes === null) return { records, nextOffset }
  // Aborted transactions in offset order; a producer's transaction is open from
  // its first offset until its abort marker (a control batch) is passed.
  const pendingAborts = abortedList.map(a => ({ producerId: Number(a.producerId), firstOffset: Number(a.firstOffset) })).sort((a, b) => a.firstOffset - b.firstOffset)
  const abortingProducers = new Set<number>()
  let pos = 0
  while (pos < bytes.length) {
    const size = peekBatchSize(bytes, pos)
    if (size < 0 || pos + size > bytes.length) break
    verifyBatchCrc(bytes, pos, size)
    const { header, records: batchRecords } = decodeBatch(bytes, pos)
    pos += size
    const lastOffset = header.baseOffset + header.lastOffsetDelta
    nextOffset = Math.max(nextOffset, lastOffset + 1)
    while (pendingAborts.length > 0 && pendingAborts[0]!.firstOffset <= lastOffset) abortingProducers.add(pendingAborts.shift()!.producerId)
    if (isControl(header.attributes)) {
      // The marker ends the producer's transaction, aborted or committed.
      abortingProducers.delete(header.producerId)
      continue
    }
    if (isTransactional(header.attributes) && abortingProducers.has(header.producerId)) continue
    for (const r of batchRecords) {
      if (r.offset < from) continue
      records.push({ topic, partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers })
    }
  }
  return { records, nextOffset }
}
