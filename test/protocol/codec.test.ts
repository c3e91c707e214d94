/* eslint-disable @typescript-eslint/no-explicit-any -- assert.throws/rejects validators read the thrown error's code fields */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeBuffer, decodeMessage, defaultBody, encodeMessage, encodeToBuffer, isFlexible } from '../../src/protocol/codec.js'
import type { MessageSpec } from '../../src/protocol/messages/spec.js'
import { Reader } from '../../src/protocol/primitives/reader.js'
import { Writer, ZERO_COPY_THRESHOLD } from '../../src/protocol/primitives/writer.js'
import { at } from '../helpers/at.js'

// A made-up message exercising every feature, flexible from v2.
const sample = {
  name: 'SampleRequest',
  flexibleVersions: '2+',
  fields: [
    { name: 'id', type: 'int32', versions: '0+' },
    { name: 'label', type: 'string', versions: '0+', nullableVersions: '1+' },
    { name: 'since', type: 'int64', versions: '1+', default: -1n },
    { name: 'topicId', type: 'uuid', versions: '2+' },
    {
      name: 'items',
      type: [
        { name: 'index', type: 'int32', versions: '0+' },
        { name: 'payload', type: 'records', versions: '0+', nullableVersions: '0+' },
        { name: 'note', type: 'string', versions: '2+', taggedVersions: '2+', tag: 0, nullableVersions: '2+', default: null }
      ],
      array: true,
      versions: '0+'
    },
    { name: 'replicas', type: 'int32', array: true, versions: '0+', nullableVersions: '1+' },
    {
      name: 'leader',
      type: [
        { name: 'leaderId', type: 'int32', versions: '0+', default: -1 },
        { name: 'leaderEpoch', type: 'int32', versions: '0+', default: -1 }
      ],
      versions: '2+',
      taggedVersions: '2+',
      tag: 3
    },
    { name: 'clusterId', type: 'string', versions: '2+', taggedVersions: '2+', tag: 1, nullableVersions: '2+', default: null }
  ]
} as const satisfies MessageSpec

// The same definition seen as a plain MessageSpec: bodies are not type-checked, so
// tests can give the codec what the types forbid (fields left out) and see what it does.
const untypedSample: MessageSpec = sample

test('a body round trips at every version, absent fields coming back as defaults', () => {
  const body = {
    id: 7,
    label: 'x',
    since: 123n,
    topicId: 'aa'.repeat(16),
    items: [{ index: 0, payload: Buffer.from('abc'), note: 'hi' }, { index: 1, payload: null, note: null }],
    replicas: [1, 2, 3],
    leader: { leaderId: 4, leaderEpoch: 9 },
    clusterId: 'c1'
  }
  const v0 = decodeBuffer(sample, 0, encodeToBuffer(sample, 0, body)).body
  assert.deepEqual(v0, { ...body, since: -1n, topicId: '0'.repeat(32), items: [{ index: 0, payload: Buffer.from('abc'), note: null }, { index: 1, payload: null, note: null }], leader: { leaderId: -1, leaderEpoch: -1 }, clusterId: null })
  const v2 = decodeBuffer(sample, 2, encodeToBuffer(sample, 2, body)).body
  assert.deepEqual(v2, body)
})

test('flexible versions use compact lengths and end every struct with tagged fields', () => {
  const bytes = encodeToBuffer(sample, 2, { id: 1, label: 'ab', items: [], replicas: null })
  assert.equal(bytes.toString('hex'),
    '00000001' + // id
    '03' + '6162' + // compact string "ab"
    'ffffffffffffffff' + // since default -1
    '00'.repeat(16) + // topicId
    '01' + // items: empty compact array (length + 1)
    '00' + // replicas: null compact array
    '00') // no tagged fields
})

test('tagged fields are written only when not default, in tag order, and read back', () => {
  const body = { id: 1, label: '', items: [], replicas: [], clusterId: 'k', leader: { leaderId: 5, leaderEpoch: -1 } }
  const bytes = encodeToBuffer(sample, 2, body)
  const tail = bytes.subarray(bytes.length - 16)
  // 2 tagged fields: tag 1 (size 2: compact "k"), tag 3 (size 9: two int32 and the struct's own empty tag section)
  assert.equal(tail.toString('hex'), '02' + '01' + '02' + '026b' + '03' + '09' + '00000005ffffffff' + '00')
  const decoded = decodeBuffer(sample, 2, bytes).body
  assert.equal(decoded.clusterId, 'k')
  assert.deepEqual(decoded.leader, { leaderId: 5, leaderEpoch: -1 })
})

test('unknown tagged fields are skipped on decode', () => {
  const w = new Writer()
  w.int32(9).compactString('z').int64(0n).uuid('0'.repeat(32)).uvarint(1).uvarint(1)
  w.uvarint(2) // two tagged fields
  w.uvarint(1).uvarint(2).compactString('q') // known tag 1
  w.uvarint(42).uvarint(3).raw(Buffer.from([1, 2, 3])) // unknown tag 42
  w.int8(0x7f) // trailing byte after the message
  const r = new Reader(w.toBuffer())
  const body = decodeMessage(sample, 2, r)
  assert.equal(body.clusterId, 'q')
  assert.equal(r.remaining, 1)
})

test('records accept a list of Buffers, written behind one length without copying', () => {
  const a = Buffer.alloc(ZERO_COPY_THRESHOLD, 1)
  const b = Buffer.alloc(ZERO_COPY_THRESHOLD + 3, 2)
  for (const version of [0, 2]) {
    const w = new Writer()
    encodeMessage(sample, version, { id: 1, label: 'l', items: [{ index: 0, payload: [a, b] }], replicas: [] }, w)
    const chunks = w.toChunks()
    assert.ok(chunks.includes(a) && chunks.includes(b), 'batches are separate chunks')
    const decoded = decodeBuffer(sample, version, w.toBuffer()).body
    assert.deepEqual(at(decoded.items, 0).payload, Buffer.concat([a, b]))
  }
})

test('decoded records are views of the request buffer', () => {
  const bytes = encodeToBuffer(sample, 1, { id: 1, label: null, items: [{ index: 0, payload: Buffer.from('batch') }], replicas: null })
  const decoded = decodeBuffer(sample, 1, bytes).body
  assert.equal(decoded.label, null)
  assert.equal(decoded.replicas, null)
  assert.equal(at(decoded.items, 0).payload?.buffer, bytes.buffer)
})

test('int64 fields accept numbers when encoding', () => {
  const a = encodeToBuffer(sample, 1, { id: 1, label: 'a', since: 5, items: [], replicas: [] })
  const b = encodeToBuffer(sample, 1, { id: 1, label: 'a', since: 5n, items: [], replicas: [] })
  assert.deepEqual(a, b)
})

test('null in a field not nullable at that version is an encode error', () => {
  assert.throws(() => encodeToBuffer(sample, 0, { id: 1, label: null, items: [], replicas: [] }), { code: 'TRIB_ERR_ENCODE' })
  assert.throws(() => encodeToBuffer(sample, 0, { id: 1, label: 'a', items: [], replicas: null }), { code: 'TRIB_ERR_ENCODE' })
})

test('an array count the bytes cannot hold is malformed, with the message named', () => {
  const bytes = Buffer.from('00000001' + '0000' + '000000000000ffff', 'hex') // v1: id, label '', since, then items count 65535
  assert.throws(() => decodeBuffer(sample, 1, bytes.subarray(0, 14)), (err: any) => err.code === 'TRIB_ERR_MALFORMED' && /SampleRequest v1/.test(err.message))
  const truncated = Buffer.from('00000001' + '0000' + '0000000000000000' + '00010000', 'hex')
  assert.throws(() => decodeBuffer(sample, 1, truncated), { code: 'TRIB_ERR_MALFORMED' })
})

test('defaultBody gives every field its default for the version', () => {
  assert.deepEqual(defaultBody(sample, 2), {
    id: 0,
    label: null,
    since: -1n,
    topicId: '0'.repeat(32),
    items: [],
    replicas: null,
    leader: { leaderId: -1, leaderEpoch: -1 },
    clusterId: null
  })
  assert.equal(defaultBody(sample, 0).label, '')
  assert.equal(isFlexible(sample, 1), false)
  assert.equal(isFlexible(sample, 2), true)
})

test('fields missing from the body encode as their defaults', () => {
  const decoded = decodeBuffer(sample, 1, encodeToBuffer(untypedSample, 1, { id: 3 })).body
  assert.deepEqual(decoded, { id: 3, label: null, since: -1n, topicId: '0'.repeat(32), items: [], replicas: null, leader: { leaderId: -1, leaderEpoch: -1 }, clusterId: null })
})

test('a tagged struct holding only defaults, even partially given, is not written', () => {
  const plain = encodeToBuffer(untypedSample, 2, { id: 1, items: [], replicas: [] })
  const partial = encodeToBuffer(untypedSample, 2, { id: 1, items: [], replicas: [], leader: { leaderId: -1 } })
  assert.deepEqual(partial, plain)
  assert.equal(plain[plain.length - 1], 0, 'empty tagged section')
})
