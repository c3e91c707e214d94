import { test } from 'node:test'
import assert from 'node:assert/strict'
import { TailCacheBudget, sizeClassOf } from '../../src/log/tail-cache.js'

const GROUP_BYTES = 64 * 1024

/** A written group of one batch filling `GROUP_BYTES` with `fill`, at offsets [base, base + 9]. */
function group (base: number, fill: number) {
  return [{ payload: Buffer.alloc(GROUP_BYTES, fill), batches: [{ position: 0, size: GROUP_BYTES, baseOffset: base, lastOffset: base + 9 }] }]
}

test('memory of evicted groups that no fetch read is reused for the next groups', () => {
  const budget = new TailCacheBudget(4 * GROUP_BYTES)
  const cache = budget.cache()
  for (let g = 0; g < 20; g++) cache.add(group(g * 10, g))
  assert.ok(budget.reusedBytes >= 10 * GROUP_BYTES, `reused ${budget.reusedBytes} bytes over 20 groups in a budget of 4`)
  // the newest groups still read back as written
  const read = cache.read(190, GROUP_BYTES, true)
  assert.ok(read !== null)
  assert.deepEqual(read.chunks[0], Buffer.alloc(GROUP_BYTES, 19))
})

test('a view a fetch was handed keeps its bytes after its group is evicted and many more are cached', () => {
  const budget = new TailCacheBudget(4 * GROUP_BYTES)
  const cache = budget.cache()
  cache.add(group(0, 0xaa))
  const lent = cache.read(0, GROUP_BYTES, true)
  assert.ok(lent !== null)
  for (let g = 1; g < 30; g++) cache.add(group(g * 10, g))
  assert.equal(cache.read(0, GROUP_BYTES, true), null, 'the first group was evicted')
  assert.deepEqual(lent.chunks[0], Buffer.alloc(GROUP_BYTES, 0xaa), 'its memory was not reused under the view')
})

test('spare memory stays under a quarter of the budget', () => {
  const budget = new TailCacheBudget(8 * GROUP_BYTES)
  const caches = Array.from({ length: 8 }, () => budget.cache())
  caches.forEach((c, i) => c.add(group(0, i)))
  for (const c of caches) c.clear()
  assert.equal(budget.usedBytes, 0)
  assert.ok(budget.spareBytes <= 2 * sizeClassOf(GROUP_BYTES), `spare ${budget.spareBytes}`)
})

test('size classes waste at most a quarter of a buffer', () => {
  for (const size of [4096, 4097, 65_535, 100_000, 1_000_000, 1_048_577]) {
    const c = sizeClassOf(size)
    assert.ok(c >= size && c <= size * 1.25 + 1, `${size} -> ${c}`)
  }
})

test('a fetch that brings its own buffers gets a copy, and the blocks it read are still reused', () => {
  const budget = new TailCacheBudget(4 * GROUP_BYTES)
  const cache = budget.cache()
  const handedOut: Buffer[] = []
  const allocate = (size: number): Buffer => { const b = Buffer.alloc(size); handedOut.push(b); return b }
  for (let g = 0; g < 20; g++) {
    cache.add(group(g * 10, g))
    const read = cache.read(g * 10, GROUP_BYTES, true, allocate)
    assert.ok(read !== null)
    assert.equal(read.chunks.length, 1)
    assert.equal(read.chunks[0], handedOut[handedOut.length - 1], 'the answer is the buffer the reader allocated')
    assert.deepEqual(read.chunks[0], Buffer.alloc(GROUP_BYTES, g))
  }
  assert.ok(budget.reusedBytes >= 10 * GROUP_BYTES, `reused ${budget.reusedBytes} bytes`)
  assert.deepEqual(handedOut[0], Buffer.alloc(GROUP_BYTES, 0), 'copies handed out earlier keep their bytes')
})

test('groups of varying sizes reuse spare memory of a somewhat larger class', () => {
  const budget = new TailCacheBudget(4 * GROUP_BYTES)
  const cache = budget.cache()
  let offset = 0
  for (let g = 0; g < 40; g++) {
    const size = GROUP_BYTES - (g % 7) * 3000
    cache.add([{ payload: Buffer.alloc(size, g), batches: [{ position: 0, size, baseOffset: offset, lastOffset: offset + 9 }] }])
    offset += 10
  }
  assert.ok(budget.reusedBytes >= 20 * (GROUP_BYTES - 18_000), `reused ${budget.reusedBytes} bytes`)
  const read = cache.read(offset - 10, GROUP_BYTES, true)
  assert.ok(read !== null)
  assert.deepEqual(read.chunks[0], Buffer.alloc(GROUP_BYTES - (39 % 7) * 3000, 39))
})

test('written groups from one batch to many MiB are cut into blocks whose memory is reused', () => {
  const budget = new TailCacheBudget(16 * 1024 * 1024)
  const cache = budget.cache()
  let offset = 0
  let written = 0
  for (let g = 0; g < 30; g++) {
    // a group of 1 to 8 batches of 900-1,000 KB, as a fast producer's coalesced writes
    const sizes = Array.from({ length: 1 + (g * 5) % 8 }, (_, i) => 900_000 + ((g + i) * 37_000) % 100_000)
    const payload = Buffer.alloc(sizes.reduce((a, b) => a + b, 0), g)
    const batches = []
    let position = 0
    for (const size of sizes) {
      batches.push({ position, size, baseOffset: offset, lastOffset: offset + 9 })
      position += size
      offset += 10
    }
    cache.add([{ payload, batches }])
    written += payload.length
  }
  assert.ok(budget.reusedBytes >= 0.6 * (written - 16 * 1024 * 1024), `reused ${budget.reusedBytes} of ${written} bytes`)
  const read = cache.read(offset - 10, 1 << 20, true)
  assert.ok(read !== null)
  assert.equal(read.chunks[0]![0], 29)
})

test('a large fetch (catching up) is lent views even with its own buffers, and keeps its bytes after eviction', () => {
  const budget = new TailCacheBudget(32 * GROUP_BYTES)
  const cache = budget.cache()
  const first = Array.from({ length: 17 }, (_, g) => g) // 1 MiB and a bit
  for (const g of first) cache.add(group(g * 10, 0x80 + g))
  const allocated: Buffer[] = []
  const read = cache.read(0, first.length * GROUP_BYTES, true, size => { const b = Buffer.alloc(size); allocated.push(b); return b })
  assert.ok(read !== null)
  assert.equal(read.bytes, first.length * GROUP_BYTES)
  assert.equal(allocated.length, 0, 'no copy of a read this large')
  for (let g = first.length; g < 120; g++) cache.add(group(g * 10, g))
  assert.deepEqual(Buffer.concat(read.chunks), Buffer.concat(first.map(g => Buffer.alloc(GROUP_BYTES, 0x80 + g))))
})
