import { test } from 'node:test'
import assert from 'node:assert/strict'
import { listOffsetsHandler } from '../../../src/broker/handlers/list-offsets.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { encodeBatch } from '../../../src/protocol/records/batch-codec.js'
import { openAdminContext } from '../../helpers/handler-context.js'

test('latest, earliest and by-timestamp lookups are answered in order, each for its own partition, in one request', async () => {
  const admin = await openAdminContext()
  try {
    await admin.log.createTopic('t', 3, {})
    for (let p = 0; p < 3; p++) {
      const log = admin.log.partition('t', p)!
      for (let i = 0; i <= p; i++) await log.append(encodeBatch([{ value: `v${i}`, timestamp: 1_000 + i * 10 }]))
    }
    await admin.log.partition('t', 2)!.deleteRecordsBefore(1)
    const res = await admin.call(listOffsetsHandler, 1, {
      replicaId: -1,
      topics: [{
        name: 't',
        partitions: [
          { partitionIndex: 0, timestamp: -1n },
          { partitionIndex: 2, timestamp: -2n },
          { partitionIndex: 2, timestamp: 1_015n },
          { partitionIndex: 1, timestamp: -1n },
          { partitionIndex: 9, timestamp: -1n },
        ],
      }],
    })
    const answers = res.topics[0].partitions.map((p: { partitionIndex: number, errorCode: number, offset: bigint }) => [p.partitionIndex, p.errorCode, p.offset])
    assert.deepEqual(answers, [[0, 0, 1n], [2, 0, 1n], [2, 0, 2n], [1, 0, 2n], [9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n]])
  } finally {
    await admin.close()
  }
})
