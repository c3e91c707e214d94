import { test } from 'node:test'
import assert from 'node:assert/strict'
import { countRecords } from '../../src/metrics/batches.js'
import { encodeBatch } from '../../src/protocol/records/batch-codec.js'

const stream = Buffer.concat([1, 3, 5].map(n => encodeBatch(Array.from({ length: n }, (_, i) => ({ value: `v${i}`, timestamp: 1 })))))

test('records are counted across buffers split anywhere, headers included, and a partial last batch is not counted', () => {
  assert.equal(countRecords([stream]), 9)
  for (let a = 0; a <= stream.length; a += 7) {
    for (let b = a; b <= stream.length; b += 29) {
      assert.equal(countRecords([stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]), 9, `split at ${a} and ${b}`)
    }
  }
  const cut = stream.subarray(0, stream.length - 3)
  assert.equal(countRecords([cut.subarray(0, 40), cut.subarray(40)]), 4)
  assert.equal(countRecords([]), 0)
})
