// The security part of the config file: listeners, users and TLS files are
// checked key by key, and a start that cannot open a listener or load a
// certificate fails with TRIB_ERR_CONFIG naming it. HTTPS on the HTTP port.
/* eslint-disable @typescript-eslint/no-explicit-any -- assert.throws/rejects validators read the thrown error's code fields */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { once } from 'node:events'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { defaultConfig, loadConfig, type BrokerConfig } from '../../src/config.js'
import { Tributary } from '../../src/tributary.js'
import { makeTestCerts, type TestCerts } from '../helpers/tls-certs.js'

let certs: TestCerts
before(() => { certs = makeTestCerts() })
after(() => certs.cleanup())

function loadFile (content: unknown): BrokerConfig {
  const dir = mkdtempSync(join(tmpdir(), 'trib-seccfg-'))
  const file = join(dir, 'tributary.json')
  writeFileSync(file, JSON.stringify(content))
  return loadConfig({ config: file }, {})
}

const configError = (pattern: RegExp) => (err: any) => err.code === 'TRIB_ERR_CONFIG' && pattern.test(err.message)

test('listeners, users and http.tls from the config file are read and checked', () => {
  const config = loadFile({
    listeners: [
      { name: 'LOCAL', host: '127.0.0.1', port: 9092, protocol: 'PLAINTEXT' },
      { name: 'SECURE', host: '0.0.0.0', port: 9093, protocol: 'SASL_SSL', advertisedHost: 'kafka.example.com', tls: { certFile: 'c.pem', keyFile: 'k.pem' } }
    ],
    users: [{ name: 'alice', password: 'pw', mechanisms: ['SCRAM-SHA-512', 'PLAIN'] }],
    http: { tls: { certFile: 'c.pem', keyFile: 'k.pem' } }
  })
  assert.equal(config.listeners.length, 2)
  assert.equal(config.listeners[1]?.advertisedHost, 'kafka.example.com')
  assert.deepEqual(config.users[0]?.mechanisms, ['SCRAM-SHA-512', 'PLAIN'])
  assert.equal(config.http.tls?.certFile, 'c.pem')
})

test('no listeners in the config means none: the single plaintext listener from host and kafkaPort', () => {
  assert.deepEqual(loadConfig({}, {}).listeners, [])
})

test('an unknown key, a bad protocol, a TLS listener without files and an unknown mechanism are refused by name', () => {
  assert.throws(() => loadFile({ listeners: [{ name: 'A', host: 'h', port: 1, protocol: 'PLAINTEXT', colour: 'red' }] }), configError(/"colour" in listeners\[0\]/))
  assert.throws(() => loadFile({ listeners: [{ name: 'A', host: 'h', port: 1, protocol: 'SASL_TLS' }] }), configError(/listeners\[0\]\.protocol/))
  assert.throws(() => loadFile({ listeners: [{ name: 'A', host: 'h', port: 1, protocol: 'SSL' }] }), configError(/listeners\[0\] \(A\) is SSL and needs tls/))
  assert.throws(() => loadFile({ listeners: [{ name: 'A', host: 'h', port: 1, protocol: 'PLAINTEXT' }, { name: 'A', host: 'h', port: 2, protocol: 'PLAINTEXT' }] }), configError(/"A" is used by another listener/))
  assert.throws(() => loadFile({ users: [{ name: 'u', password: 'p', mechanisms: ['SCRAM-SHA-1'] }] }), configError(/users\[0\]\.mechanisms/))
  assert.throws(() => loadFile({ http: { tls: { certFile: 'c', keyFile: 'k', pin: 1 } } }), configError(/"pin" in http\.tls/))
  assert.throws(() => loadFile({ scramIterations: 1000 }), configError(/scramIterations/))
})

function baseConfig (dataDir: string): BrokerConfig {
  return { ...defaultConfig, topicDefaults: {}, dataDir, kafkaPort: 0, httpPort: 0 }
}

test('a listener on a taken port fails the start naming the listener', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'trib-taken-'))
  const taken = createServer()
  taken.listen(0, '127.0.0.1')
  await once(taken, 'listening')
  const port = (taken.address() as { port: number }).port
  try {
    const app = new Tributary({
      ...baseConfig(dataDir),
      listeners: [
        { name: 'FIRST', host: '127.0.0.1', port: 0, protocol: 'PLAINTEXT' },
        { name: 'SECOND', host: '127.0.0.1', port, protocol: 'SASL_PLAINTEXT' }
      ]
    }, pino({ level: 'silent' }))
    await assert.rejects(app.start(), configError(/listener SECOND .*taken/))
  } finally {
    taken.close()
    await rm(dataDir, { recursive: true, force: true })
  }
})

test('a key file that does not exist fails the start naming the file', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'trib-nokey-'))
  try {
    const app = new Tributary({
      ...baseConfig(dataDir),
      listeners: [
        { name: 'SECURE', host: '127.0.0.1', port: 0, protocol: 'SSL', tls: { certFile: certs.certFile, keyFile: join(certs.dir, 'missing.key') } }
      ]
    }, pino({ level: 'silent' }))
    await assert.rejects(app.start(), configError(/listener SECURE: cannot read keyFile .*missing\.key/))
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
})

test('http.tls serves the HTTP face over HTTPS with the configured certificate', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'trib-https-'))
  const app = new Tributary({ ...baseConfig(dataDir), http: { tls: { certFile: certs.certFile, keyFile: certs.keyFile } } }, pino({ level: 'silent' }))
  await app.start()
  try {
    const { status, body } = await new Promise<{ status: number, body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: app.config.httpPort, path: '/health', ca: readFileSync(certs.caFile) }, res => {
        let body = ''
        res.on('data', (chunk: Buffer) => { body += chunk.toString('utf8') })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      req.on('error', reject)
      req.end()
    })
    assert.equal(status, 200)
    assert.equal((JSON.parse(body) as { status: string }).status, 'ok')
    // plain HTTP on that port is not served
    await assert.rejects(fetch(`http://127.0.0.1:${app.config.httpPort}/health`).then(async r => { if (r.status === 200) return await r.text(); throw new Error(String(r.status)) }))
  } finally {
    await app.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
})
