import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir } from 'node:fs/promises'
import { fitFileName, MAX_FILE_NAME_BYTES, siblingPath } from '../../src/log/file-names.js'
import { LogManager } from '../../src/log/log-manager.js'
import { tempDir } from './helpers.js'

const LONGEST = 'a.b_c-D9'.repeat(31) + 'z'

test('a name that fits is left as it is', () => {
  assert.equal(fitFileName('orders', '.json'), 'orders.json')
  assert.equal(siblingPath('/d/orders.json', '.1.tmp'), '/d/orders.json.1.tmp')
})

test('a long stem is cut so stem and suffix fit in 255 bytes, the suffix kept whole', () => {
  const name = fitFileName(LONGEST, '-7.0b7e2c1a-1111-2222-3333-444455556666-delete')
  assert.equal(Buffer.byteLength(name), MAX_FILE_NAME_BYTES)
  assert.ok(name.endsWith('-7.0b7e2c1a-1111-2222-3333-444455556666-delete'))
  assert.ok(LONGEST.startsWith(name.slice(0, 100)))
})

test('a topic with a 249-character name is created, reopened and deleted', async () => {
  assert.equal(LONGEST.length, 249)
  const dir = await tempDir()
  const logs = await LogManager.open(dir, { logCleanerIntervalMs: 0 })
  await logs.createTopic(LONGEST, 2)
  await logs.close()
  const again = await LogManager.open(dir, { logCleanerIntervalMs: 0 })
  assert.equal(again.topic(LONGEST)?.partitions, 2)
  await again.deleteTopic(LONGEST)
  assert.deepEqual((await readdir(dir)).filter(n => n.startsWith('a.b_c')), [])
  await again.close()
})
