// Restart time with many partitions (issue 15, target 4). Builds a data directory
// with PARTITIONS partitions over TOPICS topics (one small batch in each, plus
// BIG_MB in partition 0 of the first topic), then times LogManager.open after a
// clean shutdown, and the work a Metadata and a ListOffsets answer for every partition
// does (reading each log's offsets). Then, as a user would see it: the real broker
// (node dist/cli/main.js start), timed from spawn until GET /health answers 200 (node's
// own start and module loading included), after a clean shutdown and after kill -9 of a
// process that wrote an unflushed tail (RESTART_DIRTY small partitions and RESTART_DIRTY_MB
// in the big one) after its last recovery checkpoint. Each kill -9 start has a tail of its own.
// Usage: npm run build && node --import tsx bench/restart.ts [partitions=10000] [topics=10] [bigMB=64] [dataDir]
//   RESTART_DIRTY=<n> partitions written after the last recovery checkpoint before the kill -9 (default 100);
//   RESTART_DIRTY_MB=<n> MB appended (not fsynced) to the big partition after it (default 8);
//   RESTART_TAIL_COMPARE=<n> also kills -9 a directory of n partitions (no big data, the same tail), its starts
//   alternating with the big one's: if restart is bounded by the tail, the two take the same time;
//   RESTART_STARTS=<n> timed starts of each build, after each kind of stop (default 3; medians are reported);
//   RESTART_CRASH=0 skips the kill -9 part, RESTART_CLEAN=0 the clean-shutdown part;
//   RESTART_ENGINE=<built log-manager.js> times another build; RESTART_BASE_CLI=<another build's dist/cli/main.js>
//   alternates that build's `tributary start` with this one's (after a clean shutdown, and after each kill -9).
//   RESTART_KEEP=1 keeps the directory (under dataDir, named by its shape) and reuses it in the next run
//   instead of building it again: the 10 GB variant takes minutes to write. Delete it by hand when done.
// Needs 2.5 x bigMB free on the data directory's disk (25 GB for 10 GB): with less it says so, records a row saying
// so, and exits 0. Run by bench/all.ts (BENCH_SUMMARY_FILE set), it records the medians as summary rows.
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, statfs, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { once } from 'node:events'
import { freePort } from '../test/helpers/broker-process.js'
import { encodeBatch } from '../src/protocol/records/batch-codec.js'
import { recordFigure } from './summary.js'

// the broker runs compiled code (npm run build); tsx's transform adds per-closure work that
// would dominate an open of thousands of partitions, so the built engine is timed when present
const built = fileURLToPath(new URL('../dist/log/log-manager.js', import.meta.url))
// RESTART_ENGINE=<path to a built log-manager.js> times another build (e.g. the commit before) side by side
const engine = process.env.RESTART_ENGINE ?? (existsSync(built) ? built : '../src/log/log-manager.js')
const { LogManager } = await import(engine) as typeof import('../src/log/log-manager.js')
type Logs = Awaited<ReturnType<typeof LogManager.open>>
type Log = NonNullable<ReturnType<Logs['partition']>>
const thisCli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))
const source = 'bench/restart.ts'

const isChild = process.argv[2] === '--child'
const args = process.argv.slice(isChild ? 4 : 2)
const partitions = Number(args[0] ?? 10_000)
const topics = Math.max(1, Number(args[1] ?? 10))
const bigMB = Number(args[2] ?? 64)
/** Partitions written after the recovery checkpoint, just before the kill -9 (RESTART_DIRTY, default 100). */
const dirty = Number(process.env.RESTART_DIRTY ?? 100)
/** MB appended to the big partition after the checkpoint, not fsynced (RESTART_DIRTY_MB, default 8). */
const dirtyMB = Number(process.env.RESTART_DIRTY_MB ?? 8)
const starts = Number(process.env.RESTART_STARTS ?? 3)

const small = (i: number): Buffer => encodeBatch([{ value: `v${i}`, timestamp: Date.now() }])

/**
 * Appends `mb` MB to `log` in 4 MB appends of ~512 KB batches (one encoded batch, copied: the log writes offsets
 * into what it is given). `fill` fsyncs once per GB, so 10 GB is written at the disk's speed; `tail` never fsyncs.
 */
async function appendBig (log: Log, mb: number, mode: 'fill' | 'tail'): Promise<void> {
  const batch = encodeBatch(Array.from({ length: 512 }, () => ({ value: Buffer.alloc(1000, 'x') })))
  const perAppend = Math.max(1, Math.floor((4 << 20) / batch.length))
  const template = Buffer.concat(Array.from({ length: perAppend }, () => batch))
  for (let written = 0; written < mb * 1024 * 1024; written += template.length) {
    const fsync = mode === 'fill' && (written % (1 << 30) < template.length || written + template.length >= mb * 1024 * 1024)
    await log.append(Buffer.from(template), { durability: fsync ? 'fsynced' : 'written' })
  }
}

/** Creates the topics in `dir`, one small batch in each partition and `mb` MB in the first, and closes it. */
async function fill (dir: string, count: number, mb: number): Promise<void> {
  const perTopic = Math.ceil(count / topics)
  const m = await LogManager.open(dir, { logCleanerIntervalMs: 0 })
  for (let t = 0; t < topics; t++) await m.createTopic(`restart-${t}`, perTopic)
  let i = 0
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (i < topics * perTopic) {
      const n = i++
      await m.partition(`restart-${n % topics}`, Math.floor(n / topics))!.append(small(n))
    }
  }))
  await appendBig(m.partition('restart-0', 0)!, mb, 'fill')
  await m.close()
}

/**
 * The kill -9 child: opens `dir`, writes the recovery checkpoint (as a broker that ran for a while has), then the
 * unflushed tail a crash leaves to recover: one batch in each of `dirty` partitions and `dirtyMB` in the big one.
 * Prints READY and waits to be killed.
 */
async function writeTailAndWait (dir: string, count: number): Promise<void> {
  const perTopic = Math.ceil(count / topics)
  const m = await LogManager.open(dir, { logCleanerIntervalMs: 0 })
  await (m as { writeRecoveryCheckpoint?: () => Promise<void> }).writeRecoveryCheckpoint?.()
  for (let n = 0; n < dirty; n++) await m.partition(`restart-${n % topics}`, Math.floor(n / topics) % perTopic)!.append(small(n))
  await appendBig(m.partition('restart-0', 0)!, dirtyMB, 'tail')
  process.stdout.write('READY\n')
  // a pending promise alone does not keep node running: without a timer it would exit (not as killed) by itself
  setInterval(() => {}, 1 << 30)
}

/** Leaves `dir` as kill -9 of a broker that had written a tail since its last checkpoint leaves it. */
async function killAfterTail (dir: string, count: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', process.argv[1]!, '--child', dir, String(count), String(topics), '0'],
    { argv0: process.argv0, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env } })
  const exited = once(child, 'exit')
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('READY')) resolve() })
    child.on('exit', code => { reject(new Error(`the kill -9 child exited with ${code} before READY`)) })
  })
  child.kill('SIGKILL')
  await exited
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? NaN
}

async function timeOpen (dir: string): Promise<{ openMs: number, answerMs: number, m: Logs }> {
  const start = process.hrtime.bigint()
  const m = await LogManager.open(dir, { logCleanerIntervalMs: 0 })
  const openMs = Number(process.hrtime.bigint() - start) / 1e6
  // what Metadata and ListOffsets (latest and earliest) read for every partition; the best of 3 passes
  let answerMs = Infinity
  for (let pass = 0; pass < 3; pass++) answerMs = Math.min(answerMs, await answerAll(m))
  return { openMs, answerMs, m }
}

async function answerAll (m: Logs): Promise<number> {
  const t0 = process.hrtime.bigint()
  let sum = 0
  for (const info of m.topics()) {
    for (let p = 0; p < info.partitions; p++) {
      const log = m.partition(info.name, p)!
      sum += log.highWatermark + log.logStartOffset
      sum += (await log.offsetForTimestamp(-1))!.offset + (await log.offsetForTimestamp(-2))!.offset
    }
  }
  if (sum < 0) throw new Error('unreachable')
  return Number(process.hrtime.bigint() - t0) / 1e6
}

interface Health { healthMs: number, readyMs: number | null, phases: string, partitionsOpened: number | null }

/**
 * Starts `tributary start` on `dir` and times spawn to the first 200 from /health; the broker is then stopped
 * (a clean shutdown). Also gives the broker's own start time from its "Tributary is ready" log line (without
 * node's start and module loading), and from its "log opened" line how many partitions opened their files.
 */
async function timeToHealth (dir: string, cli = thisCli): Promise<Health> {
  const [kafkaPort, httpPort] = [await freePort(), await freePort()]
  const start = process.hrtime.bigint()
  const child = spawn(process.execPath, [cli, 'start', '--data-dir', dir, '--host', '127.0.0.1', '--kafka-port', String(kafkaPort), '--http-port', String(httpPort)],
    { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = once(child, 'exit')
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  const logLine = <T>(msg: string): T | null => {
    const line = out.split('\n').find(l => l.includes(`"${msg}"`))
    return line === undefined ? null : JSON.parse(line) as T
  }
  const readyLine = (): { ms: number, processMs?: number, phases?: Record<string, number> } | null => logLine('Tributary is ready')
  const readyMs = (): number | null => readyLine()?.ms ?? null
  // the broker's own steps, and before them node's start and module loading (builds that log them)
  const phases = (): string => {
    const r = readyLine()
    if (r?.phases === undefined || r.processMs === undefined) return ''
    return `node start + module loading ${r.processMs - r.ms} ms, ` + Object.entries(r.phases).map(([k, v]) => `${k} ${v}`).join(', ')
  }
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`TRIB_ERR_BENCH_START: the broker exited with ${child.exitCode} before /health answered`)
      const ok = await fetch(`http://127.0.0.1:${httpPort}/health`).then(r => r.status === 200, () => false)
      if (ok) {
        const healthMs = Number(process.hrtime.bigint() - start) / 1e6
        // the ready line is written just before /health can answer; give the pipe a moment to carry it
        for (let i = 0; i < 100 && readyMs() === null; i++) await new Promise(resolve => setTimeout(resolve, 10))
        const opened = logLine<{ partitionsOpened?: number }>('log opened')?.partitionsOpened ?? null
        return { healthMs, readyMs: readyMs(), phases: phases(), partitionsOpened: opened }
      }
      await new Promise(resolve => setTimeout(resolve, 5))
    }
  } finally {
    child.kill('SIGTERM')
    await exited
  }
}

/** Prints each build's starts (times, median, the broker's own share and phases); returns the medians by build. */
function report (what: string, runs: Record<string, Health[]>): Record<string, number> {
  const medians: Record<string, number> = {}
  for (const [name, list] of Object.entries(runs)) {
    if (list.length === 0) continue
    medians[name] = median(list.map(h => h.healthMs))
    console.log(`  ${name}: tributary start to /health 200 ${what}: ${list.map(h => h.healthMs.toFixed(0)).join(', ')} ms (median ${medians[name].toFixed(0)}; ` +
      `the broker's start, from its ready log line: ${list.map(h => String(h.readyMs ?? '-')).join(', ')} ms, median ${median(list.map(h => h.readyMs ?? NaN)).toFixed(0)}; ` +
      `partitions that opened their files: ${list.map(h => String(h.partitionsOpened ?? '-')).join(', ')})`)
    for (const h of list) if (h.phases !== '') console.log(`    ${h.phases}`)
  }
  return medians
}

const gb = (mb: number): string => mb >= 1024 ? `${(mb / 1024).toFixed(mb % 1024 === 0 ? 0 : 1)} GB` : `${mb} MB`

if (isChild) {
  await writeTailAndWait(process.argv[3]!, partitions)
} else {
  const keep = process.env.RESTART_KEEP === '1'
  const parent = args[3] ?? tmpdir()
  const base = keep ? join(parent, `trib-restart-kept-${partitions}-${topics}-${bigMB}`) : await mkdtemp(join(parent, 'trib-restart-'))
  const cleanDir = join(base, 'clean')
  const builtMarker = join(base, 'clean-built')
  const shape = `${partitions} partitions, ${gb(bigMB)}`
  // the summary table's figure column is 52 characters
  const short = `${partitions} part., ${gb(bigMB)}`
  const baseCli = process.env.RESTART_BASE_CLI
  const builds: Array<[string, string]> = [['this build', thisCli], ...(baseCli === undefined ? [] : [['base', baseCli] as [string, string]])]
  const cliBuilt = existsSync(thisCli)
  try {
    console.log(`${shape} in one partition, over ${topics} topics; engine: ${engine}`)
    await mkdir(base, { recursive: true })
    const reuse = keep && existsSync(builtMarker)
    const { bavail, bsize } = await statfs(base)
    const freeGB = bavail * bsize / 2 ** 30
    const needGB = bigMB * 2.5 / 1024
    if (!reuse && freeGB < needGB) {
      const why = `${freeGB.toFixed(1)} GB free on the disk of ${parent}, ${needGB.toFixed(1)} GB needed`
      console.log(`  skipped: ${why}`)
      recordFigure({ figure: `restart, ${short}: SKIPPED (disk space)`, value: null, unit: 'ms', limit: `${freeGB.toFixed(1)} GB free, ${needGB.toFixed(1)} needed`, target: '<= 1 s', met: null, source })
    } else {
      const t = Date.now()
      if (reuse) console.log(`  reusing ${cleanDir}`)
      else {
        await rm(cleanDir, { recursive: true, force: true })
        await fill(cleanDir, partitions, bigMB)
        if (keep) await writeFile(builtMarker, '')
        console.log(`  built and closed in ${((Date.now() - t) / 1000).toFixed(1)} s`)
      }
      if (process.env.RESTART_CLEAN !== '0') await afterCleanShutdown()
      if (process.env.RESTART_CRASH !== '0') await afterKill()
    }
  } finally {
    if (keep) await rm(join(base, 'compare'), { recursive: true, force: true })
    else await rm(base, { recursive: true, force: true })
  }

  async function afterCleanShutdown (): Promise<void> {
    const clean = await timeOpen(cleanDir)
    await clean.m.close()
    const again = await timeOpen(cleanDir)
    await again.m.close()
    console.log(`  open after clean shutdown: ${clean.openMs.toFixed(0)} ms, again ${again.openMs.toFixed(0)} ms (${(again.openMs * 1000 / partitions).toFixed(1)} µs per partition)`)
    console.log(`  offsets of every partition (Metadata + ListOffsets work): ${again.answerMs.toFixed(1)} ms`)
    if (!cliBuilt) return
    // the broker's own stop closes the log cleanly, so each start after the first is again after a clean shutdown;
    // with a base build, a first start of each after the other's stop, not timed; then their starts alternate
    if (baseCli !== undefined) { await timeToHealth(cleanDir); await timeToHealth(cleanDir, baseCli) }
    const runs: Record<string, Health[]> = Object.fromEntries(builds.map(([name]) => [name, []]))
    for (let round = 0; round < starts; round++) {
      for (const [name, cli] of builds) runs[name]!.push(await timeToHealth(cleanDir, cli))
    }
    const medians = report('after a clean shutdown', runs)
    if (medians.base !== undefined) console.log(`  median base / this build: ${(medians.base / medians['this build']!).toFixed(2)}`)
    const ms = medians['this build']!
    recordFigure({ figure: `spawn->/health, clean stop, ${short}`, value: Math.round(ms), unit: 'ms', limit: '1 s', ratio: 1000 / ms, target: '<= 1 s', met: ms <= 1000, source })
  }

  async function afterKill (): Promise<void> {
    // RESTART_TAIL_COMPARE=<n>: the same tail in a directory of n partitions, killed and started in turn with the big one
    const compare = Number(process.env.RESTART_TAIL_COMPARE ?? 0)
    const cases = [{ label: shape, dir: cleanDir, count: partitions }]
    if (compare > 0) {
      const dir = join(base, 'compare')
      await rm(dir, { recursive: true, force: true })
      await fill(dir, compare, 0)
      cases.push({ label: `${compare} partitions, no big data`, dir, count: compare })
    }
    console.log(`  after kill -9 with a tail of ${dirty} partitions + ${dirtyMB} MB in the big one written after the last checkpoint:`)
    if (cliBuilt) {
      const runs = cases.map(() => Object.fromEntries(builds.map(([name]): [string, Health[]] => [name, []])))
      for (let round = 0; round < starts; round++) {
        for (const [i, c] of cases.entries()) {
          for (const [name, cli] of builds) {
            await killAfterTail(c.dir, c.count)
            runs[i]![name]!.push(await timeToHealth(c.dir, cli))
          }
        }
      }
      const medians = cases.map((c, i) => {
        console.log(`  ${c.label}:`)
        const m = report('after kill -9', runs[i]!)
        if (m.base !== undefined) console.log(`  median base / this build: ${(m.base / m['this build']!).toFixed(2)}`)
        return m
      })
      const ms = medians[0]!['this build']!
      const cmp = medians[1]?.['this build']
      // bounded by the tail, not by the partition count: the big directory restarts as fast as the small one
      recordFigure({
        figure: `spawn->/health, kill -9, ${short}`,
        value: Math.round(ms),
        unit: 'ms',
        ...(cmp === undefined ? {} : { limit: `same tail, ${compare} partitions ${Math.round(cmp)} ms`, ratio: ms / cmp, target: '<= 1.25 x (tail-bound)', met: ms / cmp <= 1.25 }),
        source
      })
      const opened = runs[0]!['this build']!.map(h => h.partitionsOpened).filter((n): n is number => n !== null)
      const recovered = opened.length === 0 ? null : median(opened)
      recordFigure({
        figure: `partitions recovered after kill -9, of ${partitions}`,
        value: recovered,
        unit: 'partitions',
        limit: `tail: ${dirty} + the big one`,
        target: `<= ${dirty + 1}`,
        met: recovered === null ? null : recovered <= dirty + 1,
        source
      })
    }
    // the log alone (LogManager.open in this process) after one more kill -9
    await killAfterTail(cleanDir, partitions)
    const crashed = await timeOpen(cleanDir)
    const recovered = crashed.m.topics().reduce((n, info) => {
      for (let p = 0; p < info.partitions; p++) if (crashed.m.partition(info.name, p)!.isDormant !== true) n++
      return n
    }, 0)
    await crashed.m.close()
    console.log(`  open after kill -9: ${crashed.openMs.toFixed(0)} ms (${recovered} partitions recovered from their files, the rest started dormant)`)
  }
}
