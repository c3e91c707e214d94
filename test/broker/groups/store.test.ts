import { test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GroupStore, JOURNAL_FILE } from '../../../src/broker/groups/store.js'
import { encodeRecord, RecordType, type StoreRecord } from '../../../src/broker/groups/store-records.js'
import { appendUntilFull, DiskFullStore } from '../../helpers/disk-full.js'

const offsets = (groupId: string, offset: number): StoreRecord => ({
  type: RecordType.Offsets,
  groupId,
  entries: [{ topic: 'orders', partition: 0, offset: BigInt(offset), leaderEpoch: -1, metadata: `m${offset}`, commitTimestamp: 1000 + offset, expireTimestamp: -1 }]
})

async function withDir (fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-group-store-'))
  try { await fn(dir) } finally { await rm(dir, { recursive: true, force: true }) }
}

async function replayAll (dir: string, snapshot: () => StoreRecord[] = () => []): Promise<{ records: StoreRecord[], store: GroupStore, truncatedBytes: number }> {
  const records: StoreRecord[] = []
  const store = new GroupStore({ dir, snapshot })
  const report = await store.open(r => records.push(r))
  return { records, store, truncatedBytes: report.truncatedBytes }
}

test('records appended are replayed in order after a reopen', async () => {
  await withDir(async dir => {
    const { store } = await replayAll(dir)
    const written = [offsets('a', 1), { type: RecordType.GroupDelete, groupId: 'b' } as StoreRecord, offsets('a', 2)]
    for (const r of written) await store.append(r)
    await store.close()
    const { records, store: again } = await replayAll(dir)
    assert.deepEqual(records, written)
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
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.append(offsets('g', i))))
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
    await store.append(offsets('a', 2))
    await store.close()
    const journal = join(dir, JOURNAL_FILE)
    const whole = (await stat(journal)).size
    const full = await readFile(journal)
    // Half of a third record, as a crash mid-write leaves it.
    const third = encodeRecord(offsets('a', 3))
    await appendFile(journal, third.subarray(0, third.length - 5))
    const recovered = await replayAll(dir)
    assert.deepEqual(recovered.records, [offsets('a', 1), offsets('a', 2)])
    assert.equal(recovered.truncatedBytes, third.length - 5)
    assert.equal((await stat(journal)).size, whole)
    await recovered.store.append(offsets('a', 4))
    await recovered.store.close()
    const after = await replayAll(dir)
    assert.deepEqual(after.records, [offsets('a', 1), offsets('a', 2), offsets('a', 4)])
    assert.ok((await readFile(journal)).subarray(0, full.length).equals(full))
    await after.store.close()
  })
})

test('a record with a bad checksum ends recovery there', async () => {
  await withDir(async dir => {
    const { store } = await replayAll(dir)
    await store.append(offsets('a', 1))
    await store.append(offsets('a', 2))
    await store.close()
    const journal = join(dir, JOURNAL_FILE)
    const bytes = await readFile(journal)
    bytes[bytes.length - 3] ^= 0xff
    await writeFile(journal, bytes)
    const { records, store: again, truncatedBytes } = await replayAll(dir)
    assert.deepEqual(records, [offsets('a', 1)])
    assert.ok(truncatedBytes > 0)
    await again.close()
  })
})

test('compaction rewrites the journal as the snapshot, and grows trigger it automatically', async () => {
  await withDir(async dir => {
    const live = [offsets('a', 99)]
    const store = new GroupStore({ dir, snapshot: () => live, compactAfterBytes: 2000 })
    await store.open(() => {})
    for (let i = 0; i < 40; i++) await store.append(offsets('a', i))
    assert.ok(store.stats.compactions >= 1)
    assert.ok(store.sizeBytes < 2000)
    await store.compact()
    await store.close()
    const { records, store: again } = await replayAll(dir)
    assert.deepEqual(records, live)
    await again.close()
  })
})

test('on a full disk no acknowledged offset commit is lost, and the journal stays readable', async () => {
  await withDir(async dir => {
    const limit = 256 * 1024
    const { store: filler } = await replayAll(dir)
    const fill: StoreRecord = { type: RecordType.GroupDelete, groupId: 'f'.repeat(1000) }
    const count = Math.floor((limit - 5000) / encodeRecord(fill).length)
    await filler.append(Array.from({ length: count }, () => fill))
    await filler.close()
    assert.ok((await stat(join(dir, JOURNAL_FILE))).size < limit)
    const run = await appendUntilFull(DiskFullStore.groups, dir, limit / 1024, 297)
    assert.equal(run.failed, true, 'the disk filled up')
    const { records, store } = await replayAll(dir)
    const ids = new Set(records.map(r => r.groupId.split('/')[0]))
    for (const id of run.acked) assert.ok(ids.has(id), `acknowledged ${id} survives`)
    // after space is freed, new records append cleanly after the last good one
    await store.append(offsets('later', 1))
    await store.close()
    const { records: again, store: last } = await replayAll(dir)
    assert.deepEqual(again[again.length - 1], offsets('later', 1))
    await last.close()
  })
})
