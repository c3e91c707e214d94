/* eslint-disable @typescript-eslint/no-explicit-any -- error validators read the thrown error's code fields; one test reaches a private method */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after } from 'node:test'
import { LogManager } from '../../../src/log/index.js'
import { TransactionCoordinator, TxnState } from '../../../src/broker/txn/index.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { encodeBatch } from '../../../src/protocol/records/batch-codec.js'
import { waitFor } from '../../helpers/wait.js'

async function setup (options: { now?: () => number, maxTimeoutMs?: number, checkIntervalMs?: number } = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'trib-txn-'))
  after(() => rm(dataDir, { recursive: true, force: true }))
  const log = await LogManager.open(dataDir)
  await log.createTopic('out', 2)
  const applied: Array<{ groupId: string, offsets: unknown[] }> = []
  const groups = { applyTxnOffsets: async (groupId: string, offsets: unknown[]) => { applied.push({ groupId, offsets }) } }
  const make = () => new TransactionCoordinator({ dir: join(dataDir, '__transactions'), log, groups: () => groups, checkIntervalMs: 3_600_000, ...options })
  const txns = make()
  await txns.open()
  return { dataDir, log, txns, applied, make }
}

function txnBatch (pid: number, epoch: number, seq: number, value: string): Buffer {
  return encodeBatch([{ value, timestamp: 1 }], { producerId: pid, producerEpoch: epoch, baseSequence: seq, transactional: true })
}

test('producer ids are unique, for idempotent producers and across a restart', async () => {
  const { txns, make } = await setup()
  const a = await txns.initProducerId(null, 0)
  const b = await txns.initProducerId(null, 0)
  assert.notEqual(a.producerId, b.producerId)
  await txns.close()
  const again = make()
  await again.open()
  const c = await again.initProducerId(null, 0)
  assert.ok(c.producerId > b.producerId)
  await again.close()
})

test('a second InitProducerId for a transactional id bumps the epoch and fences the first producer', async () => {
  const { txns } = await setup()
  const first = await txns.initProducerId('tx', 60_000)
  const second = await txns.initProducerId('tx', 60_000)
  assert.equal(second.producerId, first.producerId)
  assert.equal(second.producerEpoch, first.producerEpoch + 1)
  assert.equal(await txns.addPartitions('tx', first.producerId, first.producerEpoch, [{ topic: 'out', partition: 0 }]), ErrorCode.PRODUCER_FENCED)
  assert.equal(await txns.addPartitions('tx', first.producerId + 1000, 0, [{ topic: 'out', partition: 0 }]), ErrorCode.INVALID_PRODUCER_ID_MAPPING)
  await txns.close()
})

test('a timeout above the maximum is INVALID_TRANSACTION_TIMEOUT', async () => {
  const { txns } = await setup({ maxTimeoutMs: 1000 })
  assert.equal((await txns.initProducerId('tx', 5000)).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT)
  await txns.close()
})

test('commit writes a marker to every partition, releases the last stable offset and hands offsets to the group', async () => {
  const { txns, log, applied } = await setup()
  const { producerId: pid, producerEpoch: epoch } = await txns.initProducerId('tx', 60_000)
  assert.equal(await txns.addPartitions('tx', pid, epoch, [{ topic: 'out', partition: 0 }, { topic: 'out', partition: 1 }]), 0)
  assert.equal(txns.checkProduce('tx', 'out', 0, txnBatch(pid, epoch, 0, 'a')), 0)
  await log.partition('out', 0)!.append(txnBatch(pid, epoch, 0, 'a'))
  assert.equal(log.partition('out', 0)!.lastStableOffset, 0)
  assert.equal(await txns.addOffsets('tx', pid, epoch, 'g'), 0)
  assert.equal(await txns.stageOffsets('tx', pid, epoch, 'g', [{ topic: 'in', partition: 0, offset: '7', leaderEpoch: -1, metadata: '' }]), 0)
  assert.equal(applied.length, 0, 'staged offsets are not visible before the commit')
  assert.equal(await txns.endTxn('tx', pid, epoch, true), 0)
  assert.equal(log.partition('out', 0)!.lastStableOffset, 2)
  assert.equal(log.partition('out', 1)!.logEndOffset, 1, 'a marker also goes to a partition with no data')
  assert.equal(applied.length, 1)
  assert.equal(txns.txns.get('tx')!.state, TxnState.CompleteCommit)
  assert.equal(await txns.endTxn('tx', pid, epoch, true), 0, 'a retried commit is answered NONE')
  assert.equal(await txns.endTxn('tx', pid, epoch, false), ErrorCode.INVALID_TXN_STATE)
  await txns.close()
})

test('a produce outside the transaction or from an old epoch is refused', async () => {
  const { txns } = await setup()
  const { producerId: pid, producerEpoch: epoch } = await txns.initProducerId('tx', 60_000)
  assert.equal(txns.checkProduce('tx', 'out', 0, txnBatch(pid, epoch, 0, 'a')), ErrorCode.INVALID_TXN_STATE)
  await txns.addPartitions('tx', pid, epoch, [{ topic: 'out', partition: 0 }])
  assert.equal(txns.checkProduce('tx', 'out', 1, txnBatch(pid, epoch, 0, 'a')), ErrorCode.INVALID_TXN_STATE)
  assert.equal(txns.checkProduce('tx', 'out', 0, txnBatch(pid, epoch - 1, 0, 'a')), ErrorCode.INVALID_PRODUCER_EPOCH)
  assert.equal(txns.checkProduce('nobody', 'out', 0, txnBatch(pid, epoch, 0, 'a')), ErrorCode.INVALID_PRODUCER_ID_MAPPING)
  await txns.close()
})

test('a new producer with the same transactional id aborts the open transaction of the old one', async () => {
  const { txns, log, applied } = await setup()
  const old = await txns.initProducerId('tx', 60_000)
  await txns.addPartitions('tx', old.producerId, old.producerEpoch, [{ topic: 'out', partition: 0 }])
  await txns.addOffsets('tx', old.producerId, old.producerEpoch, 'g')
  await txns.stageOffsets('tx', old.producerId, old.producerEpoch, 'g', [{ topic: 'in', partition: 0, offset: '3', leaderEpoch: -1, metadata: '' }])
  await log.partition('out', 0)!.append(txnBatch(old.producerId, old.producerEpoch, 0, 'zombie'))
  const next = await txns.initProducerId('tx', 60_000)
  assert.ok(next.producerEpoch >= old.producerEpoch + 1)
  const read = await log.partition('out', 0)!.read(0, 1 << 20, { isolation: 'read_committed' })
  assert.deepEqual(read.abortedTransactions, [{ producerId: old.producerId, firstOffset: 0 }])
  assert.equal(applied.length, 0, 'the aborted transaction\'s offsets never reach the group')
  // the zombie's late write is refused by the partition too
  await assert.rejects(log.partition('out', 0)!.append(txnBatch(old.producerId, old.producerEpoch, 1, 'late')), (err: any) => err.kafkaCode === ErrorCode.INVALID_PRODUCER_EPOCH)
  await txns.close()
})

test('an open transaction past its timeout is aborted and its producer fenced', async () => {
  let now = 1_000_000
  const { txns: timed, log } = await setup({ now: () => now, checkIntervalMs: 5 })
  const p = await timed.initProducerId('tx', 1000)
  await timed.addPartitions('tx', p.producerId, p.producerEpoch, [{ topic: 'out', partition: 1 }])
  await log.partition('out', 1)!.append(txnBatch(p.producerId, p.producerEpoch, 0, 'slow'))
  now += 2000
  // the abort runs on the coordinator's own check timer: wait for it, however long the machine takes
  await waitFor(() => timed.txns.get('tx')!.state === TxnState.CompleteAbort, 'the timed-out transaction aborting', () => `state ${timed.txns.get('tx')!.state}`)
  assert.equal(log.partition('out', 1)!.lastStableOffset, log.partition('out', 1)!.logEndOffset)
  assert.equal(await timed.endTxn('tx', p.producerId, p.producerEpoch, true), ErrorCode.PRODUCER_FENCED)
  await timed.close()
})

test('a decision logged before a crash is completed when the coordinator opens again', async () => {
  const { txns, log, make } = await setup()
  const p = await txns.initProducerId('tx', 60_000)
  await txns.addPartitions('tx', p.producerId, p.producerEpoch, [{ topic: 'out', partition: 0 }])
  await log.partition('out', 0)!.append(txnBatch(p.producerId, p.producerEpoch, 0, 'x'))
  // log PrepareCommit and stop before any marker, as a crash would
  const meta = txns.txns.get('tx')!
  meta.state = TxnState.PrepareCommit
  await (txns as any).save(meta)
  await txns.close()
  assert.equal(log.partition('out', 0)!.lastStableOffset, 0)
  const reopened = make()
  await reopened.open()
  assert.equal(reopened.txns.get('tx')!.state, TxnState.CompleteCommit)
  assert.equal(log.partition('out', 0)!.lastStableOffset, 2)
  await reopened.close()
})

test('ListTransactions filters by state and reports unknown state names', async () => {
  const { txns } = await setup()
  await txns.initProducerId('a', 60_000)
  const b = await txns.initProducerId('b', 60_000)
  await txns.addPartitions('b', b.producerId, b.producerEpoch, [{ topic: 'out', partition: 0 }])
  const { listTransactions, describeTransactions } = await import('../../../src/broker/txn/index.js')
  const listed = listTransactions(txns.txns, ['Ongoing', 'Nope'], [], -1, Date.now())
  assert.deepEqual(listed.transactionStates.map(t => t.transactionalId), ['b'])
  assert.deepEqual(listed.unknownStateFilters, ['Nope'])
  const described = describeTransactions(txns.txns, ['b', 'zzz'])
  assert.deepEqual(described[0]!.topics, [{ topic: 'out', partitions: [0] }])
  assert.equal(described[1]!.errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)
  await txns.close()
})
