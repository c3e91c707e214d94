// The one way tests read a partition back: every record from the log start to the
// high watermark, through the same read() a fetch uses, decoded batch by batch.
// Offsets must follow one another with no gap or repeat, so a test that compares
// values also catches a log that lost or doubled a batch.
import assert from 'node:assert/strict'
import { LogManager } from '../../src/log/index.js'
import type { PartitionLog } from '../../src/log/partition-log.js'
import { decodeBatch } from '../../src/protocol/records/batch-codec.js'
import { BATCH_LOG_OVERHEAD } from '../../src/protocol/records/batch-header.js'

export interface StoredRecord {
  readonly offset: number
  /** The batch's base offset, to tell which records were appended together. */
  readonly baseOffset: number
  readonly value: string | null
}

export async function readAllRecords (p: PartitionLog): Promise<StoredRecord[]> {
  const out: StoredRecord[] = []
  let offset = p.logStartOffset
  while (offset < p.highWatermark) {
    const before = offset
    const r = await p.read(offset, 1 << 20)
    for (const chunk of r.chunks) {
      for (let pos = 0; pos < chunk.length;) {
        const d = decodeBatch(chunk, pos)
        for (const rec of d.records) {
          if (rec.offset < offset) continue // the first batch may start before the offset asked for
          assert.equal(rec.offset, offset, 'offsets are contiguous')
          out.push({ offset: rec.offset, baseOffset: d.header.baseOffset, value: rec.value === null ? null : rec.value.toString() })
          offset++
        }
        pos += d.header.batchLength + BATCH_LOG_OVERHEAD
      }
    }
    assert.ok(offset > before, `read(${before}) below the high watermark ${p.highWatermark} returned no records`)
  }
  return out
}

/** The values of every record of a partition, in offset order. */
export async function allValues (source: LogManager | PartitionLog, topic = 't', partition = 0): Promise<string[]> {
  const p = source instanceof LogManager ? source.partition(topic, partition) : source
  assert.ok(p, `no partition ${topic}-${partition}`)
  return (await readAllRecords(p)).map(r => r.value ?? '')
}
