import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fromRecordsError, isLogError, LogError, LogErrorCode } from '../../src/log/errors.js'
import { RecordsError, RecordsErrorCode } from '../../src/protocol/records/errors.js'

test('every log error code maps to a Kafka error code', () => {
  for (const code of Object.values(LogErrorCode)) {
    const err = new LogError(code, 'x')
    assert.equal(typeof err.kafkaCode, 'number')
    assert.match(err.code, /^TRIB_ERR_/)
  }
})

test('batch validation errors become log errors with the same code', () => {
  const converted = fromRecordsError(new RecordsError(RecordsErrorCode.UNSUPPORTED_MAGIC, 'v1'))
  assert.ok(isLogError(converted))
  assert.equal(converted.kafkaCode, 43)
  const other = new Error('plain')
  assert.equal(fromRecordsError(other), other)
})
