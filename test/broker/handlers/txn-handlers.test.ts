/* eslint-disable @typescript-eslint/no-explicit-any -- answers come back through the codec untyped (the API is chosen per call); tests read them field by field */
// The transaction API handlers over a real log, group coordinator and
// transaction coordinator, called through the codec at a given version.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultConfig } from '../../../src/config.js'
import { decodeBuffer, encodeToBuffer } from '../../../src/protocol/codec.js'
import { LogManager } from '../../../src/log/index.js'
import { GroupCoordinator } from '../../../src/broker/groups/index.js'
import { TransactionCoordinator } from '../../../src/broker/txn/index.js'
import { initProducerIdHandler } from '../../../src/broker/handlers/init-producer-id.js'
import { addPartitionsToTxnHandler } from '../../../src/broker/handlers/add-partitions-to-txn.js'
import { addOffsetsToTxnHandler } from '../../../src/broker/handlers/add-offsets-to-txn.js'
import { txnOffsetCommitHandler } from '../../../src/broker/handlers/txn-offset-commit.js'
import { endTxnHandler } from '../../../src/broker/handlers/end-txn.js'
import { describeProducersHandler } from '../../../src/broker/handlers/describe-producers.js'
import { describeTransactionsHandler } from '../../../src/broker/handlers/describe-transactions.js'
import { listTransactionsHandler } from '../../../src/broker/handlers/list-transactions.js'
import { txnHandlers } from '../../../src/broker/handlers/txn-handlers.js'
import type { Handler, RequestContext } from '../../../src/broker/handlers/types.js'
import type { BrokerServices } from '../../../src/broker/services.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { encodeBatch } from '../../../src/protocol/records/batch-codec.js'

describe('transaction handlers', () => {
  let dir: string
  let log: LogManager
  let groups: GroupCoordinator
  let txns: TransactionCoordinator
  let services: BrokerServices

  async function call (handler: Handler, version: number, request: object): Promise<any> {
    const { body } = decodeBuffer(handler.api.request, version, encodeToBuffer(handler.api.request, version, request))
    const ctx = { apiKey: handler.api.apiKey, apiVersion: version, correlationId: 1, clientId: 't', connectionId: 1, clientHost: '127.0.0.1:1', principal: 'User:ANONYMOUS', services } as RequestContext
    const response = await handler.handle(body, ctx)
    return decodeBuffer(handler.api.response, version, encodeToBuffer(handler.api.response, version, response as object)).body
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trib-txn-handlers-'))
    log = await LogManager.open(dir)
    await log.createTopic('out', 1)
    await log.createTopic('in', 1)
    groups = new GroupCoordinator({ dataDir: dir, nodeId: 1, initialRebalanceDelayMs: 0, topicPartitionExists: (t, p) => log.partition(t, p) !== undefined })
    await groups.open()
    txns = new TransactionCoordinator({ dir: join(dir, '__transactions'), log, groups: () => groups })
    await txns.open()
    services = { config: { ...defaultConfig, dataDir: dir }, log, groups, txns, handlers: new Map(), logger: { error () {} } } as unknown as BrokerServices
  })

  after(async () => {
    await txns.close()
    await groups.close()
    await log.close()
    await rm(dir, { recursive: true, force: true })
  })

  test('every transaction API is registered once', () => {
    assert.deepEqual(txnHandlers.map(h => h.api.apiKey).sort((a, b) => a - b), [22, 24, 25, 26, 28, 61, 65, 66])
  })

  test('a fenced producer hears INVALID_PRODUCER_EPOCH before v2 and PRODUCER_FENCED from v2', async () => {
    const first = await call(initProducerIdHandler, 1, { transactionalId: 'fence', transactionTimeoutMs: 60_000 })
    assert.equal(first.errorCode, 0)
    await call(initProducerIdHandler, 4, { transactionalId: 'fence', transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })
    const add = (version: number) => call(addPartitionsToTxnHandler, version, {
      v3AndBelowTransactionalId: 'fence',
      v3AndBelowProducerId: first.producerId,
      v3AndBelowProducerEpoch: first.producerEpoch,
      v3AndBelowTopics: [{ name: 'out', partitions: [0] }]
    })
    assert.equal((await add(1)).resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, ErrorCode.INVALID_PRODUCER_EPOCH)
    assert.equal((await add(3)).resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, ErrorCode.PRODUCER_FENCED)
    const retried = await call(initProducerIdHandler, 3, { transactionalId: 'fence', transactionTimeoutMs: 60_000, producerId: first.producerId, producerEpoch: first.producerEpoch })
    assert.equal(retried.producerEpoch, first.producerEpoch + 1, 'a retry with the previous epoch gets the same answer again')
    await call(initProducerIdHandler, 4, { transactionalId: 'fence', transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })
    const stale = await call(initProducerIdHandler, 3, { transactionalId: 'fence', transactionTimeoutMs: 60_000, producerId: first.producerId, producerEpoch: first.producerEpoch })
    assert.equal(stale.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH)
    const staleV4 = await call(initProducerIdHandler, 4, { transactionalId: 'fence', transactionTimeoutMs: 60_000, producerId: first.producerId, producerEpoch: first.producerEpoch })
    assert.equal(staleV4.errorCode, ErrorCode.PRODUCER_FENCED)
  })

  test('an unknown partition fails alone and the others of the request are not attempted', async () => {
    const p = await call(initProducerIdHandler, 2, { transactionalId: 'unknown', transactionTimeoutMs: 60_000 })
    const r = await call(addPartitionsToTxnHandler, 2, {
      v3AndBelowTransactionalId: 'unknown',
      v3AndBelowProducerId: p.producerId,
      v3AndBelowProducerEpoch: p.producerEpoch,
      v3AndBelowTopics: [{ name: 'out', partitions: [0] }, { name: 'nope', partitions: [0] }]
    })
    assert.deepEqual(r.resultsByTopicV3AndBelow.map((t: any) => t.resultsByPartition[0].partitionErrorCode), [ErrorCode.OPERATION_NOT_ATTEMPTED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
  })

  test('offsets committed in a transaction reach the group on commit, and not before', async () => {
    const p = await call(initProducerIdHandler, 1, { transactionalId: 'ctp', transactionTimeoutMs: 60_000 })
    const ids = { transactionalId: 'ctp', producerId: p.producerId, producerEpoch: p.producerEpoch }
    assert.equal((await call(addPartitionsToTxnHandler, 1, { v3AndBelowTransactionalId: 'ctp', v3AndBelowProducerId: p.producerId, v3AndBelowProducerEpoch: p.producerEpoch, v3AndBelowTopics: [{ name: 'out', partitions: [0] }] })).resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, 0)
    await log.partition('out', 0)!.append(encodeBatch([{ value: 'x' }], { producerId: Number(p.producerId), producerEpoch: p.producerEpoch, baseSequence: 0, transactional: true }))
    assert.equal((await call(addOffsetsToTxnHandler, 1, { ...ids, groupId: 'g' })).errorCode, 0)
    const committed = await call(txnOffsetCommitHandler, 2, { ...ids, groupId: 'g', topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: '' }] }] })
    assert.equal(committed.topics[0].partitions[0].errorCode, 0)
    assert.equal(groups.fetchOffsets('g', [{ name: 'in', partitionIndexes: [0] }]).topics[0]!.partitions[0]!.committedOffset, -1n)
    const producers = await call(describeProducersHandler, 0, { topics: [{ name: 'out', partitionIndexes: [0] }] })
    assert.deepEqual(producers.topics[0].partitions[0].activeProducers.map((a: any) => [a.producerId, a.lastSequence, a.currentTxnStartOffset]), [[p.producerId, 0, 0n]])
    const described = await call(describeTransactionsHandler, 0, { transactionalIds: ['ctp'] })
    assert.equal(described.transactionStates[0].transactionState, 'Ongoing')
    const listed = await call(listTransactionsHandler, 1, { stateFilters: ['Ongoing'], producerIdFilters: [], durationFilter: -1n })
    assert.deepEqual(listed.transactionStates.map((t: any) => t.transactionalId), ['ctp'])
    assert.equal((await call(endTxnHandler, 1, { ...ids, committed: true })).errorCode, 0)
    assert.equal(groups.fetchOffsets('g', [{ name: 'in', partitionIndexes: [0] }]).topics[0]!.partitions[0]!.committedOffset, 5n)
  })
})
