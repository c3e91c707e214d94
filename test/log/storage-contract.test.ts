// The storage contract, written once as scenarios and run against every backend
// (the real file system and the fault-injecting one with no faults armed), then
// the fault scenarios only the fault-injecting one can stage.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { appendFile, open, readdir, stat } from 'node:fs/promises'
import { LogManager } from '../../src/log/log-manager.js'
import { FaultyFs, realFs } from '../../src/log/fs.js'
import type { FileSystem } from '../../src/log/fs.js'
import { TributaryErrorCode } from '../../src/errors.js'
import { batch, tempDir } from './helpers.js'
import { allValues } from '../helpers/log-reader.js'

const backends: Array<[string, () => FileSystem]> = [
  ['real fs', () => realFs],
  ['fault-injecting fs without faults', () => new FaultyFs(realFs)],
]

for (const [name, makeFs] of backends) {
  describe(`storage contract on the ${name}`, () => {
    test('what was appended is read back in order, across segments and restarts', async () => {
      const dir = await tempDir()
      const fs = makeFs()
      let m = await LogManager.open(dir, { fs })
      await m.createTopic('t', 1, { 'segment.bytes': '1024' })
      const expected: string[] = []
      for (let i = 0; i < 60; i++) {
        const r = await m.partition('t', 0)!.append(batch(`b${i}`, 3))
        await m.partition('t', 0)!.ackAll(r.lastOffset)
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
      const dir = await tempDir()
      const m = await LogManager.open(dir, { fs: makeFs() })
      await m.createTopic('t', 4)
      await Promise.all(Array.from({ length: 200 }, async (_, i) => {
        const p = m.partition('t', i % 4)!
        const r = await p.append(batch(`v${i}`))
        await p.ackAll(r.lastOffset)
      }))
      for (let p = 0; p < 4; p++) {
        const values = await allValues(m, 't', p)
        assert.equal(values.length, 50)
        assert.deepEqual(values.sort(), Array.from({ length: 50 }, (_, k) => `v${k * 4 + p}-0`).sort())
      }
      await m.close()
    })

    test('a torn tail and a corrupt batch are cut off after a crash, never served', async () => {
      const dir = await tempDir()
      let m = await LogManager.open(dir, { fs: makeFs() })
      await m.createTopic('t', 1)
      for (let i = 0; i < 5; i++) await m.partition('t', 0)!.append(batch(`ok${i}`))
      // simulate a crash: no close(); then tear the tail
      const logFile = join(dir, 't-0', '00000000000000000000.log')
      const torn = batch('torn', 3)
      torn.writeInt32BE(5, 0) // a plausible base offset
      await appendFile(logFile, torn.subarray(0, torn.length - 7))
      m = await LogManager.open(dir, { fs: makeFs() })
      assert.deepEqual(await allValues(m), ['ok0-0', 'ok1-0', 'ok2-0', 'ok3-0', 'ok4-0'])
      const size = (await stat(logFile)).size
      // corrupt one byte inside the 4th batch, crash again
      const one = batch('ok0').length
      const fh = await open(logFile, 'r+')
      await fh.write(Buffer.from([0xee]), 0, 1, one * 3 + 40)
      await fh.close()
      m = await LogManager.open(dir, { fs: makeFs() })
      assert.deepEqual(await allValues(m), ['ok0-0', 'ok1-0', 'ok2-0'])
      assert.ok((await stat(logFile)).size < size)
      assert.equal((await m.partition('t', 0)!.append(batch('next'))).baseOffset, 3)
      await m.close()
    })

    test('a corrupt batch in an older segment drops every later segment', async () => {
      const dir = await tempDir()
      let m = await LogManager.open(dir, { fs: makeFs() })
      const one = batch('ok0').length
      await m.createTopic('t', 1, { 'segment.bytes': String(one * 2) })
      for (let i = 0; i < 6; i++) await m.partition('t', 0)!.append(batch(`ok${i}`))
      // unclean: the rolled segments have index files; remove one so it is re-scanned
      const partDir = join(dir, 't-0')
      await realFs.unlink(join(partDir, '00000000000000000002.index'))
      const fh = await open(join(partDir, '00000000000000000002.log'), 'r+')
      await fh.write(Buffer.from([0xee]), 0, 1, one + 40)
      await fh.close()
      m = await LogManager.open(dir, { fs: makeFs() })
      assert.deepEqual(await allValues(m), ['ok0-0', 'ok1-0', 'ok2-0'])
      assert.deepEqual((await readdir(partDir)).filter(n => n.endsWith('.log')).sort(), ['00000000000000000000.log', '00000000000000000002.log'])
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
