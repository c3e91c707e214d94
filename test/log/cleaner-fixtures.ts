// Shared by the cleaner tests: keyed batches, a compacted topic on a small
// segment size, and reading a partition back record by record.
import { LogManager } from '../../src/log/log-manager.js'
import type { LogManagerOptions } from '../../src/log/log-manager.js'
import type { PartitionLog } from '../../src/log/partition-log.js'
import type { TopicConfigs } from '../../src/log/config.js'
import { decodeBatch, encodeBatch } from '../../src/protocol/records/batch-codec.js'
import type { EncodeBatchOptions } from '../../src/protocol/records/batch-codec.js'
import { BATCH_LOG_OVERHEAD, compressionOf, verifyBatchCrc } from '../../src/protocol/records/batch-header.js'
import type { BatchHeader } from '../../src/protocol/records/batch-header.js'

export type KV = [key: string | null, value: string | null]

export function keyed (records: KV[], options: EncodeBatchOptions & { timestamp?: number } = {}): Buffer {
  const ts = options.timestamp ?? Date.now()
  return encodeBatch(records.map(([key, value], i) => ({ key, value, timestamp: ts + i })), options)
}

export const COMPACTED: TopicConfigs = { 'cleanup.policy': 'compact', 'segment.bytes': '300', 'min.cleanable.dirty.ratio': '0.01' }

export async function openCompacted (dir: string, configs: TopicConfigs = {}, options: LogManagerOptions = {}, topic = 'c'): Promise<{ logs: LogManager, log: PartitionLog }> {
  const logs = await LogManager.open(dir, { logCleanerIntervalMs: 0, ...options })
  if (logs.topic(topic) === undefined) await logs.createTopic(topic, 1, { ...COMPACTED, ...configs })
  return { logs, log: logs.requirePartition(topic, 0) }
}

export interface ReadRecord { offset: number, key: string | null, value: string | null, timestamp: number }
export interface ReadBatch { header: BatchHeader, codec: number, records: ReadRecord[] }

/** Every batch from the log start to the high watermark, CRC-checked, in order. */
export async function readBatches (log: PartitionLog): Promise<ReadBatch[]> {
  const out: ReadBatch[] = []
  let next = log.logStartOffset
  while (next < log.highWatermark) {
    const r = await log.read(next, 1 << 20)
    if (r.chunks.length === 0) break
    for (const chunk of r.chunks) {
      let pos = 0
      while (pos < chunk.length) {
        const d = decodeBatch(chunk, pos)
        const size = d.header.batchLength + BATCH_LOG_OVERHEAD
        verifyBatchCrc(chunk, pos, size)
        pos += size
        const last = d.header.baseOffset + d.header.lastOffsetDelta
        if (last < next) continue
        out.push({
          header: d.header,
          codec: compressionOf(d.header.attributes),
          records: d.records.map(rec => ({ offset: rec.offset, key: rec.key?.toString() ?? null, value: rec.value?.toString() ?? null, timestamp: rec.timestamp })),
        })
        next = last + 1
      }
    }
  }
  return out
}

export async function readRecords (log: PartitionLog): Promise<ReadRecord[]> {
  return (await readBatches(log)).flatMap(b => b.records)
}

/** The latest value of each key, as a compacted topic promises it. */
export function latestByKey (records: ReadRecord[]): Map<string | null, ReadRecord> {
  const m = new Map<string | null, ReadRecord>()
  for (const r of records) m.set(r.key, r)
  return m
}
