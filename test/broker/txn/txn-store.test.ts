import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TxnStore } from '../../../src/broker/txn/txn-store.js'
import type { TxnStoreRecord } from '../../../src/broker/txn/txn-store.js'
import { appendUntilFull, DiskFullStore } from '../../helpers/disk-full.js'

async function replayIds (dir: string): Promise<string[]> {
  const ids: string[] = []
  const store = new TxnStore({ dir, snapshot: () => [], compactAfterBytes: 1 << 30 })
  await store.open((r: TxnStoreRecord) => { if (r.t === 'del') ids.push(r.id.split('/')[0]!) })
  await store.close()
  return ids
}

test('on a full disk no acknowledged transaction record is lost, and the journal stays readable', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trib-txn-store-'))
  try {
    const limit = 256 * 1024
    const filler = new TxnStore({ dir, snapshot: () => [], compactAfterBytes: 1 << 30 })
    await filler.open(() => {})
    const fill: TxnStoreRecord = { t: 'del', id: `fill/${'f'.repeat(1000)}` }
    const count = Math.floor((limit - 5000) / (JSON.stringify(fill).length + 1))
    await filler.append(...Array.from({ length: count }, () => fill))
    await filler.close()
    assert.ok((await stat(join(dir, 'journal.jsonl'))).size < limit)
    const run = await appendUntilFull(DiskFullStore.txn, dir, limit / 1024, 297)
    assert.equal(run.failed, true, 'the disk filled up')
    const ids = new Set(await replayIds(dir))
    for (const id of run.acked) assert.ok(ids.has(id), `acknowledged ${id} survives`)
    // after space is freed, new records append cleanly after the last good one
    const store = new TxnStore({ dir, snapshot: () => [], compactAfterBytes: 1 << 30 })
    await store.open(() => {})
    await store.append({ t: 'del', id: 'later' })
    await store.close()
    assert.ok((await replayIds(dir)).includes('later'))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
