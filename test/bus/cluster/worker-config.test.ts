// The bus worker's settings are config keys: file, environment, flags (flags win),
// each bad value refused with a message naming its key, and `tributary bus`
// refusing a bad one with exit code 2 before it connects to anything.
/* eslint-disable @typescript-eslint/no-explicit-any -- assert.throws validators read the thrown error's fields */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../../src/config.js'
import { busWorkerOptions } from '../../../src/bus/cluster/worker.js'
import { projectRoot } from '../../helpers/broker-process.js'

function withConfigFile<T> (content: object, use: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'trib-bus-config-'))
  const file = join(dir, 'tributary.json')
  writeFileSync(file, JSON.stringify(content))
  try {
    return use(file)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

test('a bus worker takes its settings from the config file, the environment over it, and flags over both', () => {
  withConfigFile({
    busKafka: 'file-kafka:9092',
    busTopicPrefix: 'file.',
    busPartitions: 3,
    busPartitionKey: '$.detail.customer',
    busKafkaSasl: { mechanism: 'SCRAM-SHA-512', username: 'bus', password: 'secret' },
    busKafkaTls: { caFile: '/etc/ca.pem' },
  }, file => {
    const config = loadConfig({ config: file, busPartitions: 4 }, { TRIBUTARY_BUS_TOPIC_PREFIX: 'env.', TRIBUTARY_BUS_PARTITIONS: '5', TRIBUTARY_BUS_SESSION_TIMEOUT_MS: '9000' })
    const options = busWorkerOptions(config)
    assert.equal(options.bootstrap, 'file-kafka:9092')
    assert.equal(options.topicPrefix, 'env.')
    assert.equal(options.busPartitions, 4)
    assert.equal(options.partitionKey, '$.detail.customer')
    assert.equal(options.sessionTimeoutMs, 9000)
    assert.deepEqual(options.security, { sasl: { mechanism: 'SCRAM-SHA-512', username: 'bus', password: 'secret' }, tls: { caFile: '/etc/ca.pem' } })
  })
})

test('the defaults are those docs/configuration.md gives', () => {
  const options = busWorkerOptions(loadConfig({}, { TRIBUTARY_BUS_KAFKA: 'k:9092' }))
  assert.equal(options.bootstrap, 'k:9092')
  assert.equal(options.topicPrefix, 'tributary.')
  assert.equal(options.groupPrefix, undefined)
  assert.equal(options.busPartitions, 6)
  assert.equal(options.partitionKey, 'source')
  assert.equal(options.sessionTimeoutMs, 6000)
  assert.equal(options.retryBaseDelayMs, 1000)
  assert.equal(options.retryMaxDelayMs, 300_000)
  assert.deepEqual(options.security, { sasl: undefined, tls: undefined })
})

test('SASL settings come from the environment as JSON', () => {
  const config = loadConfig({}, { TRIBUTARY_BUS_KAFKA_SASL: '{"mechanism":"PLAIN","username":"bus","password":"p"}', TRIBUTARY_BUS_KAFKA_TLS: '{}' })
  assert.deepEqual(config.busKafkaSasl, { mechanism: 'PLAIN', username: 'bus', password: 'p' })
  assert.deepEqual(config.busKafkaTls, {})
})

const refusals: Array<[string, Record<string, unknown>, RegExp]> = [
  ['bootstrap servers that are not host:port', { busKafka: 'kafka:99999' }, /busKafka/],
  ['zero partitions', { busPartitions: 0 }, /busPartitions/],
  ['a partition key that is neither a field nor a JSONPath', { busPartitionKey: 'customer' }, /busPartitionKey/],
  ['a topic prefix Kafka cannot name a topic with', { busTopicPrefix: 'a b' }, /busTopicPrefix/],
  ['a session timeout of zero', { busSessionTimeoutMs: 0 }, /busSessionTimeoutMs/],
  ['a longest retry delay below the first', { busRetryBaseMs: 5000, busRetryMaxMs: 1000 }, /busRetryMaxMs/],
  ['an unknown SASL mechanism', { busKafkaSasl: { mechanism: 'GSSAPI', username: 'u', password: 'p' } }, /busKafkaSasl\.mechanism/],
  ['SASL without a password', { busKafkaSasl: { mechanism: 'PLAIN', username: 'u' } }, /busKafkaSasl\.password/],
  ['a client certificate without its key', { busKafkaTls: { certFile: '/c.pem' } }, /busKafkaTls\.certFile/],
  ['an unknown TLS option', { busKafkaTls: { verify: false } }, /"verify" in busKafkaTls/],
]
for (const [what, content, names] of refusals) {
  test(`a config with ${what} is refused naming the key`, () => {
    withConfigFile(content, file => {
      assert.throws(() => loadConfig({ config: file }, {}), (err: any) => err.code === 'TRIB_ERR_CONFIG' && names.test(err.message))
    })
  })
}

test('tributary bus refuses a bad config value with exit code 2 before connecting', () => {
  withConfigFile({ busKafka: '127.0.0.1:1', busPartitions: 0 }, file => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src', 'cli', 'main.ts'), 'bus', '--config', file], { encoding: 'utf8', cwd: projectRoot })
    assert.equal(run.status, 2, run.stderr)
    assert.match(run.stderr, /busPartitions/)
  })
})
