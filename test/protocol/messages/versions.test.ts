import { test } from 'node:test'
import assert from 'node:assert/strict'
import { inVersions, parseVersions } from '../../../src/protocol/messages/versions.js'

test('open, closed, single and empty ranges parse as Kafka writes them', () => {
  assert.deepEqual(parseVersions('3+'), { min: 3, max: Infinity })
  assert.deepEqual(parseVersions('3-5'), { min: 3, max: 5 })
  assert.deepEqual(parseVersions('7'), { min: 7, max: 7 })
  assert.deepEqual(parseVersions('none'), { min: Infinity, max: -Infinity })
})

test('membership is inclusive at both ends', () => {
  assert.equal(inVersions('3-5', 2), false)
  assert.equal(inVersions('3-5', 3), true)
  assert.equal(inVersions('3-5', 5), true)
  assert.equal(inVersions('3-5', 6), false)
  assert.equal(inVersions('0+', 0), true)
  assert.equal(inVersions('0+', 1000), true)
  assert.equal(inVersions('7', 7), true)
  assert.equal(inVersions('none', 0), false)
  assert.equal(inVersions(undefined, 0), false)
})

test('a range is parsed once and cached', () => {
  assert.equal(parseVersions('4-9'), parseVersions('4-9'))
})

test('a malformed range is refused', () => {
  assert.throws(() => parseVersions('5-3'))
  assert.throws(() => parseVersions('x+'))
})
