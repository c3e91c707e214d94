import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildEnvelope, entrySize, formatEventTime } from '../../src/bus/envelope.js'

test('the envelope carries every EventBridge field', () => {
  const r = buildEnvelope({ Source: 's', DetailType: 'd', Detail: '{"a":1}', Time: 1714558830 }, '1', 'eu-west-1')
  assert.ok(r.ok)
  assert.deepEqual(Object.keys(r.event), ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'])
  assert.equal(r.event.time, '2024-05-01T10:20:30Z')
  assert.equal(r.text, JSON.stringify(r.event))
})

test('a Detail that is not a JSON object is MalformedDetail', () => {
  for (const detail of ['[]', '"s"', '1', 'null', '{']) {
    const r = buildEnvelope({ Source: 's', DetailType: 'd', Detail: detail }, '1', 'r')
    assert.ok(!r.ok && r.errorCode === 'MalformedDetail', detail)
  }
})

test('size counts Time as 14 bytes plus the UTF-8 bytes of the text fields', () => {
  assert.equal(entrySize({ Source: 'ab', DetailType: 'é', Detail: '{}', Resources: ['xyz'], Time: 1 }), 14 + 2 + 2 + 2 + 3)
  assert.equal(entrySize({ Source: 'ab' }), 2)
})

test('time is written to the second', () => {
  assert.equal(formatEventTime(Date.UTC(2024, 0, 2, 3, 4, 5, 999)), '2024-01-02T03:04:05Z')
})

test('a Time past what a date can hold fails its entry with InvalidArgument instead of throwing (found by fuzzing)', () => {
  for (const Time of [8_640_000_000_001, -8_640_000_000_001, 1e300]) {
    const outcome = buildEnvelope({ Source: 's', DetailType: 'd', Detail: '{}', Time }, '1', 'r')
    assert.deepEqual(outcome, { ok: false, errorCode: 'InvalidArgument', errorMessage: 'Parameter Time is not valid.' })
  }
  const latest = buildEnvelope({ Source: 's', DetailType: 'd', Detail: '{}', Time: 8_640_000_000_000 }, '1', 'r')
  assert.equal(latest.ok && latest.event.time, '+275760-09-13T00:00:00Z')
})

test('the envelope text carries the Detail as sent, so it parses to the same event and keeps the digits the caller wrote', () => {
  const detail = '{ "order": 12345678901234567890, "items": [ {"sku": "a\\u00e9"} ], "n": 1.50 }'
  const r = buildEnvelope({ Source: 'shop "eu"', DetailType: 'Order\nCreated', Detail: detail, Resources: ['arn:x'] }, '1', 'eu-west-1')
  assert.ok(r.ok)
  assert.deepEqual(JSON.parse(r.text), r.event)
  assert.ok(r.text.endsWith(`"detail":${detail}}`))
  assert.deepEqual(Object.keys(JSON.parse(r.text)), ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'])
})

test('a Detail holding a lone surrogate is serialised escaped, so the stored UTF-8 still holds it', () => {
  const r = buildEnvelope({ Source: 's', DetailType: 'd', Detail: '{"a":"x\ud800y"}' }, '1', 'r')
  assert.ok(r.ok)
  assert.ok(r.text.includes('"detail":{"a":"x\\ud800y"}'))
  assert.equal(JSON.parse(Buffer.from(r.text).toString()).detail.a, 'x\ud800y')
})
