// Crashes in the middle of a cleaning pass: before the commit point the next
// open rolls back (the log is exactly as before), after it the next open
// finishes the swap; either way no key is lost and no offset appears twice.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cp, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { FaultyFs } from '../../src/log/fs-faulty.js'
import { realFs } from '../../src/log/fs.js'
import type { FaultKind } from '../../src/log/fs-faulty.js'
import { keyed, latestByKey, openCompacted, readRecords } from './cleaner-fixtures.js'
import type { ReadRecord } from './cleaner-fixtures.js'
import { tempDir } from './helpers.js'

const KEYS = ['a', 'b', 'c', 'd', 'e']
const TS = 1_700_000_000_000

async function populate (dir: string, fs: FaultyFs): Promise<Awaited<ReturnType<typeof openCompacted>>> {
  const opened = await openCompacted(dir, { 'segment.bytes': '400' }, { fs })
  for (let r = 0; r < 10; r++) {
    await opened.log.append(keyed(KEYS.map(k => [k, `${k}${r}`] as [string, string]), { timestamp: TS + r }))
  }
  return opened
}

/** What a crash-free pass leaves: the reference a finished swap must reach. */
async function cleanedReference (dir: string): Promise<ReadRecord[]> {
  const ref = join(await tempDir(), 'ref')
  await cp(dir, ref, { recursive: true })
  const { logs, log } = await openCompacted(ref)
  await logs.cleanLogs({ force: true })
  const records = await readRecords(log)
  await logs.close()
  return records
}

interface CrashPoint { name: string, kind: FaultKind, match: (path: string) => boolean, committed: boolean }

const points: CrashPoint[] = [
  { name: 'while opening the .cleaned file', kind: 'open', match: p => p.endsWith('.cleaned'), committed: false },
  { name: 'before fsyncing the .cleaned file', kind: 'sync', match: p => p.endsWith('.cleaned'), committed: false },
  { name: 'before renaming .cleaned to .swap', kind: 'rename', match: p => p.endsWith('.cleaned'), committed: false },
  { name: 'before deleting the old index files', kind: 'unlink', match: p => p.endsWith('.index'), committed: true },
  { name: 'before deleting the old logs', kind: 'unlink', match: p => p.endsWith('.log'), committed: true },
  { name: 'before renaming .swap to .log', kind: 'rename', match: p => p.endsWith('.swap'), committed: true },
]

/** No cleaning leftovers, offsets unique and in order, every record one of `before`, every key's latest kept. */
async function checkRecovered (dir: string, records: ReadRecord[], before: ReadRecord[]): Promise<void> {
  const names = await readdir(join(dir, 'c-0'))
  assert.deepEqual(names.filter(n => /\.(cleaned|swap)$/.test(n)), [], 'no cleaning leftovers')
  const offsets = records.map(r => r.offset)
  assert.deepEqual(offsets, [...new Set(offsets)].sort((x, y) => x - y), 'offsets unique and in order')
  const byOffset = new Map(before.map(r => [r.offset, r]))
  for (const r of records) assert.deepEqual(r, byOffset.get(r.offset))
  for (const [key, latest] of latestByKey(before)) assert.ok(records.some(r => r.key === key && r.offset === latest.offset), `latest ${key} kept`)
}

async function readClosed (dir: string): Promise<ReadRecord[]> {
  const o = await openCompacted(dir)
  const r = await readRecords(o.log)
  await o.logs.close()
  return r
}

for (const point of points) {
  test(`a crash ${point.name} ${point.committed ? 'is finished' : 'is rolled back'} on the next open, losing no key`, async () => {
    const dir = await tempDir()
    const { logs, log } = await populate(dir, new FaultyFs(realFs))
    await logs.close()
    const before = await readClosed(dir)
    const reference = await cleanedReference(dir)
    const faulty = new FaultyFs(realFs)
    const live = await openCompacted(dir, {}, { fs: faulty })
    faulty.crashOn(point.kind, point.match)
    const stats = await live.logs.cleanLogs({ force: true })
    assert.equal(stats.errors, 1, 'the pass hit the crash')
    assert.equal(faulty.crashed, true)
    await faulty.powerLoss()

    const recovered = await openCompacted(dir)
    const records = await readRecords(recovered.log)
    await checkRecovered(dir, records, before)
    assert.equal(recovered.log.logEndOffset, log.logEndOffset)
    if (point.committed) assert.ok(records.length < before.length, 'the swap took effect')
    else assert.deepEqual(records, before)
    // and the recovered log cleans to the crash-free result
    await recovered.logs.cleanLogs({ force: true })
    assert.deepEqual(await readRecords(recovered.log), reference)
    await recovered.logs.close()
  })
}

test('a power loss at any byte of a cleaning pass loses no key and recovers to the crash-free result', async () => {
  const dir = await tempDir()
  const { logs } = await populate(dir, new FaultyFs(realFs))
  await logs.close()
  const before = await readClosed(dir)
  const reference = await cleanedReference(dir)
  for (const budget of [0, 1, 60, 150, 400, 900]) {
    const copy = join(await tempDir(), 'copy')
    await cp(dir, copy, { recursive: true })
    const faulty = new FaultyFs(realFs)
    const live = await openCompacted(copy, {}, { fs: faulty })
    faulty.crashAfterBytes(budget)
    await live.logs.cleanLogs({ force: true })
    await faulty.powerLoss()
    const recovered = await openCompacted(copy)
    await checkRecovered(copy, await readRecords(recovered.log), before)
    await recovered.logs.cleanLogs({ force: true })
    assert.deepEqual(await readRecords(recovered.log), reference, `crash after ${budget} bytes`)
    await recovered.logs.close()
  }
})
