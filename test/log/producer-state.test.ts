/* eslint-disable @typescript-eslint/no-explicit-any -- assert.throws/rejects validators read the thrown error's code fields */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { PartitionLog } from '../../src/log/partition-log.js'
import type { PartitionContext } from '../../src/log/partition-log.js'
import { resolveTopicConfigs } from '../../src/log/config.js'
import { realFs } from '../../src/log/fs.js'
import { ProducerStateManager, lastSequenceOf } from '../../src/log/producer-state.js'
import { encodeBatch, decodeBatch } from '../../src/protocol/records/batch-codec.js'
import { tempDir } from './helpers.js'

interface Opts { pid?: number, epoch?: number, seq?: number, count?: number, txn?: boolean, tag?: string }

function pbatch ({ pid = 7, epoch = 0, seq = 0, count = 1, txn = false, tag = 'v' }: Opts = {}): Buffer {
  return encodeBatch(Array.from({ length: count }, (_, i) => ({ value: `${tag}-${seq + i}`, timestamp: 1000 + i })),
    { producerId: pid, producerEpoch: epoch, baseSequence: seq, transactional: txn })
}

async function openLog (dir?: string, now: () => number = Date.now): Promise<{ log: PartitionLog, dir: string }> {
  const d = dir ?? join(await tempDir(), 't-0')
  const resolved = resolveTopicConfigs({}, {})
  const ctx: PartitionContext = { fs: realFs, topic: 't', partition: 0, dir: d, config: () => resolved, fsyncOnAcksAll: true, now, validator: () => undefined }
  return { log: await PartitionLog.open(ctx), dir: d }
}

function valuesIn (chunks: Buffer[]): string[] {
  const out: string[] = []
  for (const c of chunks) {
    let pos = 0
    while (pos < c.length) {
      const d = decodeBatch(c, pos)
      if ((d.header.attributes & 0x20) === 0) out.push(...d.records.map(r => r.value!.toString()))
      pos += d.header.batchLength + 12
    }
  }
  return out
}

async function expectKafkaCode (p: Promise<unknown>, code: number): Promise<void> {
  await assert.rejects(p, (err: any) => { assert.equal(err.kafkaCode, code, err.message); return true })
}

test('a retried batch is answered with its original offsets and written only once', async () => {
  const { log } = await openLog()
  const first = await log.append(pbatch({ seq: 0, count: 3 }))
  await log.append(pbatch({ seq: 3, count: 2 }))
  const retry = await log.append(pbatch({ seq: 0, count: 3 }))
  assert.equal(retry.baseOffset, first.baseOffset)
  assert.equal(retry.lastOffset, first.lastOffset)
  assert.equal(log.logEndOffset, 5)
  await log.close()
})

test('a retry of a batch still queued waits for its offsets instead of being written again', async () => {
  const { log } = await openLog()
  const [a, b] = await Promise.all([log.append(pbatch({ seq: 0, count: 2 })), log.append(pbatch({ seq: 0, count: 2 }))])
  assert.deepEqual([a.baseOffset, a.lastOffset], [b.baseOffset, b.lastOffset])
  assert.equal(log.logEndOffset, 2)
  await log.close()
})

test('a gap in sequences is OUT_OF_ORDER_SEQUENCE_NUMBER and an old epoch INVALID_PRODUCER_EPOCH', async () => {
  const { log } = await openLog()
  await log.append(pbatch({ epoch: 1, seq: 0 }))
  await expectKafkaCode(log.append(pbatch({ epoch: 1, seq: 2 })), 45)
  await expectKafkaCode(log.append(pbatch({ epoch: 0, seq: 1 })), 47)
  await expectKafkaCode(log.append(pbatch({ epoch: 2, seq: 5 })), 45)
  await log.append(pbatch({ epoch: 2, seq: 0 }))
  assert.equal(log.logEndOffset, 2)
  await log.close()
})

test('an old sequence no longer among the last 5 batches is DUPLICATE_SEQUENCE_NUMBER, not a new write', async () => {
  const { log } = await openLog()
  for (let seq = 0; seq < 7; seq++) await log.append(pbatch({ seq }))
  await expectKafkaCode(log.append(pbatch({ seq: 0 })), 46)
  assert.equal((await log.append(pbatch({ seq: 6 }))).baseOffset, 6)
  assert.equal(log.logEndOffset, 7)
  await log.close()
})

test('sequences wrap from Int32 max to 0', () => {
  assert.equal(lastSequenceOf(0x7fffffff, 0), 0x7fffffff)
  assert.equal(lastSequenceOf(0x7ffffffe, 3), 1)
})

test('an open transaction holds the last stable offset and read_committed stops there', async () => {
  const { log } = await openLog()
  await log.append(pbatch({ pid: 1, seq: 0, tag: 'plain' }))
  await log.append(pbatch({ pid: 2, seq: 0, txn: true, tag: 'txn' }))
  await log.append(pbatch({ pid: 1, seq: 1, tag: 'after' }))
  assert.equal(log.lastStableOffset, 1)
  const committed = await log.read(0, 1 << 20, { isolation: 'read_committed' })
  assert.deepEqual(valuesIn(committed.chunks), ['plain-0'])
  const all = await log.read(0, 1 << 20, { isolation: 'read_uncommitted' })
  assert.deepEqual(valuesIn(all.chunks), ['plain-0', 'txn-0', 'after-1'])
  await log.appendTxnMarker(2, 0, true)
  assert.equal(log.lastStableOffset, 4)
  const later = await log.read(0, 1 << 20, { isolation: 'read_committed' })
  assert.deepEqual(valuesIn(later.chunks), ['plain-0', 'txn-0', 'after-1'])
  assert.deepEqual(later.abortedTransactions, [])
  await log.close()
})

test('an aborted transaction is listed for read_committed fetches that overlap it', async () => {
  const { log } = await openLog()
  await log.append(pbatch({ pid: 3, seq: 0, count: 2, txn: true }))
  await log.appendTxnMarker(3, 0, false)
  await log.append(pbatch({ pid: 4, seq: 0 }))
  const read = await log.read(0, 1 << 20, { isolation: 'read_committed' })
  assert.deepEqual(read.abortedTransactions, [{ producerId: 3, firstOffset: 0 }])
  const past = await log.read(3, 1 << 20, { isolation: 'read_committed' })
  assert.deepEqual(past.abortedTransactions, [])
  await log.close()
})

test('clients may not write control batches', async () => {
  const { log } = await openLog()
  const control = encodeBatch([{ key: Buffer.alloc(4), value: Buffer.alloc(6) }], { producerId: 1, producerEpoch: 0, control: true, transactional: true })
  await expectKafkaCode(log.append(control), 87)
  await log.close()
})

test('producer state survives a clean close through its snapshot and is rebuilt from the log after a crash', async () => {
  const { log, dir } = await openLog()
  await log.append(pbatch({ pid: 9, seq: 0, count: 2 }))
  await log.append(pbatch({ pid: 10, seq: 0, txn: true }))
  await log.close()
  const reopened = (await openLog(dir)).log
  assert.equal((await reopened.append(pbatch({ pid: 9, seq: 0, count: 2 }))).baseOffset, 0)
  assert.equal(reopened.lastStableOffset, 2)
  await reopened.append(pbatch({ pid: 9, seq: 2 }))
  await reopened.appendTxnMarker(10, 0, false)
  await reopened.flushed(reopened.logEndOffset - 1)
  // a crash: the files are left as they are, with no snapshot of the last appends
  const crashed = (await openLog(dir)).log
  assert.equal((await crashed.append(pbatch({ pid: 9, seq: 2 }))).baseOffset, 3)
  await expectKafkaCode(crashed.append(pbatch({ pid: 9, seq: 4 })), 45)
  assert.equal(crashed.lastStableOffset, crashed.logEndOffset)
  const read = await crashed.read(0, 1 << 20, { isolation: 'read_committed' })
  assert.deepEqual(read.abortedTransactions, [{ producerId: 10, firstOffset: 2 }])
  await crashed.close()
  await reopened.close().catch(() => {})
})

test('idle producers without an open transaction expire', () => {
  const state = new ProducerStateManager()
  const header = (pid: number, txn: boolean) => ({ baseOffset: pid, batchLength: 0, partitionLeaderEpoch: 0, magic: 2, crc: 0, attributes: txn ? 0x10 : 0, lastOffsetDelta: 0, baseTimestamp: 0, maxTimestamp: 100, producerId: pid, producerEpoch: 0, baseSequence: 0, recordCount: 1 })
  state.replay(header(1, false), null)
  state.replay(header(2, true), null)
  assert.equal(state.expire(150, 100), 0)
  assert.equal(state.expire(1000, 100), 1)
  assert.deepEqual([...state.producers.keys()], [2])
})

test('a fetch starting inside two aborted transactions lists each at its producer\'s first batch in the fetched range', async () => {
  const { log } = await openLog()
  await log.append(pbatch({ pid: 1, seq: 0, txn: true, tag: 'a' })) // 0
  await log.append(pbatch({ pid: 2, seq: 0, txn: true, tag: 'b' })) // 1
  await log.append(pbatch({ pid: 1, seq: 1, txn: true, tag: 'a' })) // 2
  await log.append(pbatch({ pid: 2, seq: 1, txn: true, tag: 'b' })) // 3
  await log.appendTxnMarker(2, 0, false) // 4
  await log.appendTxnMarker(1, 0, false) // 5
  const read = await log.read(2, 1 << 20, { isolation: 'read_committed' })
  assert.deepEqual(read.abortedTransactions, [{ producerId: 1, firstOffset: 2 }, { producerId: 2, firstOffset: 3 }])
  const fromMarkers = await log.read(4, 1 << 20, { isolation: 'read_committed' })
  assert.deepEqual(fromMarkers.abortedTransactions, [{ producerId: 2, firstOffset: 4 }, { producerId: 1, firstOffset: 5 }])
  await log.close()
})
