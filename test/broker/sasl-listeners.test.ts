// SASL and TLS listeners with real kafkajs clients on loopback: every mechanism
// over SASL_PLAINTEXT and SASL_SSL, wrong credentials refused, nothing served
// before authentication, two listeners each advertised as themselves, and a
// client certificate's subject as the principal.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { Kafka, logLevel, type SASLOptions } from 'kafkajs'
import { defaultConfig, type BrokerConfig } from '../../src/config.js'
import { Tributary } from '../../src/tributary.js'
import { wrapHandler, callHandler } from '../../src/broker/handlers/types.js'
import { makeTestCerts, type TestCerts } from '../helpers/tls-certs.js'
import { RawKafkaConnection, requestFrame } from '../helpers/raw-kafka.js'

const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const

let certs: TestCerts
let dataDir: string
let app: Tributary
const principals: string[] = []

function port (name: string): number {
  const p = app.components.broker.ports.get(name)
  assert.ok(p !== undefined, `listener ${name} is open`)
  return p
}

function client (listener: string, options: { sasl?: SASLOptions, ssl?: boolean | object } = {}): Kafka {
  return new Kafka({
    clientId: 'sasl-test',
    brokers: [`127.0.0.1:${port(listener)}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    ...(options.sasl !== undefined ? { sasl: options.sasl } : {}),
    ...(options.ssl !== undefined ? { ssl: options.ssl } : {})
  })
}

const trustOurCa = (): object => ({ ca: [readFileSync(certs.caFile)] })

before(async () => {
  certs = makeTestCerts()
  dataDir = await mkdtemp(join(tmpdir(), 'trib-sasl-'))
  const tls = { certFile: certs.certFile, keyFile: certs.keyFile }
  const config: BrokerConfig = {
    ...defaultConfig,
    topicDefaults: {},
    dataDir,
    kafkaPort: 0,
    httpPort: 0,
    advertisedHost: '127.0.0.1',
    saslFailureDelayMs: 20,
    // authentication is what this file tests; ACLs (on by default once a listener is SASL) are tested in test/broker/acl
    authorization: false,
    listeners: [
      { name: 'LOCAL', host: '127.0.0.1', port: 0, protocol: 'PLAINTEXT' },
      { name: 'SASL', host: '127.0.0.1', port: 0, protocol: 'SASL_PLAINTEXT', advertisedHost: 'localhost' },
      { name: 'SASL_TLS', host: '127.0.0.1', port: 0, protocol: 'SASL_SSL', tls },
      { name: 'MTLS', host: '127.0.0.1', port: 0, protocol: 'SSL', tls: { ...tls, caFile: certs.caFile, requireClientCert: true } },
      { name: 'SASL_MTLS', host: '127.0.0.1', port: 0, protocol: 'SASL_SSL', tls: { ...tls, caFile: certs.caFile, requireClientCert: true } }
    ],
    users: [{ name: 'alice', password: 'alice-secret', mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] }]
  }
  app = new Tributary(config, pino({ level: 'silent' }))
  await app.start()
  // record who each Metadata request came from, as the authorizer will see it
  const handlers = app.components.broker.services.handlers
  const metadata = handlers.get(3)!
  handlers.set(3, wrapHandler(metadata, (request, ctx) => {
    principals.push(`${ctx.listener} ${ctx.principal} ${ctx.authenticated}`)
    return callHandler(metadata, request, ctx)
  }))
})

after(async () => {
  await app.stop()
  await rm(dataDir, { recursive: true, force: true })
  certs.cleanup()
})

async function roundTrip (kafka: Kafka, topic: string): Promise<string> {
  const producer = kafka.producer()
  await producer.connect()
  try {
    await producer.send({ topic, messages: [{ value: `hello ${topic}` }] })
  } finally {
    await producer.disconnect()
  }
  const admin = kafka.admin()
  await admin.connect()
  try {
    const offsets = await admin.fetchTopicOffsets(topic)
    return offsets.map(o => o.high).join(',')
  } finally {
    await admin.disconnect()
  }
}

describe('SASL listeners with kafkajs', () => {
  for (const mechanism of MECHANISMS) {
    test(`${mechanism} over SASL_PLAINTEXT authenticates and produces`, async () => {
      const kafka = client('SASL', { sasl: { mechanism, username: 'alice', password: 'alice-secret' } as SASLOptions })
      // the SASL listener advertises "localhost": kafkajs must be able to follow it
      assert.equal(await roundTrip(kafka, `plain-${mechanism}`), '1')
    })

    test(`${mechanism} over SASL_SSL authenticates and produces`, async () => {
      const kafka = client('SASL_TLS', { ssl: trustOurCa(), sasl: { mechanism, username: 'alice', password: 'alice-secret' } as SASLOptions })
      assert.equal(await roundTrip(kafka, `tls-${mechanism}`), '1')
    })

    test(`${mechanism} with a wrong password is refused`, async () => {
      const kafka = client('SASL', { sasl: { mechanism, username: 'alice', password: 'wrong' } as SASLOptions })
      const admin = kafka.admin()
      await assert.rejects(admin.connect(), (err: Error) => /SASL|authentication/i.test(err.message))
      await admin.disconnect()
    })
  }

  test('an unknown user is refused', async () => {
    const kafka = client('SASL', { sasl: { mechanism: 'scram-sha-256', username: 'mallory', password: 'x' } })
    const admin = kafka.admin()
    await assert.rejects(admin.connect(), (err: Error) => /SASL|authentication/i.test(err.message))
    await admin.disconnect()
  })

  test('after authentication the principal is the user, on the listener it came through', async () => {
    principals.length = 0
    const admin = client('SASL', { sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'alice-secret' } }).admin()
    await admin.connect()
    await admin.listTopics()
    await admin.disconnect()
    assert.ok(principals.includes('SASL User:alice true'), principals.join('; '))
  })
})

describe('before authentication on a SASL listener', () => {
  test('a Metadata request closes the connection unanswered', async () => {
    const raw = await RawKafkaConnection.open('127.0.0.1', port('SASL'))
    raw.write(requestFrame(3, 1, 1, Buffer.from([0xff, 0xff, 0xff, 0xff])))
    await raw.closed
    await assert.rejects(raw.nextFrame(1), /closed/)
  })

  test('a frame over the pre-authentication limit closes the connection', async () => {
    const raw = await RawKafkaConnection.open('127.0.0.1', port('SASL'))
    raw.write(apiVersionsWithClientId(defaultConfig.maxPreAuthRequestBytes))
    await raw.closed
    await assert.rejects(raw.nextFrame(1), /closed/)
  })

  test('the same frame is answered on the plaintext listener', async () => {
    const raw = await RawKafkaConnection.open('127.0.0.1', port('LOCAL'))
    raw.write(apiVersionsWithClientId(defaultConfig.maxPreAuthRequestBytes))
    const frame = await raw.nextFrame()
    raw.destroy()
    assert.equal(frame.readInt32BE(0), 1, 'the answer carries the correlation id')
  })
})

/** ApiVersions v0 whose client id makes the frame larger than `over` bytes. */
function apiVersionsWithClientId (over: number): Buffer {
  const clientId = Buffer.alloc(over, 'x')
  const header = Buffer.alloc(10)
  header.writeInt16BE(18, 0)
  header.writeInt16BE(0, 2)
  header.writeInt32BE(1, 4)
  header.writeInt16BE(clientId.length, 8)
  const size = Buffer.alloc(4)
  size.writeInt32BE(header.length + clientId.length)
  return Buffer.concat([size, header, clientId])
}

describe('listeners', () => {
  test('each listener advertises its own address in Metadata', async () => {
    const local = client('LOCAL').admin()
    await local.connect()
    const sasl = client('SASL', { sasl: { mechanism: 'plain', username: 'alice', password: 'alice-secret' } }).admin()
    await sasl.connect()
    try {
      const viaLocal = await local.describeCluster()
      const viaSasl = await sasl.describeCluster()
      assert.deepEqual(viaLocal.brokers.map(b => `${b.host}:${b.port}`), [`127.0.0.1:${port('LOCAL')}`])
      assert.deepEqual(viaSasl.brokers.map(b => `${b.host}:${b.port}`), [`localhost:${port('SASL')}`])
    } finally {
      await local.disconnect()
      await sasl.disconnect()
    }
  })

  test('an SSL client certificate makes its subject the principal', async () => {
    principals.length = 0
    const admin = client('MTLS', { ssl: { ...trustOurCa(), cert: readFileSync(certs.clientCertFile), key: readFileSync(certs.clientKeyFile) } }).admin()
    await admin.connect()
    await admin.listTopics()
    await admin.disconnect()
    assert.ok(principals.includes(`MTLS User:${certs.clientSubject} true`), principals.join('; '))
  })

  test('an SSL listener that requires a client certificate refuses a client without one', async () => {
    const admin = client('MTLS', { ssl: trustOurCa() }).admin()
    await assert.rejects(admin.connect())
    await admin.disconnect()
  })

  test('on SASL_SSL a client certificate does not stand in for SASL authentication', async () => {
    const clientCert = { ...trustOurCa(), cert: readFileSync(certs.clientCertFile), key: readFileSync(certs.clientKeyFile) }
    const admin = client('SASL_MTLS', { ssl: clientCert }).admin()
    await assert.rejects(async () => { await admin.connect(); await admin.listTopics() })
    await admin.disconnect()
    principals.length = 0
    const authenticated = client('SASL_MTLS', { ssl: clientCert, sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 'alice-secret' } }).admin()
    await authenticated.connect()
    await authenticated.listTopics()
    await authenticated.disconnect()
    assert.ok(principals.includes('SASL_MTLS User:alice true'), principals.join('; '))
  })

  test('a plaintext client gets User:ANONYMOUS', async () => {
    principals.length = 0
    const admin = client('LOCAL').admin()
    await admin.connect()
    await admin.listTopics()
    await admin.disconnect()
    assert.ok(principals.includes('LOCAL User:ANONYMOUS false'), principals.join('; '))
  })
})
