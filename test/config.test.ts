/* eslint-disable @typescript-eslint/no-explicit-any -- assert.throws/rejects validators read the thrown error's code fields */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig, envName, defaultConfig } from '../src/config.js'

test('defaults are the embedded ones the README promises', () => {
  const config = loadConfig({}, {})
  assert.equal(config.dataDir, './tributary-data')
  assert.equal(config.host, '127.0.0.1')
  assert.equal(config.kafkaPort, 9092)
  assert.equal(config.httpPort, 8080)
  assert.equal(config.advertisedHost, '127.0.0.1')
  assert.equal(config.autoCreateTopics, true)
})

test('each option has a TRIBUTARY_* environment name', () => {
  assert.equal(envName('kafkaPort'), 'TRIBUTARY_KAFKA_PORT')
  assert.equal(envName('advertisedHost'), 'TRIBUTARY_ADVERTISED_HOST')
  assert.equal(envName('dataDir'), 'TRIBUTARY_DATA_DIR')
})

test('flags beat the environment, which beats the config file, which beats the defaults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trib-config-'))
  const file = join(dir, 'tributary.json')
  writeFileSync(file, JSON.stringify({ kafkaPort: 1111, httpPort: 2222, dataDir: '/from-file', autoCreateTopics: false }))
  const config = loadConfig({ config: file, kafkaPort: '3333' }, { TRIBUTARY_HTTP_PORT: '4444', TRIBUTARY_KAFKA_PORT: '5555' })
  assert.equal(config.kafkaPort, 3333)
  assert.equal(config.httpPort, 4444)
  assert.equal(config.dataDir, '/from-file')
  assert.equal(config.autoCreateTopics, false)
  assert.equal(config.groupInitialRebalanceDelayMs, defaultConfig.groupInitialRebalanceDelayMs)
})

test('bad values are refused with TRIB_ERR_CONFIG naming the option', () => {
  assert.throws(() => loadConfig({ kafkaPort: 'abc' }, {}), (err: any) => err.code === 'TRIB_ERR_CONFIG' && /kafkaPort/.test(err.message))
  assert.throws(() => loadConfig({}, { TRIBUTARY_AUTO_CREATE_TOPICS: 'maybe' }), (err: any) => err.code === 'TRIB_ERR_CONFIG' && /autoCreateTopics/.test(err.message))
  assert.throws(() => loadConfig({ httpPort: '70000' }, {}), (err: any) => err.code === 'TRIB_ERR_CONFIG' && /httpPort/.test(err.message))
  assert.throws(() => loadConfig({ maxConnections: '0' }, {}), (err: any) => err.code === 'TRIB_ERR_CONFIG' && /maxConnections/.test(err.message))
  assert.throws(() => loadConfig({}, { TRIBUTARY_MAX_CONNECTIONS_PER_IP: '2.5' }), (err: any) => err.code === 'TRIB_ERR_CONFIG' && /maxConnectionsPerIp/.test(err.message))
  assert.throws(() => loadConfig({}, { TRIBUTARY_BUS_MAX_PENDING_RETRY_BYTES: '0' }), (err: any) => err.code === 'TRIB_ERR_CONFIG' && /busMaxPendingRetryBytes/.test(err.message))
  assert.equal(loadConfig({}, { TRIBUTARY_BUS_MAX_PENDING_RETRY_BYTES: '1048576' }).busMaxPendingRetryBytes, 1048576)
  assert.throws(() => loadConfig({ fetchTailCacheBytes: '-1' }, {}), (err: any) => err.code === 'TRIB_ERR_CONFIG' && /fetchTailCacheBytes/.test(err.message))
  assert.equal(loadConfig({}, { TRIBUTARY_FETCH_TAIL_CACHE_BYTES: '0' }).fetchTailCacheBytes, 0)
  assert.throws(() => loadConfig({ recoveryCheckpointIntervalMs: '50' }, {}), (err: any) => err.code === 'TRIB_ERR_CONFIG' && /recoveryCheckpointIntervalMs/.test(err.message))
  assert.equal(loadConfig({}, { TRIBUTARY_RECOVERY_CHECKPOINT_INTERVAL_MS: '1000' }).recoveryCheckpointIntervalMs, 1000)
  const dir = mkdtempSync(join(tmpdir(), 'trib-config-'))
  const file = join(dir, 'bad.json')
  writeFileSync(file, JSON.stringify({ noSuchOption: 1 }))
  assert.throws(() => loadConfig({ config: file }, {}), (err: any) => err.code === 'TRIB_ERR_CONFIG' && /noSuchOption/.test(err.message))
})

test('listening on all interfaces advertises loopback unless told otherwise', () => {
  assert.equal(loadConfig({ host: '0.0.0.0' }, {}).advertisedHost, '127.0.0.1')
  assert.equal(loadConfig({ host: '0.0.0.0', advertisedHost: 'kafka.local' }, {}).advertisedHost, 'kafka.local')
})

test('security options: authorization decides from the listeners unless set, ACLs and super users are checked at load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trib-config-'))
  const file = join(dir, 'tributary.json')
  assert.equal(loadConfig({}, {}).authorization, null)
  assert.equal(loadConfig({}, { TRIBUTARY_AUTHORIZATION: 'true' }).authorization, true)
  assert.deepEqual(loadConfig({}, { TRIBUTARY_SUPER_USERS: 'User:admin, User:ops' }).superUsers, ['User:admin', 'User:ops'])
  writeFileSync(file, JSON.stringify({ authorization: true, superUsers: ['User:admin'], acls: [{ principal: 'User:alice', resourceType: 'topic', resourceName: 'orders', operation: 'read' }], bus: { credentials: [{ accessKeyId: 'AKID1', secretAccessKey: 'secret-secret' }] } }))
  const config = loadConfig({ config: file }, {})
  assert.equal(config.acls.length, 1)
  assert.equal(config.bus.credentials[0]?.accessKeyId, 'AKID1')
  const refused = (options: object, pattern: RegExp): void => {
    writeFileSync(file, JSON.stringify(options))
    assert.throws(() => loadConfig({ config: file }, {}), (err: any) => err.code === 'TRIB_ERR_CONFIG' && pattern.test(err.message))
  }
  refused({ superUsers: ['admin'] }, /superUsers/)
  refused({ acls: [{ principal: 'User:a', resourceType: 'topic', resourceName: 'x', operation: 'fly' }] }, /acls\[0\]\.operation/)
  refused({ bus: { credentials: [{ accessKeyId: 'A1', secretAccessKey: 'short' }] } }, /bus\.credentials\[0\]\.secretAccessKey/)
  refused({ bus: { credentials: [], region: 'x' } }, /bus\.region/)
  refused({ authorization: 'yes' }, /authorization/)
})

test('the example configuration of docs/security.md loads', () => {
  const doc = readFileSync(new URL('../docs/security.md', import.meta.url), 'utf8')
  const example = /```json\n([\s\S]*?)```/.exec(doc)?.[1]
  assert.ok(example !== undefined, 'docs/security.md has a JSON example')
  const file = join(mkdtempSync(join(tmpdir(), 'trib-config-')), 'tributary.json')
  writeFileSync(file, example)
  const config = loadConfig({ config: file }, {})
  assert.equal(config.authorization, true)
  assert.equal(config.acls.length, 3)
  assert.equal(config.bus.credentials.length, 1)
})
