import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ErrorCode, KafkaError, kafkaErrorByCode, kafkaErrorName } from '../../src/protocol/errors.js'

test('codes match the numbers Kafka puts on the wire', () => {
  assert.equal(KafkaError.UNKNOWN_SERVER_ERROR.code, -1)
  assert.equal(KafkaError.NONE.code, 0)
  assert.equal(KafkaError.UNKNOWN_TOPIC_OR_PARTITION.code, 3)
  assert.equal(KafkaError.MESSAGE_TOO_LARGE.code, 10)
  assert.equal(KafkaError.NOT_COORDINATOR.code, 16)
  assert.equal(KafkaError.REBALANCE_IN_PROGRESS.code, 27)
  assert.equal(KafkaError.UNSUPPORTED_VERSION.code, 35)
  assert.equal(KafkaError.TOPIC_ALREADY_EXISTS.code, 36)
  assert.equal(KafkaError.INVALID_PRODUCER_EPOCH.code, 47)
  assert.equal(KafkaError.MEMBER_ID_REQUIRED.code, 79)
  assert.equal(KafkaError.FENCED_INSTANCE_ID.code, 82)
  assert.equal(KafkaError.UNKNOWN_TOPIC_ID.code, 100)
  assert.equal(ErrorCode.INVALID_TXN_STATE, 48)
})

test('codes are unique and every name matches its key', () => {
  const seen = new Set<number>()
  for (const [key, e] of Object.entries(KafkaError)) {
    assert.equal(e.name, key)
    assert.ok(!seen.has(e.code), `duplicate code ${e.code}`)
    seen.add(e.code)
  }
  assert.ok(seen.size > 120)
})

test('retriable follows Kafka\'s RetriableException hierarchy', () => {
  assert.equal(KafkaError.NOT_LEADER_OR_FOLLOWER.retriable, true)
  assert.equal(KafkaError.COORDINATOR_LOAD_IN_PROGRESS.retriable, true)
  assert.equal(KafkaError.UNKNOWN_TOPIC_OR_PARTITION.retriable, true)
  assert.equal(KafkaError.REBALANCE_IN_PROGRESS.retriable, false)
  assert.equal(KafkaError.TOPIC_ALREADY_EXISTS.retriable, false)
})

test('lookup by code', () => {
  assert.equal(kafkaErrorByCode(25)?.name, 'UNKNOWN_MEMBER_ID')
  assert.equal(kafkaErrorByCode(9999), undefined)
  assert.equal(kafkaErrorName(9999), 'UNKNOWN_ERROR_9999')
})
