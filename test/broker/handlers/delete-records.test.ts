import { test, describe, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { deleteRecordsHandler } from '../../../src/broker/handlers/delete-records.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { encodeBatch } from '../../../src/protocol/records/batch-codec.js'
import { openAdminContext, type AdminContext } from '../../helpers/handler-context.js'

describe('DeleteRecords', () => {
  let admin: AdminContext
  beforeEach(async () => {
    admin = await openAdminContext()
    await admin.log.createTopic('t', 2, {})
    const p = admin.log.partition('t', 0)!
    for (let i = 0; i < 5; i++) {
      await p.append(encodeBatch([{ value: `a${i}` }, { value: `b${i}` }]), { durability: 'acksAll' })
    }
  })
  afterEach(async () => { await admin.close() })

  const request = (partitionIndex: number, offset: bigint, name = 't'): object =>
    ({ topics: [{ name, partitions: [{ partitionIndex, offset }] }], timeoutMs: 1000 })

  test('moves the log start offset and answers it as the low watermark; it survives a restart (v0)', async () => {
    const res = await admin.call(deleteRecordsHandler, 0, request(0, 4n))
    assert.deepEqual(res.topics, [{ name: 't', partitions: [{ partitionIndex: 0, lowWatermark: 4n, errorCode: 0 }] }])
    assert.equal(Number(admin.log.partition('t', 0)!.logStartOffset), 4)
    await admin.reopen()
    assert.equal(Number(admin.log.partition('t', 0)!.logStartOffset), 4)
  })

  test('offset -1 deletes up to the high watermark', async () => {
    const res = await admin.call(deleteRecordsHandler, 2, request(0, -1n))
    assert.equal(res.topics[0].partitions[0].errorCode, 0)
    assert.equal(res.topics[0].partitions[0].lowWatermark, 10n)
  })

  test('an offset below the log start offset changes nothing and answers the current one', async () => {
    await admin.call(deleteRecordsHandler, 1, request(0, 6n))
    const res = await admin.call(deleteRecordsHandler, 1, request(0, 2n))
    assert.equal(res.topics[0].partitions[0].errorCode, 0)
    assert.equal(res.topics[0].partitions[0].lowWatermark, 6n)
  })

  test('an offset above the high watermark, or negative, is OFFSET_OUT_OF_RANGE', async () => {
    const above = await admin.call(deleteRecordsHandler, 2, request(0, 11n))
    assert.equal(above.topics[0].partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE)
    const negative = await admin.call(deleteRecordsHandler, 2, request(0, -5n))
    assert.equal(negative.topics[0].partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE)
    assert.equal(Number(admin.log.partition('t', 0)!.logStartOffset), 0)
  })

  test('an unknown topic or partition is UNKNOWN_TOPIC_OR_PARTITION with low watermark -1', async () => {
    const res = await admin.call(deleteRecordsHandler, 2, {
      topics: [{ name: 'ghost', partitions: [{ partitionIndex: 0, offset: 0n }] }, { name: 't', partitions: [{ partitionIndex: 9, offset: 0n }] }],
      timeoutMs: 1000
    })
    for (const topic of res.topics) {
      assert.deepEqual(topic.partitions[0], { partitionIndex: topic.partitions[0].partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION })
    }
  })

  test('an empty partition accepts offset 0 and -1', async () => {
    const res = await admin.call(deleteRecordsHandler, 2, request(1, -1n))
    assert.deepEqual(res.topics[0].partitions[0], { partitionIndex: 1, lowWatermark: 0n, errorCode: 0 })
  })
})
