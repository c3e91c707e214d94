/* eslint-disable @typescript-eslint/no-explicit-any -- assert.throws/rejects validators read the thrown error's code fields */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { resolveTopicConfigs, TOPIC_CONFIG_DEFAULTS, validateTopicConfigs } from '../../src/log/config.js'
import { TributaryErrorCode } from '../../src/errors.js'

const invalid = (err: any) => err.code === TributaryErrorCode.INVALID_CONFIG && err.kafkaCode === 40

test('Kafka defaults are known and valid', () => {
  validateTopicConfigs(TOPIC_CONFIG_DEFAULTS)
  assert.equal(TOPIC_CONFIG_DEFAULTS['retention.ms'], '604800000')
  assert.equal(TOPIC_CONFIG_DEFAULTS['max.message.bytes'], '1048588')
})

test('unknown names and bad values are INVALID_CONFIG', () => {
  assert.throws(() => validateTopicConfigs({ 'no.such.config': '1' }), invalid)
  assert.throws(() => validateTopicConfigs({ 'retention.ms': 'soon' }), invalid)
  assert.throws(() => validateTopicConfigs({ 'retention.ms': '-2' }), invalid)
  assert.throws(() => validateTopicConfigs({ 'segment.bytes': '13' }), invalid)
  assert.throws(() => validateTopicConfigs({ 'cleanup.policy': 'shred' }), invalid)
  assert.throws(() => validateTopicConfigs({ 'message.timestamp.type': 'Now' }), invalid)
  validateTopicConfigs({ 'cleanup.policy': 'compact,delete', 'retention.ms': '-1' })
})

test('topic overrides win over broker defaults, which win over Kafka defaults; -1 means forever', () => {
  const r = resolveTopicConfigs({ 'retention.ms': '1000', 'segment.bytes': '2048' }, { 'retention.ms': '-1', 'message.timestamp.type': 'LogAppendTime' })
  assert.equal(r.retentionMs, Infinity)
  assert.equal(r.segmentBytes, 2048)
  assert.equal(r.logAppendTime, true)
  assert.equal(r.retentionBytes, Infinity)
  assert.equal(r.flushMessages, Infinity)
})
