// Power cuts against the log engine, through the fault-injecting fs: after
// powerLoss() only what was fsynced survives, file names and directories
// included. Every batch acknowledged as fsynced must come back at its offset.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { LogManager } from '../../src/log/log-manager.js'
import { TributaryErrorCode } from '../../src/errors.js'
import { FaultyFs, realFs } from '../../src/log/fs.js'
import type { PartitionLog } from '../../src/log/partition-log.js'
import { batch, tempDir } from '../log/helpers.js'
import { allValues } from '../helpers/log-reader.js'

async function appendAcked (p: PartitionLog, tag: string): Promise<string> {
  const r = await p.append(batch(tag))
  await p.flushed(r.lastOffset)
  return `${tag}-0`
}

/** A data dir with topic `t` made durable by a clean run on the real fs. */
async function existingTopic (configs: Record<string, string> = {}): Promise<string> {
  const dir = await tempDir()
  const m = await LogManager.open(dir)
  await m.createTopic('t', 1, configs)
  await m.close()
  return dir
}

describe('power loss', () => {
  test('a new topic keeps its fsync-acknowledged batches across a power cut', async () => {
    const dir = await tempDir()
    const fs = new FaultyFs(realFs)
    const m = await LogManager.open(dir, { fs })
    await m.createTopic('fresh', 2)
    const acked = [await appendAcked(m.partition('fresh', 0)!, 'a'), await appendAcked(m.partition('fresh', 0)!, 'b')]
    await appendAcked(m.partition('fresh', 1)!, 'c')
    await fs.powerLoss()
    const m2 = await LogManager.open(dir)
    assert.deepEqual(await allValues(m2.partition('fresh', 0)!), acked)
    assert.deepEqual(await allValues(m2.partition('fresh', 1)!), ['c-0'])
    await m2.close()
  })

  test('a segment created by a roll keeps its fsync-acknowledged batches across a power cut', async () => {
    const dir = await existingTopic({ 'segment.bytes': '200' })
    const fs = new FaultyFs(realFs)
    const m = await LogManager.open(dir, { fs })
    const p = m.partition('t', 0)!
    const acked: string[] = []
    for (let i = 0; i < 6; i++) acked.push(await appendAcked(p, `r${i}`))
    assert.ok(p.segments.length > 2, 'the small segment.bytes rolled segments')
    await fs.powerLoss()
    const m2 = await LogManager.open(dir)
    assert.deepEqual(await allValues(m2.partition('t', 0)!), acked)
    await m2.close()
  })

  test('a failed fsync of the old segment at a roll takes the partition offline', async () => {
    const dir = await existingTopic({ 'segment.bytes': '100' })
    const fs = new FaultyFs(realFs)
    const m = await LogManager.open(dir, { fs })
    const p = m.partition('t', 0)!
    await p.append(batch('unsynced', 2))
    fs.failNext('sync')
    // this append needs a roll, whose fsync of the full segment fails: the kernel may
    // have dropped those dirty pages, so a later "successful" fsync proves nothing
    await assert.rejects(p.append(batch('rolls', 2)), { code: TributaryErrorCode.STORAGE_ERROR })
    await assert.rejects(p.append(batch('after', 2)).then(r => p.flushed(r.lastOffset)), { code: TributaryErrorCode.STORAGE_ERROR })
    await m.close()
  })

  test('a topic being created takes no appends until its metadata is durable', async () => {
    const dir = await tempDir()
    let reached!: () => void
    const atMetadata = new Promise<void>(resolve => { reached = resolve })
    let release!: () => void
    const gate = new Promise<void>(resolve => { release = resolve })
    class GatedFs extends FaultyFs {
      override async writeFileAtomic (path: string, data: Buffer | string): Promise<void> {
        if (path.endsWith('gated.json')) { reached(); await gate }
        return super.writeFileAtomic(path, data)
      }
    }
    const fs = new GatedFs(realFs)
    const m = await LogManager.open(dir, { fs })
    const creating = m.createTopic('gated', 1)
    await atMetadata
    const p = m.partition('gated', 0)
    let ackedLost = false
    if (p !== undefined) {
      // the partition is writable: an fsync-acknowledged batch that a crash now loses with the topic
      await appendAcked(p, 'early')
      ackedLost = true
    }
    fs.crash()
    release()
    await assert.rejects(creating)
    await fs.powerLoss()
    const m2 = await LogManager.open(dir)
    assert.equal(m2.topic('gated') !== undefined || !ackedLost, true, 'an acknowledged batch vanished with its topic')
    assert.equal(p, undefined, 'partitions are published only after the metadata')
    await m2.close()
  })

  test('re-creating a deleted topic whose directory outlived a crash starts empty', async () => {
    const dir = await existingTopic()
    const m = await LogManager.open(dir)
    await appendAcked(m.partition('t', 0)!, 'old')
    await m.close()
    // a crash after the metadata was removed and before the directory was: what deleteTopic leaves
    await realFs.unlink(join(dir, 'topics', 't.json'))
    const m2 = await LogManager.open(dir)
    assert.equal(m2.topic('t'), undefined)
    await m2.createTopic('t', 1)
    assert.deepEqual(await allValues(m2.partition('t', 0)!), [])
    await m2.close()
  })
})
