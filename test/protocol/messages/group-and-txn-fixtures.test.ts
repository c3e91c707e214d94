// Checks the consumer-group and transaction message definitions against bytes a
// real client and a real Apache Kafka broker produced (kafkajs's captured
// fixtures), and round-trips a full request and response of every API at the
// highest version we advertise.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeBuffer, encodeToBuffer } from '../../../src/protocol/codec.js'
import { groupApis } from '../../../src/protocol/messages/group-apis.js'
import { txnApis } from '../../../src/protocol/messages/txn-apis.js'
import type { ApiSpec } from '../../../src/protocol/messages/spec.js'
import { roundTripCases } from './group-and-txn-samples.js'
import { kafkaWireFixtures, type WireFixture } from '../../helpers/conformance.js'

const fixtures = kafkaWireFixtures()

const ours = [...groupApis, ...txnApis]

/** kafkajs names APIs like our specs, with a lower-case first letter. */
function kafkajsName (api: ApiSpec): string {
  return api.name[0]!.toLowerCase() + api.name.slice(1)
}

const byKafkajsName = new Map(ours.map(api => [kafkajsName(api), api]))
const ourFixtures = fixtures.filter(f => byKafkajsName.has(f.api))

function label (f: WireFixture): string {
  return `${f.api} v${f.version} ${f.kind}${f.variant === '' ? '' : ` (${f.variant})`}`
}

test('the group and transaction API lists hold each API once with a sane version range', () => {
  const keys = ours.map(api => api.apiKey)
  assert.equal(new Set(keys).size, keys.length)
  assert.deepEqual(groupApis.map(a => a.apiKey).sort((a, b) => a - b), [8, 9, 10, 11, 12, 13, 14, 15, 16, 42, 47])
  assert.deepEqual(txnApis.map(a => a.apiKey).sort((a, b) => a - b), [22, 24, 25, 26, 28, 61, 65, 66])
  for (const api of ours) {
    assert.ok(api.minVersion >= 0 && api.minVersion <= api.maxVersion, api.name)
    assert.equal(api.request.name, `${api.name}Request`)
    assert.equal(api.response.name, `${api.name}Response`)
  }
})

test('the fixtures cover most of our group and transaction APIs', () => {
  // Guards against the filter above silently matching nothing (a renamed API).
  const covered = new Set(ourFixtures.map(f => f.api))
  for (const name of ['findCoordinator', 'joinGroup', 'syncGroup', 'heartbeat', 'leaveGroup', 'offsetCommit', 'offsetFetch',
    'describeGroups', 'initProducerId', 'addPartitionsToTxn', 'addOffsetsToTxn', 'endTxn', 'txnOffsetCommit']) {
    assert.ok(covered.has(name), `no fixture for ${name}`)
  }
})

for (const f of ourFixtures) {
  const api = byKafkajsName.get(f.api)!
  const spec = f.kind === 'request' ? api.request : api.response
  const bytes = Buffer.from(f.hex, 'hex')

  test(`${label(f)} decodes to its last byte and re-encodes to the same bytes`, () => {
    assert.ok(f.version >= api.minVersion && f.version <= api.maxVersion, `version ${f.version} outside ${api.minVersion}-${api.maxVersion}`)
    const { body, consumed } = decodeBuffer(spec, f.version, bytes)
    assert.equal(consumed, bytes.length, 'bytes left over after decoding')
    assert.equal(encodeToBuffer(spec, f.version, body).toString('hex'), f.hex)
  })
}

/** Every key given in `expected` must be in `actual` with the same value (recursively). */
function assertContains (actual: unknown, expected: unknown, path: string): void {
  if (Buffer.isBuffer(expected)) {
    assert.ok(Buffer.isBuffer(actual), `${path}: expected a Buffer`)
    assert.equal(actual.toString('hex'), expected.toString('hex'), path)
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array`)
    assert.equal(actual.length, expected.length, `${path}: length`)
    expected.forEach((e, i) => assertContains(actual[i], e, `${path}[${i}]`))
  } else if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: expected an object`)
    for (const [key, value] of Object.entries(expected)) {
      assertContains((actual as Record<string, unknown>)[key], value, `${path}.${key}`)
    }
  } else {
    assert.equal(actual, expected, path)
  }
}

for (const api of ours) {
  const sample = roundTripCases[api.name]
  for (const kind of ['request', 'response'] as const) {
    test(`${api.name} v${api.maxVersion} ${kind} survives an encode and decode round trip`, () => {
      assert.ok(sample !== undefined, `no round-trip sample for ${api.name}`)
      const spec = api[kind]
      const body = sample[kind]
      const encoded = encodeToBuffer(spec, api.maxVersion, body)
      const { body: decoded, consumed } = decodeBuffer(spec, api.maxVersion, encoded)
      assert.equal(consumed, encoded.length)
      assertContains(decoded, body, kind)
      assert.equal(encodeToBuffer(spec, api.maxVersion, decoded).toString('hex'), encoded.toString('hex'))
    })
  }
}
