import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  decodeRequest, decodeResponse, encodeRequest, encodeResponse, encodeUnsupportedApiVersionsResponse,
  requestHeaderVersion, responseHeaderVersion
} from '../../src/protocol/headers.js'
import { apiRegistry, apiVersionsApi, metadataApi, fetchApi, saslHandshakeApi } from '../../src/protocol/messages/index.js'
import type { RequestOf } from '../../src/protocol/messages/api-types.js'

const registry = apiRegistry()

function frameOf (chunks: Buffer[]): Buffer {
  const all = Buffer.concat(chunks)
  assert.equal(all.readInt32BE(0), all.length - 4, 'size prefix counts the bytes after it')
  return all.subarray(4)
}

test('header versions follow each API\'s flexible versions', () => {
  assert.equal(requestHeaderVersion(0, 8), 1)
  assert.equal(requestHeaderVersion(0, 9), 2)
  assert.equal(requestHeaderVersion(18, 3), 2)
  assert.equal(requestHeaderVersion(17, 1), 1)
  assert.equal(requestHeaderVersion(7, 0), 0)
  assert.equal(requestHeaderVersion(3, 9, metadataApi), 2)
  assert.equal(responseHeaderVersion(1, 11), 0)
  assert.equal(responseHeaderVersion(1, 12), 1)
  assert.equal(responseHeaderVersion(3, 12, metadataApi), 1)
})

test('ApiVersions responses always use response header v0', () => {
  assert.equal(responseHeaderVersion(18, 3), 0)
  assert.equal(responseHeaderVersion(18, 4, apiVersionsApi), 0)
  const frame = frameOf(encodeResponse(apiVersionsApi, 3, 77, { errorCode: 0, apiKeys: [], throttleTimeMs: 0 }))
  // correlation id, then the body at once: error code, compact empty array (01), throttle, tags
  assert.equal(frame.toString('hex'), '0000004d' + '0000' + '01' + '00000000' + '00')
})

test('a flexible request header keeps a classic nullable client id, then tagged fields', () => {
  const frame = frameOf(encodeRequest(metadataApi, 12, 5, 'cli', { topics: null, includeTopicAuthorizedOperations: false }))
  assert.equal(frame.subarray(0, 14).toString('hex'), '0003' + '000c' + '00000005' + '0003' + '636c69' + '00')
  const decoded = decodeRequest(frame, registry)
  assert.equal(decoded.kind, 'ok')
  if (decoded.kind !== 'ok') return
  assert.deepEqual(decoded.header, { requestApiKey: 3, requestApiVersion: 12, correlationId: 5, clientId: 'cli' })
  assert.equal(decoded.body.topics, null)
})

test('a classic request decodes header and body', () => {
  const body = { topics: [{ name: 't' }], allowAutoTopicCreation: true }
  const decoded = decodeRequest(frameOf(encodeRequest(metadataApi, 4, 9, null, body)), registry)
  assert.equal(decoded.kind, 'ok')
  if (decoded.kind !== 'ok') return
  assert.equal(decoded.header.clientId, null)
  assert.equal(decoded.api, metadataApi)
  // decodeRequest finds the API at run time; the test knows it is Metadata.
  const request = decoded.body as RequestOf<'Metadata'>
  assert.equal(request.topics?.[0]?.name, 't')
  assert.equal(request.allowAutoTopicCreation, true)
})

test('an unknown API key is reported with its correlation id', () => {
  const frame = Buffer.from('03e7' + '0000' + '0000002a' + 'ffff', 'hex')
  const decoded = decodeRequest(frame, registry)
  assert.equal(decoded.kind, 'unknown-api')
  assert.equal(decoded.header.correlationId, 42)
  assert.equal(decoded.header.requestApiKey, 999)
})

test('an ApiVersions request above our range is reported as unsupported, not decoded', () => {
  // ApiVersions v9 from a future client: header v2, body we cannot know.
  const frame = Buffer.from('0012' + '0009' + '00000007' + '0001' + '61' + '00' + 'deadbeef', 'hex')
  const decoded = decodeRequest(frame, registry)
  assert.equal(decoded.kind, 'unsupported-version')
  if (decoded.kind !== 'unsupported-version') return
  assert.equal(decoded.api, apiVersionsApi)
  assert.equal(decoded.header.correlationId, 7)
  assert.equal(decoded.header.clientId, 'a')
})

test('a Fetch version below the advertised minimum is unsupported', () => {
  const frame = frameOf(encodeRequest(fetchApi, 3, 1, 'c', { replicaId: -1, maxWaitMs: 0, minBytes: 0, topics: [] }))
  assert.equal(decodeRequest(frame, registry).kind, 'unsupported-version')
})

test('a registry can be a function, and APIs outside it are unknown', () => {
  const frame = frameOf(encodeRequest(saslHandshakeApi, 1, 3, 'c', { mechanism: 'PLAIN' }))
  assert.equal(decodeRequest(frame, registry).kind, 'unknown-api')
  const decoded = decodeRequest(frame, key => key === 17 ? saslHandshakeApi : undefined)
  assert.equal(decoded.kind, 'ok')
  if (decoded.kind === 'ok') assert.equal(decoded.body.mechanism, 'PLAIN')
})

test('a frame too short for a header is malformed', () => {
  assert.throws(() => decodeRequest(Buffer.from('000300', 'hex'), registry), { code: 'TRIB_ERR_MALFORMED' })
})

test('a truncated body of a supported request is malformed', () => {
  const frame = frameOf(encodeRequest(metadataApi, 4, 9, null, { topics: [{ name: 'topic' }] }))
  assert.throws(() => decodeRequest(frame.subarray(0, frame.length - 3), registry), { code: 'TRIB_ERR_MALFORMED' })
})

test('responses decode as a client reads them', () => {
  const body = { throttleTimeMs: 0, brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null }], clusterId: 'c', controllerId: 1, topics: [] }
  const frame = frameOf(encodeResponse(metadataApi, 12, 11, body))
  const { header, body: decoded } = decodeResponse(frame, metadataApi, 12)
  assert.equal(header.correlationId, 11)
  assert.deepEqual(decoded.brokers, body.brokers)
  assert.equal(decoded.clusterId, 'c')
})

test('an unsupported ApiVersions request is answered in v0 with error 35 and our ApiVersions range', () => {
  const frame = frameOf(encodeUnsupportedApiVersionsResponse(7))
  assert.equal(frame.toString('hex'), '00000007' + '0023' + '00000001' + '0012' + '0000' + '0004')
})
