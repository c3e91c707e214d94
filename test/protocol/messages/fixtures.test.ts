// Conformance: message bodies captured on the wire by the kafkajs project (requests
// from a real client, responses from a real Apache Kafka broker) must decode with
// our definitions, consuming every byte, and re-encode to the very same bytes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeBuffer, encodeToBuffer } from '../../../src/protocol/codec.js'
import { definedApis } from '../../../src/protocol/messages/index.js'
import type { ApiSpec } from '../../../src/protocol/messages/spec.js'
import { kafkaWireFixtures, type WireFixture as Fixture } from '../../helpers/conformance.js'

const fixtures = kafkaWireFixtures()

// kafkajs names APIs in camelCase: "ListOffsets" is "listOffsets".
const specByFixtureName = new Map<string, ApiSpec>(
  definedApis.map(api => [api.name[0]!.toLowerCase() + api.name.slice(1), api])
)

// Captures of brokers that broke the protocol, which kafkajs tolerates on the client
// side. They are not valid bodies for their version, so our codec must reject them.
const OFF_SPEC = new Map<string, string>([
  ['apiVersions/1/response/missing_throttle_time', 'v1 defines ThrottleTimeMs after ApiKeys; this capture lacks it']
])

const key = (f: Fixture): string => `${f.api}/${f.version}/${f.kind}/${f.variant}`
const ours = fixtures.filter(f => specByFixtureName.has(f.api))

test('the fixture file has entries for our APIs', () => {
  assert.ok(ours.length > 100, `only ${ours.length} fixtures matched our API names`)
  for (const name of ['produce', 'fetch', 'metadata', 'apiVersions', 'listOffsets', 'createTopics']) {
    assert.ok(ours.some(f => f.api === name), `no fixture for ${name}`)
  }
})

test('only APIs we do not define are left without a definition', () => {
  const unmatched = [...new Set(fixtures.filter(f => !specByFixtureName.has(f.api)).map(f => f.api))].sort()
  assert.deepEqual(unmatched, ['alterPartitionReassignments', 'listPartitionReassignments'])
})

for (const f of ours.filter(f => OFF_SPEC.has(key(f)))) {
  test(`${f.api} v${f.version} ${f.kind} (${f.variant}) is rejected: ${OFF_SPEC.get(key(f))}`, () => {
    const api = specByFixtureName.get(f.api)!
    const spec = f.kind === 'request' ? api.request : api.response
    assert.throws(() => decodeBuffer(spec, f.version, Buffer.from(f.hex, 'hex')), { code: 'TRIB_ERR_MALFORMED' })
  })
}

for (const f of ours.filter(f => !OFF_SPEC.has(key(f)))) {
  const label = `${f.api} v${f.version} ${f.kind}${f.variant ? ` (${f.variant})` : ''}`
  test(`${label} decodes completely and re-encodes byte for byte`, () => {
    const api = specByFixtureName.get(f.api)!
    const spec = f.kind === 'request' ? api.request : api.response
    const bytes = Buffer.from(f.hex, 'hex')
    const { body, consumed } = decodeBuffer(spec, f.version, bytes)
    assert.equal(consumed, bytes.length, `${bytes.length - consumed} bytes left over`)
    const again = encodeToBuffer(spec, f.version, body)
    assert.equal(again.toString('hex'), f.hex)
  })
}
