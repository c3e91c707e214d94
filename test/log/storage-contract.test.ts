/* eslint-disable @typescript-eslint/no-explicit-any -- assert.throws/rejects validators read the thrown error's code fields */
// The storage contract, written once as scenarios and run against every backend
// (the real file system, the fault-injecting one with no faults armed and the
// in-memory one), then the fault scenarios only the fault-injecting one can
// stage. Scenarios tamper with files through the backend's own seam, so the
// same steps reach the bytes of every backend.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { LogManager } from '../../src/log/log-manager.js'
import { FaultyFs, realFs } from '../../src/log/fs.js'
import { MemoryFs } from '../../src/log/fs-memory.js'
import type { FileSystem } from '../../src/log/fs.js'
import { TributaryErrorCode } from '../../src/errors.js'
import { batch, scribble, sizeOf, tempDir } from './helpers.js'
import { journalContract, journalFaults } from './journal-scenarios.js'
import { allValues } from '../helpers/log-reader.js'

/** A backend: a fresh file system per scenario (one per process for the real disk) and a data directory on it. */
interface Backend { fs: () => FileSystem, dir: () => Promise<string> }

const backends: Array<[string, () => Backend]> = [
  ['real fs', () => ({ fs: () => realFs, dir: tempDir })],
  ['fault-injecting fs without faults', () => ({ fs: () => new FaultyFs(realFs), dir: tempDir })],
  ['in-memory fs', () => {
    // one MemoryFs per scenario, shared by its restarts: it is the "disk"
    const disk = new MemoryFs()
    return { fs: () => disk, dir: async () => '/memory/data' }
  }],
]

for (const [name, makeBackend] of backends) {
  describe(`storage contract on the ${name}`, () => {
    test('what was appended is read back in order, across segments and restarts', async () => {
      const backend = makeBackend()
      const dir = await backend.dir()
      const fs = backend.fs()
      let m = await LogManager.open(dir, { fs })
      await m.createTopic('t', 1, { 'segment.bytes': '1024' })
      const expected: string[] = []
      for (let i = 0; i < 60; i++) {
        await m.partition('t', 0)!.append(batch(`b${i}`, 3), { durability: 'acksAll' })
        expected.push(`b${i}-0`, `b${i}-1`, `b${i}-2`)
      }
      assert.deepEqual(await allValues(m), expected)
      await m.close()
      m = await LogManager.open(dir, { fs })
      assert.deepEqual(await allValues(m), expected)
      const r = await m.partition('t', 0)!.append(batch('more'))
      assert.equal(r.baseOffset, 180)
      await m.close()
    })

    test('concurrent appends to many partitions all land exactly once', async () => {
      const backend = makeBackend()
      const m = await LogManager.open(await backend.dir(), { fs: backend.fs() })
      await m.createTopic('t', 4)
      await Promise.all(Array.from({ length: 200 }, async (_, i) => {
        const p = m.partition('t', i % 4)!
        await p.append(batch(`v${i}`), { durability: 'acksAll' })
      }))
      for (let p = 0; p < 4; p++) {
        const values = await allValues(m, 't', p)
        assert.equal(values.length, 50)
        assert.deepEqual(values.sort(), Array.from({ length: 50 }, (_, k) => `v${k * 4 + p}-0`).sort())
      }
      await m.close()
    })

    test('a torn tail and a corrupt batch are cut off after a crash, never served', async () => {
      const backend = makeBackend()
      const dir = await backend.dir()
      const fs = backend.fs()
      let m = await LogManager.open(dir, { fs })
      await m.createTopic('t', 1)
      for (let i = 0; i < 5; i++) await m.partition('t', 0)!.append(batch(`ok${i}`))
      // simulate a crash: no close(); then tear the tail
      const logFile = join(dir, 't-0', '00000000000000000000.log')
      const torn = batch('torn', 3)
      torn.writeInt32BE(5, 0) // a plausible base offset
      await scribble(fs, logFile, torn.subarray(0, torn.length - 7))
      m = await LogManager.open(dir, { fs: backend.fs() })
      assert.deepEqual(await allValues(m), ['ok0-0', 'ok1-0', 'ok2-0', 'ok3-0', 'ok4-0'])
      const size = await sizeOf(fs, logFile)
      // corrupt one byte inside the 4th batch, crash again
      const one = batch('ok0').length
      await scribble(fs, logFile, Buffer.from([0xee]), one * 3 + 40)
      m = await LogManager.open(dir, { fs: backend.fs() })
      assert.deepEqual(await allValues(m), ['ok0-0', 'ok1-0', 'ok2-0'])
      assert.ok(await sizeOf(fs, logFile) < size)
      assert.equal((await m.partition('t', 0)!.append(batch('next'))).baseOffset, 3)
      await m.close()
    })

    test('a corrupt batch in an older segment drops every later segment', async () => {
      const backend = makeBackend()
      const dir = await backend.dir()
      const fs = backend.fs()
      let m = await LogManager.open(dir, { fs })
      const one = batch('ok0').length
      await m.createTopic('t', 1, { 'segment.bytes': String(one * 2) })
      for (let i = 0; i < 6; i++) await m.partition('t', 0)!.append(batch(`ok${i}`))
      // unclean: the rolled segments have index files; remove one so it is re-scanned
      const partDir = join(dir, 't-0')
      await fs.unlink(join(partDir, '00000000000000000002.index'))
      await scribble(fs, join(partDir, '00000000000000000002.log'), Buffer.from([0xee]), one + 40)
      m = await LogManager.open(dir, { fs: backend.fs() })
      assert.deepEqual(await allValues(m), ['ok0-0', 'ok1-0', 'ok2-0'])
      assert.deepEqual((await fs.readdir(partDir)).filter(n => n.endsWith('.log')).sort(), ['00000000000000000000.log', '00000000000000000002.log'])
      await m.close()
    })
  })
}

describe('storage faults', () => {
  async function faulty () {
    const dir = await tempDir()
    const fs = new FaultyFs(realFs)
    const m = await LogManager.open(dir, { fs })
    await m.createTopic('t', 1)
    return { dir, fs, m, p: m.partition('t', 0)! }
  }

  test('a failed write is KAFKA_STORAGE_ERROR, leaves no bytes and no offset gap', async () => {
    const { m, fs, p } = await faulty()
    await p.append(batch('a'))
    fs.failNext('write')
    await assert.rejects(p.append(batch('lost')), (e: any) => e.code === TributaryErrorCode.STORAGE_ERROR && e.kafkaCode === 56)
    fs.shortWriteNext(10)
    await assert.rejects(p.append(batch('lost2')), { code: TributaryErrorCode.STORAGE_ERROR })
    assert.equal(p.logEndOffset, 1)
    assert.equal((await p.append(batch('b'))).baseOffset, 1)
    assert.deepEqual(await allValues(m), ['a-0', 'b-0'])
    await m.close()
  })

  test('a failed write that cannot be cut back off takes the partition offline', async () => {
    const { m, fs, p } = await faulty()
    await p.append(batch('a'))
    fs.failNext('write')
    fs.failNext('truncate')
    await assert.rejects(p.append(batch('lost')), (e: any) => e.code === TributaryErrorCode.TRUNCATE_FAILED && e.kafkaCode === 56)
    await assert.rejects(p.append(batch('b')), { code: TributaryErrorCode.TRUNCATE_FAILED })
    await m.close()
  })

  test('a failed fsync fails the waiting acks and takes the partition offline', async () => {
    const { m, fs, p } = await faulty()
    const r = await p.append(batch('a'))
    fs.failNext('sync')
    await assert.rejects(p.flushed(r.lastOffset), { code: 'EIO' })
    await assert.rejects(p.append(batch('b')), { code: TributaryErrorCode.STORAGE_ERROR })
    await m.close()
  })

  test('after a power cut every fsync-acknowledged batch is back, at the same offsets', async () => {
    const { dir, fs, p } = await faulty()
    const acked: string[] = []
    for (let i = 0; i < 20; i++) {
      const r = await p.append(batch(`acked${i}`))
      await p.flushed(r.lastOffset)
      acked.push(`acked${i}-0`)
    }
    for (let i = 0; i < 5; i++) await p.append(batch(`unacked${i}`))
    await fs.powerLoss()
    const m2 = await LogManager.open(dir)
    const values = await allValues(m2)
    assert.deepEqual(values.slice(0, 20), acked)
    assert.ok(values.length >= 20)
    await m2.close()
  })

  test('a crash in the middle of a write leaves a tail that recovery cuts', async () => {
    const { dir, fs, p } = await faulty()
    for (let i = 0; i < 3; i++) await p.flushed((await p.append(batch(`k${i}`))).lastOffset)
    fs.crashAfterBytes(20)
    await assert.rejects(p.append(batch('half', 5)))
    const m2 = await LogManager.open(dir)
    assert.deepEqual(await allValues(m2), ['k0-0', 'k1-0', 'k2-0'])
    await m2.close()
  })
})

for (const [name, makeBackend] of backends) {
  describe(`journal storage contract on the ${name}`, () => journalContract(makeBackend))
}

describe('journal storage faults', () => journalFaults())
