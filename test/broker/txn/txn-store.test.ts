import { test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFile, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { JOURNAL_FILE, LEGACY_JOURNAL_FILE, TxnStore } from '../../../src/broker/txn/txn-store.js'
import type { TxnStoreRecord } from '../../../src/broker/txn/txn-store.js'
import { encodeFrame } from '../../../src/log/journal-format.js'
import { appendUntilFull, DiskFullStore } from '../../helpers/disk-full.js'
import { txnMeta } from '../../helpers/txn-meta.js'

async function withDir (fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'trib-txn-store-'))
  try { await fn(dir) } finally { await rm(dir, { recursive: true, force: true }) }
}

async function replay (dir: string, logger?: { warn: (obj: object) => void }): Promise<TxnStoreRecord[]> {
  const records: TxnStoreRecord[] = []
  const store = new TxnStore({ dir, logger })
  await store.open(r => records.push(r))
  await store.close()
  return records
}

test('the latest state of each transactional id and the producer-id block come back after a reopen', async () => {
  await withDir(async dir => {
    const store = new TxnStore({ dir })
    await store.open(() => {})
    await store.append({ t: 'pid', next: 1000 }, { t: 'txn', meta: txnMeta('a', 1, 0) })
    await store.append({ t: 'txn', meta: txnMeta('a', 1, 1) }, { t: 'txn', meta: txnMeta('b', 2) })
    await store.append({ t: 'del', id: 'b' }, { t: 'pid', next: 2000 })
    await store.close()
    assert.deepEqual(await replay(dir), [{ t: 'pid', next: 2000 }, { t: 'txn', meta: txnMeta('a', 1, 1) }])
  })
})

test('transactional ids of any length and characters persist: 300 characters, unicode, path-like', async () => {
  await withDir(async dir => {
    const ids = ['t'.repeat(300), 'trän/日本/🚀', '../../etc/passwd']
    const store = new TxnStore({ dir })
    await store.open(() => {})
    for (const id of ids) await store.append({ t: 'txn', meta: txnMeta(id) })
    await store.close()
    assert.deepEqual(await replay(dir), ids.map(id => ({ t: 'txn', meta: txnMeta(id) })))
    assert.deepEqual(await readdir(dir), [JOURNAL_FILE])
  })
})

test('a value that does not parse is logged with its key and skipped; the rest loads', async () => {
  await withDir(async dir => {
    const store = new TxnStore({ dir })
    await store.open(() => {})
    await store.append({ t: 'txn', meta: txnMeta('good') })
    await store.close()
    await appendFile(join(dir, JOURNAL_FILE), encodeFrame([{ key: 'txn:bad', value: Buffer.from('{not json') }]).bytes)
    const warnings: object[] = []
    assert.deepEqual(await replay(dir, { warn: obj => warnings.push(obj) }), [{ t: 'txn', meta: txnMeta('good') }])
    assert.equal((warnings[0] as { key: string }).key, 'txn:bad')
  })
})

test('a data directory written by the previous layout (journal.jsonl) is migrated once, torn last line and all', async () => {
  await withDir(async dir => {
    const lines: TxnStoreRecord[] = [{ t: 'pid', next: 1000 }, { t: 'txn', meta: txnMeta('a') }, { t: 'txn', meta: txnMeta('gone') }, { t: 'del', id: 'gone' }, { t: 'txn', meta: txnMeta('a', 1000, 3) }]
    await writeFile(join(dir, LEGACY_JOURNAL_FILE), lines.map(l => JSON.stringify(l) + '\n').join('') + '{"t":"txn","me')
    const first: TxnStoreRecord[] = []
    const store = new TxnStore({ dir })
    await store.open(r => first.push(r))
    await store.close()
    assert.deepEqual(first, lines, 'the legacy lines are replayed in order')
    assert.deepEqual(await readdir(dir), [JOURNAL_FILE])
    assert.deepEqual(await replay(dir), [{ t: 'pid', next: 1000 }, { t: 'txn', meta: txnMeta('a', 1000, 3) }])
  })
})

test('on a full disk no acknowledged transaction record is lost, and the journal stays readable', async () => {
  await withDir(async dir => {
    const limit = 256 * 1024
    const filler = new TxnStore({ dir, compactAfterBytes: 1 << 30 })
    await filler.open(() => {})
    const fill = (i: number): TxnStoreRecord => ({ t: 'txn', meta: txnMeta(`fill${i}/${'f'.repeat(1000)}`) })
    // a put costs 9 bytes plus its key (`txn:` and the id) and its value (the state as JSON)
    const meta = txnMeta(`fill9999/${'f'.repeat(1000)}`)
    const perRecord = 9 + 4 + meta.transactionalId.length + JSON.stringify(meta).length
    await filler.append(...Array.from({ length: Math.floor((limit - 5000) / perRecord) }, (_, i) => fill(i)))
    await filler.close()
    assert.ok((await stat(join(dir, JOURNAL_FILE))).size < limit)
    const run = await appendUntilFull(DiskFullStore.txn, dir, limit / 1024, 297)
    assert.equal(run.failed, true, 'the disk filled up')
    const ids = new Set((await replay(dir)).map(r => r.t === 'txn' ? r.meta.transactionalId.split('/')[0] : ''))
    for (const id of run.acked) assert.ok(ids.has(id), `acknowledged ${id} survives`)
    // after space is freed, new records append cleanly after the last good one
    const store = new TxnStore({ dir })
    await store.open(() => {})
    await store.append({ t: 'txn', meta: txnMeta('later') })
    await store.close()
    assert.ok((await replay(dir)).some(r => r.t === 'txn' && r.meta.transactionalId === 'later'))
  })
})
