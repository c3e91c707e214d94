import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { scanSegment } from '../../src/log/segment-scan.js'
import { realFs } from '../../src/log/fs.js'
import { batch, tempDir } from './helpers.js'
import { at } from '../helpers/at.js'

async function fileWith (parts: Buffer[]) {
  const fh = await realFs.open(join(await tempDir(), 'x.log'), true)
  await fh.writev(parts, 0)
  return { fh, size: parts.reduce((n, b) => n + b.length, 0) }
}

test('the scan visits every good batch and stops at a CRC error', async () => {
  const a = batch('a'); const b = batch('b', 2); const c = batch('c')
  c[c.length - 1] = at(c, c.length - 1) ^ 1
  const { fh, size } = await fileWith([a, b, c])
  const seen: number[] = []
  const r = await scanSegment(fh, 0, size, true, x => { seen.push(x.size) })
  assert.deepEqual(seen, [a.length, b.length])
  assert.deepEqual(r, { validEnd: a.length + b.length, stopReason: 'corrupt' })
  const unchecked = await scanSegment(fh, 0, size, false, () => {})
  assert.equal(unchecked.stopReason, 'end')
  await fh.close()
})

test('a batch running past the end is torn; a bad magic or length is corrupt', async () => {
  const a = batch('a')
  const { fh, size } = await fileWith([a, batch('b').subarray(0, 40)])
  assert.deepEqual(await scanSegment(fh, 0, size, true, () => {}), { validEnd: a.length, stopReason: 'torn' })
  await fh.close()
  const bad = batch('z'); bad.writeInt8(9, 16)
  const f2 = await fileWith([a, bad])
  assert.equal((await scanSegment(f2.fh, 0, f2.size, true, () => {})).stopReason, 'corrupt')
  await f2.fh.close()
})

test('returning false from the callback stops the scan early', async () => {
  const { fh, size } = await fileWith([batch('a'), batch('b'), batch('c')])
  let n = 0
  await scanSegment(fh, 0, size, true, () => { n++; return n < 2 })
  assert.equal(n, 2)
  await fh.close()
})
