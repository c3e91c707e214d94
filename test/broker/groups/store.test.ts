import { test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32c } from '@node-rs/crc32'
import { GroupStore, JOURNAL_FILE } from '../../../src/broker/groups/store.js'
import { LEGACY_JOURNAL_FILE } from '../../../src/broker/groups/store-legacy.js'
import { encodeRecord, RecordType, type StoreRecord } from '../../../src/broker/groups/store-records.js'
import { encodeFrame } from '../../../src/log/journal-format.js'
import { appendUntilFull, DiskFullStore } from '../../helpers/disk-full.js'
import { at } from '../../helpers/at.js'

const offsets = (groupId: string, offset: number, partition = 0): StoreRecord => ({
  type: RecordType.Offsets,
  groupId,
  entries: [{ topic: 'orders', partition, offset: BigInt(offset), leaderEpoch: -1, metadata: `m${offset}`, commitTimestamp: 1000 + offset, expireTimestamp: -1 }]
})

const group = (groupId: string, generationId: number): StoreRecord => ({
  type: RecordType.Group, groupId, protocolType: 'consumer', generationId, protocolName: 'range', leaderId: null, stateTimestamp: 5, members: []
})

async function withDir (fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-group-store-'))
  try { await fn(dir) } finally { await rm(dir, { recursive: true, force: true }) }
}

async function replayAll (dir: string, options: { compactAfterBytes?: number } = {}): Promise<{ records: StoreRecord[], store: GroupStore, truncatedBytes: number }> {
  const records: StoreRecord[] = []
  const store = new GroupStore({ dir, ...options })
  const report = await store.open(r => records.push(r))
  return { records, store, truncatedBytes: report.truncatedBytes }
}

test('the live state comes back after a reopen: the latest offset per partition, deletes applied', async () => {
  await withDir(async dir => {
    const { store } = await replayAll(dir)
    await store.append([offsets('a', 1), offsets('a', 5, 1), group('a', 1)])
    await store.append(offsets('a', 2))
    await store.append([offsets('b', 9), group('b', 3)])
    await store.append({ type: RecordType.GroupDelete, groupId: 'b' })
    await store.append({ type: RecordType.OffsetDeletes, groupId: 'a', entries: [{ topic: 'orders', partition: 1 }] })
    await store.close()
    const { records, store: again } = await replayAll(dir)
    assert.deepEqual(records, [offsets('a', 2), group('a', 1)])
    await again.close()
  })
})

test('a record is on disk when its append resolves, without close', async () => {
  await withDir(async dir => {
    const { store } = await replayAll(dir)
    await store.append(offsets('a', 7))
    const { records, store: second } = await replayAll(dir)
    assert.deepEqual(records, [offsets('a', 7)])
    await second.close()
    await store.close()
  })
})

test('concurrent appends share fsyncs (group commit) and all land', async () => {
  await withDir(async dir => {
    const { store } = await replayAll(dir)
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.append(offsets('g', i, i))))
    assert.ok(store.stats.flushes < 50, `expected shared fsyncs, got ${store.stats.flushes}`)
    await store.close()
    const { records, store: again } = await replayAll(dir)
    assert.equal(records.length, 50)
    await again.close()
  })
})

test('a torn tail is cut off on recovery and later appends follow the last whole record', async () => {
  await withDir(async dir => {
    const { store } = await replayAll(dir)
    await store.append(offsets('a', 1))
    await store.append(offsets('b', 2))
    await store.close()
    const journal = join(dir, JOURNAL_FILE)
    const whole = (await stat(journal)).size
    const full = await readFile(journal)
    // Half of a third frame, as a crash mid-write leaves it.
    const third = encodeFrame([{ key: 'x', value: Buffer.alloc(30) }]).bytes
    await appendFile(journal, third.subarray(0, third.length - 5))
    const recovered = await replayAll(dir)
    assert.deepEqual(recovered.records, [offsets('a', 1), offsets('b', 2)])
    assert.equal(recovered.truncatedBytes, third.length - 5)
    assert.equal((await stat(journal)).size, whole)
    await recovered.store.append(offsets('c', 4))
    await recovered.store.close()
    const after = await replayAll(dir)
    assert.deepEqual(after.records, [offsets('a', 1), offsets('b', 2), offsets('c', 4)])
    assert.ok((await readFile(journal)).subarray(0, full.length).equals(full))
    await after.store.close()
  })
})

test('a record with a bad checksum ends recovery there', async () => {
  await withDir(async dir => {
    const { store } = await replayAll(dir)
    await store.append(offsets('a', 1))
    await store.append(offsets('b', 2))
    await store.close()
    const journal = join(dir, JOURNAL_FILE)
    const bytes = await readFile(journal)
    bytes[bytes.length - 3] = at(bytes, bytes.length - 3) ^ 0xff
    await writeFile(journal, bytes)
    const { records, store: again, truncatedBytes } = await replayAll(dir)
    assert.deepEqual(records, [offsets('a', 1)])
    assert.ok(truncatedBytes > 0)
    await again.close()
  })
})

test('a value that does not decode is logged with its key and skipped; the rest loads', async () => {
  await withDir(async dir => {
    const { store } = await replayAll(dir)
    await store.append(offsets('good', 1))
    await store.close()
    // a frame with a valid checksum whose value is not a group record (a bug, or a newer layout)
    await appendFile(join(dir, JOURNAL_FILE), encodeFrame([{ key: '["g","bad"]', value: Buffer.from([3, 9, 9]) }]).bytes)
    const warnings: object[] = []
    const records: StoreRecord[] = []
    const again = new GroupStore({ dir, logger: { warn: obj => warnings.push(obj) } })
    await again.open(r => records.push(r))
    assert.deepEqual(records, [offsets('good', 1)])
    assert.equal((at(warnings, 0) as { key: string }).key, '["g","bad"]')
    await again.close()
  })
})

test('group ids and topics of any length and characters persist: 300 characters, unicode, path-like', async () => {
  await withDir(async dir => {
    const ids = ['g'.repeat(300), 'grüppe/日本/🚀', '../../etc/passwd', '']
    const { store } = await replayAll(dir)
    for (const [i, id] of ids.entries()) await store.append([offsets(id, i), group(id, i)])
    await store.close()
    const { records, store: again } = await replayAll(dir)
    assert.deepEqual(records, ids.flatMap((id, i) => [offsets(id, i), group(id, i)]))
    assert.deepEqual((await readdir(dir)).sort(), [JOURNAL_FILE])
    await again.close()
  })
})

test('the same offsets rewritten many times compact by themselves, keeping the latest', async () => {
  await withDir(async dir => {
    const { store } = await replayAll(dir, { compactAfterBytes: 2000 })
    for (let i = 0; i < 100; i++) await store.append(offsets('a', i))
    assert.ok(store.stats.compactions >= 1)
    assert.ok(store.sizeBytes < 2000)
    await store.compact()
    await store.close()
    const { records, store: again } = await replayAll(dir)
    assert.deepEqual(records, [offsets('a', 99)])
    await again.close()
  })
})

test('a data directory written by the previous layout (groups.journal) is migrated once, with its state', async () => {
  await withDir(async dir => {
    // the previous layout: [u32 length][u32 CRC32C][record body] frames, replayed in order
    const legacy = [offsets('a', 1), offsets('a', 2), group('a', 4), offsets('gone', 3), { type: RecordType.GroupDelete, groupId: 'gone' } as StoreRecord, offsets('b', 7)]
    const frames = legacy.map(r => {
      const body = encodeRecord(r)
      const header = Buffer.alloc(8)
      header.writeUInt32BE(body.length, 0)
      header.writeUInt32BE(crc32c(body), 4)
      return Buffer.concat([header, body])
    })
    await writeFile(join(dir, LEGACY_JOURNAL_FILE), Buffer.concat(frames))
    const first = await replayAll(dir)
    assert.deepEqual(first.records, legacy, 'the legacy records are replayed in order')
    await first.store.close()
    assert.deepEqual(await readdir(dir), [JOURNAL_FILE], 'the legacy file is gone once migrated')
    const { records, store } = await replayAll(dir)
    assert.deepEqual(records, [offsets('a', 2), group('a', 4), offsets('b', 7)])
    await store.close()
  })
})

test('on a full disk no acknowledged offset commit is lost, and the journal stays readable', async () => {
  await withDir(async dir => {
    const limit = 256 * 1024
    const { store: filler } = await replayAll(dir)
    const fill = (i: number): StoreRecord => offsets(`fill${i}/${'f'.repeat(1000)}`, i)
    const frameBytes = encodeFrame([{ key: JSON.stringify(['o', `fill0/${'f'.repeat(1000)}`, 'orders', 0]), value: encodeRecord(fill(0)) }]).bytes.length
    const count = Math.floor((limit - 5000) / frameBytes)
    await filler.append(Array.from({ length: count }, (_, i) => fill(i)))
    await filler.close()
    assert.ok((await stat(join(dir, JOURNAL_FILE))).size < limit)
    const run = await appendUntilFull(DiskFullStore.groups, dir, limit / 1024, 297)
    assert.equal(run.failed, true, 'the disk filled up')
    const { records, store } = await replayAll(dir)
    const ids = new Set(records.map(r => at(r.groupId.split('/'), 0)))
    for (const id of run.acked) assert.ok(ids.has(id), `acknowledged ${id} survives`)
    // after space is freed, new records append cleanly after the last good one
    await store.append(offsets('later', 1))
    await store.close()
    const { records: again, store: last } = await replayAll(dir)
    assert.deepEqual(again[again.length - 1], offsets('later', 1))
    await last.close()
  })
})
