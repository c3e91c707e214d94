import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import {
  hasKafkaCode, isCodecError, isRecordFormatError, isTributaryError, kafkaCodeFor, storageError,
  TributaryError, TributaryErrorCode,
} from '../src/errors.js'
import { loadConfig } from '../src/config.js'
import { validationError } from '../src/bus/errors.js'
import { parsePattern } from '../src/bus/pattern/compile.js'
import { checkErrorCode, ClientError } from '../src/client/errors.js'
import { TributaryError as PackageTributaryError, TributaryErrorCode as PackageCodes } from '../src/index.js'

// The Kafka code each client-visible failure must be answered with, written out from
// Kafka's protocol error table (org.apache.kafka.common.protocol.Errors), not from our own.
const EXPECTED_KAFKA_CODES: Record<string, number> = {
  TRIB_ERR_OFFSET_OUT_OF_RANGE: 1,
  TRIB_ERR_CORRUPT_MESSAGE: 2,
  TRIB_ERR_UNKNOWN_TOPIC_OR_PARTITION: 3,
  TRIB_ERR_MESSAGE_TOO_LARGE: 10,
  TRIB_ERR_INVALID_TOPIC: 17,
  TRIB_ERR_RECORD_LIST_TOO_LARGE: 18,
  TRIB_ERR_TOPIC_ALREADY_EXISTS: 36,
  TRIB_ERR_INVALID_PARTITIONS: 37,
  TRIB_ERR_INVALID_CONFIG: 40,
  TRIB_ERR_UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  TRIB_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  TRIB_ERR_DUPLICATE_SEQUENCE_NUMBER: 46,
  TRIB_ERR_INVALID_PRODUCER_EPOCH: 47,
  TRIB_ERR_INVALID_TXN_STATE: 48,
  TRIB_ERR_KAFKA_STORAGE_ERROR: 56,
  TRIB_ERR_LOG_CLOSED: 56,
  TRIB_ERR_TRUNCATE_FAILED: 56,
  TRIB_ERR_UNSUPPORTED_COMPRESSION_TYPE: 76,
  TRIB_ERR_INVALID_RECORD: 87,
}

test('every client-visible code carries the Kafka code Kafka itself answers with', () => {
  for (const [code, kafkaCode] of Object.entries(EXPECTED_KAFKA_CODES)) {
    assert.ok(Object.values(TributaryErrorCode).includes(code as never), `${code} is not a Tributary code`)
    assert.equal(new TributaryError(code as never, 'x').kafkaCode, kafkaCode, code)
  }
})

test('internal codes carry no Kafka code, so no handler answers with a made-up one', () => {
  for (const code of Object.values(TributaryErrorCode)) {
    if (code in EXPECTED_KAFKA_CODES) continue
    assert.equal(kafkaCodeFor(code), undefined, code)
    assert.equal(hasKafkaCode(new TributaryError(code, 'x')), false, code)
  }
})

test('codes are distinct, stable TRIB_ERR_ strings; a limit is not reported as malformed bytes', () => {
  const values = Object.values(TributaryErrorCode)
  assert.equal(new Set(values).size, values.length)
  for (const code of values) assert.match(code, /^TRIB_ERR_[A-Z_]+$/)
  assert.notEqual(TributaryErrorCode.LIMIT_EXCEEDED, TributaryErrorCode.MALFORMED)
})

test('the message is the reason alone: the code is a field, not a prefix', () => {
  const err = new TributaryError(TributaryErrorCode.GROUP_STORE_CORRUPT, 'record ends early')
  assert.equal(err.message, 'record ends early')
  assert.equal(err.code, 'TRIB_ERR_GROUP_STORE_CORRUPT')
  assert.equal(err.name, 'TributaryError')
})

test('the family checks sort errors by code', () => {
  const limit = new TributaryError(TributaryErrorCode.LIMIT_EXCEEDED, 'x')
  const corrupt = new TributaryError(TributaryErrorCode.CORRUPT_MESSAGE, 'x')
  const plain = new Error('plain')
  assert.equal(isCodecError(limit), true)
  assert.equal(isCodecError(corrupt), false)
  assert.equal(isRecordFormatError(corrupt), true)
  assert.equal(isRecordFormatError(limit), false)
  assert.equal(isRecordFormatError(storageError('write', plain)), false)
  assert.equal(isTributaryError(corrupt, TributaryErrorCode.CORRUPT_MESSAGE), true)
  assert.equal(isTributaryError(corrupt, TributaryErrorCode.INVALID_RECORD), false)
  assert.equal(isTributaryError(plain), false)
})

test('a storage error keeps the file-system error as its cause and names what failed', () => {
  const cause = Object.assign(new Error('input/output error'), { code: 'EIO' })
  const err = storageError('fsync failed', cause)
  assert.equal(err.code, TributaryErrorCode.STORAGE_ERROR)
  assert.equal(err.kafkaCode, 56)
  assert.equal(err.cause, cause)
  assert.equal(err.message, 'fsync failed: input/output error')
})

test('config, bus, client and SDK failures are the one TributaryError, each with its stable code', () => {
  assert.throws(() => loadConfig({ kafkaPort: 'abc' }, {}),
    (err: unknown) => isTributaryError(err, TributaryErrorCode.CONFIG) && err.name === 'ConfigError')
  assert.throws(() => parsePattern('{"source": "not-an-array"}'),
    (err: unknown) => isTributaryError(err, TributaryErrorCode.INVALID_PATTERN))
  assert.throws(() => checkErrorCode(3, 'produce'),
    (err: unknown) => isTributaryError(err, TributaryErrorCode.KAFKA) && err instanceof ClientError && err.kafkaCode === 3)
  // The package entry exports the same class and codes, so `catch (e) { e instanceof TributaryError }` holds for all.
  assert.equal(PackageTributaryError, TributaryError)
  assert.equal(PackageCodes.FAULT, 'TRIB_ERR_FAULT')
})

test('a bus API error keeps the AWS error type as its name, which the bus answers as __type', () => {
  const err = validationError('Rule name is too long')
  assert.equal(isTributaryError(err, TributaryErrorCode.BUS_API), true)
  assert.equal(err.name, 'ValidationException')
  assert.equal(err.type, 'ValidationException')
  assert.equal(err.kafkaCode, undefined)
})

test('docs/errors.md lists every code, with the Kafka code the table maps it to', async () => {
  const doc = await readFile(new URL('../docs/errors.md', import.meta.url), 'utf8')
  for (const code of Object.values(TributaryErrorCode)) {
    const row = doc.split('\n').find(line => line.startsWith(`| \`${code}\` |`))
    assert.ok(row !== undefined, `${code} is missing from docs/errors.md`)
    const kafkaCode = kafkaCodeFor(code)
    if (kafkaCode !== undefined) assert.match(row, new RegExp(`^\\| \`${code}\` \\| ${kafkaCode} \\|`), `${code} should show Kafka code ${kafkaCode}`)
  }
})
