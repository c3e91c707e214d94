// SASL users: config users and AlterUserScramCredentials land in the data
// directory salted and hashed (never the password), DescribeUserScramCredentials
// lists them, and they still log in after a restart. The requests are encoded
// by @platformatic/kafka, a real client's codec, not ours.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pbkdf2Sync, randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { Kafka, logLevel, type SASLOptions } from 'kafkajs'
import '../helpers/node20-compat.js'
import * as pk from '@platformatic/kafka'
import { defaultConfig, type BrokerConfig } from '../../src/config.js'
import { Tributary } from '../../src/tributary.js'

async function filesUnder (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...await filesUnder(full))
    else out.push(full)
  }
  return out
}

async function logsIn (app: Tributary, sasl: SASLOptions): Promise<boolean> {
  const kafka = new Kafka({ clientId: 'scram-test', brokers: [`127.0.0.1:${app.components.broker.ports.get('SASL')!}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, sasl })
  const admin = kafka.admin()
  try {
    await admin.connect()
    await admin.listTopics()
    return true
  } catch {
    return false
  } finally {
    await admin.disconnect()
  }
}

function configFor (dataDir: string, users: BrokerConfig['users']): BrokerConfig {
  return {
    ...defaultConfig,
    topicDefaults: {},
    dataDir,
    kafkaPort: 0,
    httpPort: 0,
    saslFailureDelayMs: 10,
    // authentication is what this file tests; ACLs (on by default once a listener is SASL) are tested in test/broker/acl
    authorization: false,
    listeners: [
      { name: 'LOCAL', host: '127.0.0.1', port: 0, protocol: 'PLAINTEXT' },
      { name: 'SASL', host: '127.0.0.1', port: 0, protocol: 'SASL_PLAINTEXT' }
    ],
    users
  }
}

test('SCRAM credentials set through AlterUserScramCredentials are stored hashed, described, and survive a restart', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'trib-scram-'))
  let app = new Tributary(configFor(dataDir, [{ name: 'admin', password: 'admin-secret-1', mechanisms: ['PLAIN'] }]), pino({ level: 'silent' }))
  await app.start()
  try {
    const connection = new pk.Connection('scram-admin')
    await connection.connect('127.0.0.1', app.components.broker.ports.get('LOCAL')!)
    try {
      // the client salts and stretches; the broker never sees "bob-password-1"
      const salt = randomBytes(16)
      const saltedPassword = pbkdf2Sync('bob-password-1', salt, 4096, 32, 'sha256')
      const altered = await pk.alterUserScramCredentialsV0.api.async(connection, [], [{ name: 'bob', mechanism: 1, iterations: 4096, salt, saltedPassword }])
      assert.deepEqual(altered.results.map(r => [r.user, r.errorCode]), [['bob', 0]])

      const described = await pk.describeUserScramCredentialsV0.api.async(connection, [{ name: 'bob' }])
      assert.deepEqual(described.results.map(r => [r.user, r.errorCode, r.credentialInfos.map(c => [c.mechanism, c.iterations])]), [['bob', 0, [[1, 4096]]]])

      const refused = await pk.alterUserScramCredentialsV0.api.async(connection, [{ name: 'nobody', mechanism: 2 }], [
        { name: 'weak', mechanism: 1, iterations: 100, salt, saltedPassword },
        { name: 'odd', mechanism: 9, iterations: 4096, salt, saltedPassword }
      ]).catch((err: { response?: { results: Array<{ user: string, errorCode: number }> } }) => err.response!)
      assert.deepEqual(refused.results.map(r => [r.user, r.errorCode]).sort(), [['nobody', 91], ['odd', 33], ['weak', 93]])
      const unknown = await pk.describeUserScramCredentialsV0.api.async(connection, [{ name: 'weak' }])
        .catch((err: { response?: { results: Array<{ user: string, errorCode: number }> } }) => err.response!)
      assert.deepEqual(unknown.results.map(r => [r.user, r.errorCode]), [['weak', 91]])
    } finally {
      await connection.close()
    }
    assert.equal(await logsIn(app, { mechanism: 'scram-sha-256', username: 'bob', password: 'bob-password-1' }), true)
    assert.equal(await logsIn(app, { mechanism: 'scram-sha-256', username: 'bob', password: 'bob-password-2' }), false)
    assert.equal(await logsIn(app, { mechanism: 'plain', username: 'admin', password: 'admin-secret-1' }), true)
  } finally {
    await app.stop()
  }

  for (const file of await filesUnder(dataDir)) {
    const bytes = await readFile(file)
    assert.equal(bytes.includes('bob-password-1'), false, `${file} holds bob's password`)
    assert.equal(bytes.includes('admin-secret-1'), false, `${file} holds admin's password`)
  }

  // restarted without users in the config: what was stored still logs in
  app = new Tributary(configFor(dataDir, []), pino({ level: 'silent' }))
  await app.start()
  try {
    assert.equal(await logsIn(app, { mechanism: 'scram-sha-256', username: 'bob', password: 'bob-password-1' }), true)
    assert.equal(await logsIn(app, { mechanism: 'plain', username: 'admin', password: 'admin-secret-1' }), true)
    assert.equal(await logsIn(app, { mechanism: 'scram-sha-512', username: 'bob', password: 'bob-password-1' }), false, 'bob has no SCRAM-SHA-512 credential')
  } finally {
    await app.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
})
