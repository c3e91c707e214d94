import { test } from 'node:test'
import assert from 'node:assert/strict'
import { evaluateJsonPath, parseJsonPath } from '../../../src/bus/targets/json-path.js'

const doc = { detail: { 'user-id': 'u1', items: [{ sku: 'a' }, { sku: 'b' }], 'a/b': 1 } }
const at = (path: string): unknown => evaluateJsonPath(parseJsonPath(path)!, doc)

test('dot members with dashes and slashes, indices and quoted members resolve', () => {
  assert.equal(at('$.detail.user-id'), 'u1')
  assert.equal(at('$.detail.items[1].sku'), 'b')
  assert.equal(at("$.detail['user-id']"), 'u1')
  assert.equal(at('$.detail.a/b'), 1)
  assert.deepEqual(at('$'), doc)
})

test('wildcards collect every match', () => {
  assert.deepEqual(at('$.detail.items[*].sku'), ['a', 'b'])
})

test('missing parts are undefined and malformed paths do not parse', () => {
  assert.equal(at('$.detail.none.deeper'), undefined)
  assert.equal(at('$.detail.items[9]'), undefined)
  for (const bad of ['detail', '$..x', '$.a[', '$.a[x]']) assert.equal(parseJsonPath(bad), null, bad)
})
