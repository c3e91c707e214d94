import { test } from 'node:test'
import assert from 'node:assert/strict'
import { jsonTextTooDeep, MAX_JSON_DEPTH } from '../../src/bus/json-depth.js'

test('text nested one level past the limit is too deep, at the limit it is not, whatever the brackets mix', () => {
  const deep = (n: number): string => '{"a":'.repeat(Math.ceil(n / 2)) + '['.repeat(Math.floor(n / 2)) + ']'.repeat(Math.floor(n / 2)) + '}'.repeat(Math.ceil(n / 2))
  assert.equal(jsonTextTooDeep(deep(MAX_JSON_DEPTH + 1)), true)
  assert.equal(jsonTextTooDeep(deep(MAX_JSON_DEPTH)), false)
})

test('many brackets side by side, or inside strings, are not depth', () => {
  const wide = JSON.stringify({ list: Array.from({ length: 3000 }, (_, i) => ({ i })), text: '[{'.repeat(2000) })
  assert.equal(jsonTextTooDeep(wide), false)
  assert.equal(jsonTextTooDeep(JSON.stringify({ s: '['.repeat(5000) })), false)
})

test('a long text with few brackets is settled without the scan, and stays correct', () => {
  assert.equal(jsonTextTooDeep(JSON.stringify({ note: 'x'.repeat(100_000) })), false)
  assert.equal(jsonTextTooDeep('x'.repeat(5000) + '['.repeat(MAX_JSON_DEPTH + 1)), true)
})
