/* eslint-disable @typescript-eslint/no-explicit-any -- answers read from the CLI's JSON output or decoded untyped from raw frames; tests check them field by field */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { produceHandler } from '../../../src/broker/handlers/produce.js'
import { encodeBatch } from '../../../src/protocol/records/batch-codec.js'
import { openHandlerContext as openAdminContext, type AdminContext } from '../../helpers/handler-context.js'

const TOPIC_AUTHORIZATION_FAILED = 29

function produce (admin: AdminContext, topic: string, value: string): Promise<any> {
  return admin.call(produceHandler, 8, {
    transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records: encodeBatch([{ value }]) }] }]
  })
}

describe('Produce into the event bus\'s topics', () => {
  let refusing: AdminContext
  let allowing: AdminContext

  before(async () => {
    refusing = await openAdminContext()
    allowing = await openAdminContext({ allowProduceToBusTopics: true })
    for (const admin of [refusing, allowing]) {
      await admin.log.createTopic('bus.orders', 1)
      await admin.log.createTopic('__bus.archive.a', 1)
    }
  })

  after(async () => {
    await refusing?.close()
    await allowing?.close()
  })

  test('is refused by default for bus.* and __bus* topics, and nothing is written', async () => {
    for (const topic of ['bus.orders', '__bus.archive.a']) {
      const answer = (await produce(refusing, topic, 'x')).responses[0].partitionResponses[0]
      assert.equal(answer.errorCode, TOPIC_AUTHORIZATION_FAILED, topic)
      assert.equal(refusing.log.partition(topic, 0)!.logEndOffset, 0)
    }
  })

  test('is accepted when the broker option allowProduceToBusTopics is set', async () => {
    const answer = (await produce(allowing, 'bus.orders', 'x')).responses[0].partitionResponses[0]
    assert.equal(answer.errorCode, 0)
    assert.equal(allowing.log.partition('bus.orders', 0)!.logEndOffset, 1)
  })
})
