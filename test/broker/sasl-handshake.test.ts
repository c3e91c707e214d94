// SaslHandshake answers by listener: the mechanisms on a SASL listener,
// UNSUPPORTED_SASL_MECHANISM for one we do not serve, ILLEGAL_SASL_STATE on a
// listener without SASL; and DescribeConfigs shows every listener.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel } from 'kafkajs'
import type { Tributary } from '../../src/tributary.js'
import { encodeToBuffer, decodeBuffer } from '../../src/protocol/codec.js'
import { saslHandshakeApi } from '../../src/protocol/messages/sasl-handshake.js'
import { saslAuthenticateApi } from '../../src/protocol/messages/sasl-authenticate.js'
import { RawKafkaConnection, requestFrame } from '../helpers/raw-kafka.js'
import { startInProcess, type InProcessTributary } from '../helpers/in-process-tributary.js'

let tributary: InProcessTributary
let app: Tributary

before(async () => {
  tributary = await startInProcess({
    // authentication is what this file tests; ACLs (on by default once a listener is SASL) are tested in test/broker/acl
    authorization: false,
    listeners: [
      { name: 'LOCAL', host: '127.0.0.1', port: 0, protocol: 'PLAINTEXT' },
      { name: 'SASL', host: '127.0.0.1', port: 0, protocol: 'SASL_PLAINTEXT' }
    ]
  }, { prefix: 'trib-handshake-' })
  app = tributary.app
})

after(async () => {
  await tributary.stop()
})

async function handshake (listener: string, mechanism: string): Promise<{ errorCode: number, mechanisms: string[] }> {
  const raw = await RawKafkaConnection.open('127.0.0.1', app.components.broker.ports.get(listener)!)
  try {
    raw.write(requestFrame(17, 1, 7, encodeToBuffer(saslHandshakeApi.request, 1, { mechanism })))
    const frame = await raw.nextFrame()
    assert.equal(frame.readInt32BE(0), 7)
    return decodeBuffer(saslHandshakeApi.response, 1, frame.subarray(4)).body as { errorCode: number, mechanisms: string[] }
  } finally {
    raw.destroy()
  }
}

test('a SASL listener lists the mechanisms it serves', async () => {
  assert.deepEqual(await handshake('SASL', 'SCRAM-SHA-512'), { errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] })
})

test('a mechanism we do not serve is UNSUPPORTED_SASL_MECHANISM', async () => {
  assert.equal((await handshake('SASL', 'GSSAPI')).errorCode, 33)
})

test('a handshake on a listener without SASL is ILLEGAL_SASL_STATE', async () => {
  assert.equal((await handshake('LOCAL', 'PLAIN')).errorCode, 34)
})

test('a failed SaslAuthenticate is answered SASL_AUTHENTICATION_FAILED, then the connection is closed', async () => {
  const raw = await RawKafkaConnection.open('127.0.0.1', app.components.broker.ports.get('SASL')!)
  try {
    raw.write(requestFrame(17, 1, 1, encodeToBuffer(saslHandshakeApi.request, 1, { mechanism: 'PLAIN' })))
    await raw.nextFrame()
    raw.write(requestFrame(36, 1, 2, encodeToBuffer(saslAuthenticateApi.request, 1, { authBytes: Buffer.from('\u0000nobody\u0000guess') })))
    const frame = await raw.nextFrame()
    const answer = decodeBuffer(saslAuthenticateApi.response, 1, frame.subarray(4)).body as { errorCode: number, errorMessage: string | null }
    assert.equal(answer.errorCode, 58)
    await raw.closed
  } finally {
    raw.destroy()
  }
})

test('DescribeConfigs shows every listener with its bound port and protocol', async () => {
  const admin = new Kafka({ clientId: 'cfg', brokers: [`127.0.0.1:${app.components.broker.ports.get('LOCAL')!}`], logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 4, name: '1', configNames: ['listeners', 'listener.security.protocol.map'] }] })
    const entries = Object.fromEntries((resources[0]?.configEntries ?? []).map(e => [e.configName, e.configValue]))
    const ports = app.components.broker.ports
    assert.equal(entries.listeners, `LOCAL://127.0.0.1:${ports.get('LOCAL')!},SASL://127.0.0.1:${ports.get('SASL')!}`)
    assert.equal(entries['listener.security.protocol.map'], 'LOCAL:PLAINTEXT,SASL:SASL_PLAINTEXT')
  } finally {
    await admin.disconnect()
  }
})
