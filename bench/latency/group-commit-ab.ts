// `node --import tsx bench/latency/group-commit-ab.ts`: what starting the next fsync beside a running one
// (src/log/group-commit.ts, MAX_SYNCS_IN_FLIGHT) does to an acks=all append's write → durable time, against
// the strict alternation (one fsync at a time), on this file system, without a broker or a network around it.
// An appender writes `bytes` (default 100 KiB, bench/latency.ts's request at 20 MB/s) every `tick` ms (default 5)
// through the log's own file handle (src/log/fs.ts: small writes on the calling thread unless an fsync is
// pending) and waits for the group commit; the two variants take turns in blocks of 250 ms on their own files,
// so both see the same load. Arguments: seconds per variant (default 10), bytes, tick ms, and the two variants'
// fsyncs in flight (default "1,2"; "1,1" or "2,2" is the A/A run that shows the noise).
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, type Histogram } from 'hdr-histogram-js'
import { realFs, type FileHandle } from '../../src/log/fs.js'
import { GroupCommit, MAX_SYNCS_IN_FLIGHT } from '../../src/log/group-commit.js'

const seconds = Number(process.argv[2] ?? '10')
const bytes = Number(process.argv[3] ?? String(100 * 1024))
const tickMs = Number(process.argv[4] ?? '5')
const [first, second] = (process.argv[5] ?? `1,${MAX_SYNCS_IN_FLIGHT}`).split(',').map(Number) as [number, number]
const blockMs = 250
const histogram = (): Histogram => build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 })
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

interface Variant { name: string, fh: FileHandle, commit: GroupCommit, written: number, writes: Promise<void>, latency: Histogram, fsyncs: number }

async function open (dir: string, name: string, maxInFlight: number): Promise<Variant> {
  const fh = await realFs.open(join(dir, `${name}.bin`), true)
  const v: Variant = { name, fh, written: 0, writes: Promise.resolve(), latency: histogram(), fsyncs: 0, commit: undefined as unknown as GroupCommit }
  v.commit = new GroupCommit(0, () => v.written, async () => { v.fsyncs++; await fh.sync() }, err => { throw err }, maxInFlight)
  return v
}

/** One append: written after the appends before it (as the write queue does), then waited for until durable. */
function append (v: Variant, chunk: Buffer): Promise<void> {
  const start = performance.now()
  const written = v.writes.then(async () => {
    await v.fh.writev([chunk], v.written)
    v.written += chunk.length
    v.commit.kick()
    return v.written - 1
  })
  v.writes = written.then(() => {})
  return written.then(end => v.commit.waitFor(end)).then(() => { v.latency.recordValue(Math.max(1, Math.round((performance.now() - start) * 1000))) })
}

const dir = mkdtempSync(join(tmpdir(), 'tributary-group-commit-ab-'))
try {
  const name = (n: number, which: string): string => `${which}: ${n} fsync${n === 1 ? '' : 's'} in flight`
  const variants = [await open(dir, 'a', first), await open(dir, 'b', second)]
  variants[0]!.name = name(first, 'a')
  variants[1]!.name = name(second, 'b')
  const chunk = Buffer.alloc(bytes, 0x64)
  console.log(`write -> durable of a ${bytes}-byte append every ${tickMs} ms, ${seconds} s per variant in turns of ${blockMs} ms; load ${loadavg().map(l => l.toFixed(2)).join(' ')}`)
  for (let block = 0; block < 2 * seconds * 1000 / blockMs; block++) {
    const v = variants[block % 2]!
    const pending: Array<Promise<void>> = []
    const start = performance.now()
    for (let tick = 0; performance.now() - start < blockMs; tick++) {
      const wait = start + tick * tickMs - performance.now()
      if (wait > 0) await sleep(wait)
      pending.push(append(v, chunk))
    }
    await Promise.all(pending)
  }
  const ms = (h: Histogram, p: number): string => (h.getValueAtPercentile(p) / 1000).toFixed(2).padStart(8)
  console.log(`${'ms'.padEnd(26)} ${['p50', 'p90', 'p99', 'p99.9', 'max'].map(s => s.padStart(8)).join(' ')}  fsyncs`)
  for (const v of variants) {
    console.log(`${v.name.padEnd(26)} ${[50, 90, 99, 99.9, 100].map(p => ms(v.latency, p)).join(' ')}  ${v.fsyncs} for ${v.latency.totalCount} appends`)
  }
  const [a, b] = variants as [Variant, Variant]
  const ratio = (p: number): string => (b.latency.getValueAtPercentile(p) / a.latency.getValueAtPercentile(p)).toFixed(2)
  console.log(`ratio b / a: p50 ${ratio(50)}, p90 ${ratio(90)}, p99 ${ratio(99)}, p99.9 ${ratio(99.9)}; load at the end ${loadavg().map(l => l.toFixed(2)).join(' ')}`)
  for (const v of variants) await v.fh.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
