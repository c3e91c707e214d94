// Crash safety of the log: a child appends with fsync acknowledgements and is
// killed with SIGKILL, over and over. After every kill, each acknowledged batch
// is present exactly once at the offset it was acknowledged with, offsets are
// contiguous, and a deliberately torn or corrupted tail is cut off.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { LogManager } from '../../src/log/log-manager.js'
import { encodeBatch } from '../../src/protocol/records/batch-codec.js'
import { readAllRecords } from '../helpers/log-reader.js'
import { at } from '../helpers/at.js'

const CHILD = new URL('./log-crash-child.ts', import.meta.url).pathname

/** Runs the child until it has acknowledged `acks` batches, then SIGKILLs it. */
function runAndKill (dir: string, run: number, acks: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(run)], { stdio: ['ignore', 'pipe', 'inherit'] })
    const acked = new Map<string, number>()
    let killed = false
    createInterface({ input: child.stdout! }).on('line', line => {
      const [kind, offset, value] = line.split(' ')
      if (kind !== 'ACK' || killed) return
      acked.set(value!, Number(offset))
      if (acked.size >= acks) { killed = true; child.kill('SIGKILL') }
    })
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked)
      else reject(new Error(`child exited with ${code}`))
    })
  })
}

async function readAll (m: LogManager): Promise<Map<string, number>> {
  const found = new Map<string, number>()
  for (const r of await readAllRecords(m.partition('crash', 0)!)) {
    assert.equal(found.has(r.value!), false, `${r.value} appears once`)
    found.set(r.value!, r.baseOffset)
  }
  return found
}

async function activeSegment (dir: string): Promise<string> {
  const logs = (await readdir(join(dir, 'crash-0'))).filter(n => n.endsWith('.log')).sort()
  return join(dir, 'crash-0', logs[logs.length - 1]!)
}

test('acknowledged batches survive repeated SIGKILLs exactly once, and bad tails are cut', { timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trib-crash-'))
  try {
    const allAcked = new Map<string, number>()
    for (let run = 0; run < 6; run++) {
      const acked = await runAndKill(dir, run, 30 + Math.floor(Math.random() * 120))
      for (const [v, o] of acked) allAcked.set(v, o)
      if (run % 2 === 1) {
        // a torn tail: half of a batch, as if the machine died mid-write
        const torn = encodeBatch([{ value: 'TORN' }], { baseOffset: 1e9 })
        await appendFile(await activeSegment(dir), torn.subarray(0, torn.length - 5))
      } else if (run % 3 === 0) {
        // a corrupt tail: a whole batch with a broken CRC
        const bad = encodeBatch([{ value: 'CORRUPT' }], { baseOffset: 1e9 })
        bad[bad.length - 1] = at(bad, bad.length - 1) ^ 0xff
        await appendFile(await activeSegment(dir), bad)
      }
      const m = await LogManager.open(dir)
      const found = await readAll(m)
      for (const [value, offset] of allAcked) {
        assert.equal(found.get(value), offset, `acknowledged ${value} at ${offset}`)
      }
      assert.equal(found.has('TORN'), false)
      assert.equal(found.has('CORRUPT'), false)
      // leave unclean half the time so the next child also starts from a crash
      if (run % 2 === 0) await m.close()
    }
    assert.ok(allAcked.size > 100)
  } finally {
    // the managers left open on purpose may still be writing their recovery checkpoint into dir: retry (ENOTEMPTY)
    await rm(dir, { recursive: true, force: true, maxRetries: 10 })
  }
})
