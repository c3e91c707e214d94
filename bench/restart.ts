// Restart time with many partitions (issue 15, target 4). Builds a data directory
// with PARTITIONS partitions over TOPICS topics (one small batch in each, plus
// BIG_MB in partition 0 of the first topic), then times LogManager.open after a
// clean shutdown and after kill -9 of the process that wrote it (no close, so
// nothing past the last fsync is trusted), and the work a Metadata and a
// ListOffsets answer for every partition does (reading each log's offsets).
// Then, as a user would see it: the real broker (node dist/cli/main.js start) on the cleanly closed directory,
// timed from spawn until GET /health answers 200 (node's own start and module loading included).
// Usage: npm run build && node --import tsx bench/restart.ts [partitions=10000] [topics=10] [bigMB=64] [dataDir]
//   RESTART_DIRTY=<n> partitions written after the last recovery checkpoint before the kill -9 (default 100);
//   RESTART_CRASH=0 skips the kill -9 part, RESTART_CLEAN=0 the clean-shutdown and /health parts;
//   RESTART_ENGINE=<built log-manager.js> times another build; RESTART_BASE_CLI=<another build's dist/cli/main.js>
//   alternates that build's `tributary start` with this one's (after a clean shutdown, and on copies of the killed directory).
//   RESTART_KEEP=1 keeps the clean directory (under dataDir, named by its shape) and reuses it in the next run
//   instead of building it again: the 10 GB variant takes minutes to write. Delete it by hand when done.
import { spawn } from 'node:child_process'
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { once } from 'node:events'
import { freePort } from '../test/helpers/broker-process.js'
import { encodeBatch } from '../src/protocol/records/batch-codec.js'

// the broker runs compiled code (npm run build); tsx's transform adds per-closure work that
// would dominate an open of thousands of partitions, so the built engine is timed when present
const built = fileURLToPath(new URL('../dist/log/log-manager.js', import.meta.url))
// RESTART_ENGINE=<path to a built log-manager.js> times another build (e.g. the commit before) side by side
const engine = process.env.RESTART_ENGINE ?? (existsSync(built) ? built : '../src/log/log-manager.js')
const { LogManager } = await import(engine) as typeof import('../src/log/log-manager.js')
type Logs = Awaited<ReturnType<typeof LogManager.open>>

const isChild = process.argv[2] === '--child'
const args = process.argv.slice(isChild ? 4 : 2)
const partitions = Number(args[0] ?? 10_000)
const topics = Math.max(1, Number(args[1] ?? 10))
const bigMB = Number(args[2] ?? 64)
const perTopic = Math.ceil(partitions / topics)
/** Partitions written after the recovery checkpoint, just before the kill -9 (RESTART_DIRTY, default 100). */
const dirty = Number(process.env.RESTART_DIRTY ?? 100)

/** Fills `dir`; with `crash` it prints READY and waits to be killed instead of closing. */
async function fill (dir: string, crash: boolean): Promise<void> {
  const m = await LogManager.open(dir, { logCleanerIntervalMs: 0 })
  for (let t = 0; t < topics; t++) await m.createTopic(`restart-${t}`, perTopic)
  const small = (i: number): Buffer => encodeBatch([{ value: `v${i}`, timestamp: Date.now() }])
  let i = 0
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (i < topics * perTopic) {
      const n = i++
      await m.partition(`restart-${n % topics}`, Math.floor(n / topics))!.append(small(n))
    }
  }))
  const value = Buffer.alloc(1000, 'x')
  const big = m.partition('restart-0', 0)!
  for (let written = 0; written < bigMB * 1024 * 1024;) {
    const b = encodeBatch(Array.from({ length: 64 }, () => ({ value })))
    written += b.length
    await big.append(b, { durability: written % (8 << 20) < b.length ? 'fsynced' : 'written' })
  }
  if (crash) {
    // a broker that ran for a while has written its recovery checkpoint (engines that have one); the big
    // partition's last writes are not fsynced, so it is left out of it and recovered: the unflushed tail
    await (m as { writeRecoveryCheckpoint?: () => Promise<void> }).writeRecoveryCheckpoint?.()
    // written after the checkpoint and never fsynced: the unflushed tail a crash leaves to recover
    for (let n = 0; n < dirty; n++) await m.partition(`restart-${n % topics}`, Math.floor(n / topics) % perTopic)!.append(small(n))
    process.stdout.write('READY\n')
    await new Promise(() => {})
  }
  await m.close()
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

/**
 * Starts `tributary start` on `dir` and times spawn to the first 200 from /health; the broker is then stopped.
 * Also gives the broker's own start time from its "Tributary is ready" log line (without node's start and module loading).
 */
async function timeToHealth (dir: string, cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))): Promise<{ healthMs: number, readyMs: number | null, phases: string }> {
  const [kafkaPort, httpPort] = [await freePort(), await freePort()]
  const start = process.hrtime.bigint()
  const child = spawn(process.execPath, [cli, 'start', '--data-dir', dir, '--host', '127.0.0.1', '--kafka-port', String(kafkaPort), '--http-port', String(httpPort)],
    { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = once(child, 'exit')
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  const readyLine = (): { ms: number, processMs?: number, phases?: Record<string, number> } | null => {
    const line = out.split('\n').find(l => l.includes('"Tributary is ready"'))
    return line === undefined ? null : JSON.parse(line) as { ms: number }
  }
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
        return { healthMs, readyMs: readyMs(), phases: phases() }
      }
      await new Promise(resolve => setTimeout(resolve, 5))
    }
  } finally {
    child.kill('SIGTERM')
    await exited
  }
}

if (isChild) {
  await fill(process.argv[3]!, true)
} else {
  const keep = process.env.RESTART_KEEP === '1'
  const base = keep ? join(args[3] ?? tmpdir(), `trib-restart-kept-${partitions}-${topics}-${bigMB}`) : await mkdtemp(join(args[3] ?? tmpdir(), 'trib-restart-'))
  const builtMarker = join(base, 'clean-built')
  try {
    console.log(`${topics * perTopic} partitions over ${topics} topics, ${bigMB} MB in one partition; engine: ${engine}`)
    const cleanDir = join(base, 'clean')
    await mkdir(base, { recursive: true })
    let t = Date.now()
    if (process.env.RESTART_CLEAN !== '0') {
      if (keep && existsSync(builtMarker)) console.log(`  reusing ${cleanDir}`)
      else {
        await rm(cleanDir, { recursive: true, force: true })
        await fill(cleanDir, false)
        if (keep) await writeFile(builtMarker, '')
        console.log(`  built and closed in ${((Date.now() - t) / 1000).toFixed(1)} s`)
      }
      const clean = await timeOpen(cleanDir)
      await clean.m.close()
      const again = await timeOpen(cleanDir)
      await again.m.close()
      console.log(`  open after clean shutdown: ${clean.openMs.toFixed(0)} ms, again ${again.openMs.toFixed(0)} ms (${(again.openMs * 1000 / (topics * perTopic)).toFixed(1)} µs per partition)`)
      console.log(`  offsets of every partition (Metadata + ListOffsets work): ${again.answerMs.toFixed(1)} ms`)
      if (existsSync(fileURLToPath(new URL('../dist/cli/main.js', import.meta.url)))) {
      // the broker's own stop closes the log cleanly, so each start after the first is again after a clean shutdown
        // RESTART_BASE_CLI=<another build's dist/cli/main.js>: its starts alternate with this build's, on the same directory
        const baseCli = process.env.RESTART_BASE_CLI
        // a first start of each build after the other's stop, not timed
        if (baseCli !== undefined) { await timeToHealth(cleanDir); await timeToHealth(cleanDir, baseCli) }
        const health: Record<string, Array<Awaited<ReturnType<typeof timeToHealth>>>> = { 'this build': [], base: [] }
        // RESTART_STARTS: how many timed starts of each build (default 3)
        for (let round = 0; round < Number(process.env.RESTART_STARTS ?? 3); round++) {
          health['this build']!.push(await timeToHealth(cleanDir))
          if (baseCli !== undefined) health.base!.push(await timeToHealth(cleanDir, baseCli))
        }
        for (const [name, runs] of Object.entries(health)) {
          if (runs.length === 0) continue
          console.log(`  ${name}: tributary start to /health 200 after a clean shutdown: ${runs.map(h => h.healthMs.toFixed(0)).join(', ')} ms (median ${median(runs.map(h => h.healthMs)).toFixed(0)}; ` +
            `of which the broker's start, from its ready log line: ${runs.map(h => String(h.readyMs ?? '-')).join(', ')} ms)`)
          for (const h of runs) if (h.phases !== '') console.log(`    ${h.phases}`)
        }
      }
    }

    if (process.env.RESTART_CRASH !== '0') {
      const crashDir = join(base, 'crash')
      t = Date.now()
      const child = spawn(process.execPath, ['--import', 'tsx', process.argv[1]!, '--child', crashDir, String(partitions), String(topics), String(bigMB)],
        { argv0: process.argv0, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env } })
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('READY')) resolve() })
        child.on('exit', code => { reject(new Error(`fill child exited with ${code}`)) })
      })
      child.kill('SIGKILL')
      await new Promise(resolve => child.once('exit', resolve))
      console.log(`  built and killed (-9) in ${((Date.now() - t) / 1000).toFixed(1)} s`)
      // as a user sees it: the real broker of each build on its own copy of the killed directory, spawn to /health
      // (the broker's own file-system wrapper decides whether the checkpoint is used, so this is not the same as below)
      if (existsSync(fileURLToPath(new URL('../dist/cli/main.js', import.meta.url)))) {
        const builds: Array<[string, string | undefined]> = [['this build', undefined], ...(process.env.RESTART_BASE_CLI === undefined ? [] : [['base', process.env.RESTART_BASE_CLI] as [string, string]])]
        for (const [name, cli] of builds) {
          const copy = join(base, `crash-${name.replace(' ', '-')}`)
          await cp(crashDir, copy, { recursive: true })
          const h = await timeToHealth(copy, cli)
          console.log(`  ${name}: tributary start to /health 200 after kill -9: ${h.healthMs.toFixed(0)} ms (broker's start ${h.readyMs ?? '-'} ms; ${h.phases})`)
          await rm(copy, { recursive: true, force: true })
        }
      }
      const crashed = await timeOpen(crashDir)
      const recovered = crashed.m.topics().reduce((n, info) => {
        for (let p = 0; p < info.partitions; p++) if (crashed.m.partition(info.name, p)!.isDormant !== true) n++
        return n
      }, 0)
      await crashed.m.close()
      console.log(`  open after kill -9: ${crashed.openMs.toFixed(0)} ms (${recovered} partitions recovered from their files, the rest started dormant)`)
    }
  } finally {
    if (keep) await rm(join(base, 'crash'), { recursive: true, force: true })
    else await rm(base, { recursive: true, force: true })
  }
}
