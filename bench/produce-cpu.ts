// Produce side by side (issue 15, targets 1 and 4): kcat (librdkafka) produces 1 KB and 100 B messages with
// acks=all into this build's broker and, when PRODUCE_BASE names another checkout with a dist/ (e.g. the base
// commit checked out beside this one), into that build's broker too, in alternating order round by round, so both see
// the same machine. Per run: MB/s of message values and the broker's CPU seconds per GB (its /metrics
// process_cpu_seconds_total before and after). The ratios this/base are what to quote on a shared machine.
// PRODUCE_PROFILE=<dir> starts this build's broker with --cpu-prof (the profile lands in <dir> at stop);
// PRODUCE_BASE_ENV="K=V ..." sets environment variables for the base build's broker only (e.g.
// TRIBUTARY_FETCH_TAIL_CACHE_BYTES=0 to compare against the base with its tail cache off);
// PRODUCE_NODE_ARGS adds node options to both brokers (e.g. --trace-gc), PRODUCE_SHOW_OUTPUT=1 prints their output.
// Usage: npm run build && PRODUCE_BASE=../previous-checkout node --import tsx bench/produce-cpu.ts
//   PRODUCE_SIZES (default "1024,100"), PRODUCE_ROUNDS (default 3), BENCH_SCALE (default 1: 200,000 x 1 KB and 1,000,000 x 100 B per run)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { BrokerEntry, BrokerProcess } from '../test/helpers/broker-process.js'
import { kcatProduce, writeMessageFile } from './kcat-client.js'
import { createTopics, endOffset } from './kafka-admin.js'
import { mbPerSecond } from './limits.js'
import { cpuSecondsPerGb, withBrokerCpu, type CpuRate } from './broker-cpu.js'
import { recordFigure } from './summary.js'

const scale = Number(process.env.BENCH_SCALE ?? '1')
const rounds = Math.max(1, Number(process.env.PRODUCE_ROUNDS ?? process.env.BENCH_ROUNDS ?? '3'))
const base = process.env.PRODUCE_BASE
const profileDir = process.env.PRODUCE_PROFILE
const onlySizes = process.env.PRODUCE_SIZES?.split(',').map(Number)
const sizes = [
  { label: '1 KB', size: 1024, count: Math.round(200_000 * scale) },
  { label: '100 B', size: 100, count: Math.round(1_000_000 * scale) }
].filter(s => onlySizes === undefined || onlySizes.includes(s.size))

// User vs system CPU of the broker process (all its threads: the JavaScript thread and libuv's writers/fsyncers),
// from /proc/<pid>/stat fields 14 and 15 in clock ticks (100 per second on Linux), so a run can say which dominates.
const ticksPerSecond = 100
function userSystemSeconds (pid: number | undefined): { user: number, system: number } {
  if (pid === undefined) return { user: NaN, system: NaN }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // fields from 3 (state) on
  return { user: Number(fields[11]) / ticksPerSecond, system: Number(fields[12]) / ticksPerSecond }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

async function main (): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'tributary-produce-cpu-'))
  console.log(`kcat produce acks=all, this build${base === undefined ? '' : ` vs ${base}`}, ${new Date().toISOString()}, ` +
    `${cpus().length} cores, load ${loadavg().map(l => l.toFixed(2)).join(' ')}, ${rounds} rounds`)
  const engines = [{ name: 'this', root: undefined as string | undefined }, ...(base === undefined ? [] : [{ name: 'base', root: base }])]
  const brokers: BrokerProcess[] = []
  try {
    for (const e of engines) {
      brokers.push(await BrokerProcess.start({
        entry: BrokerEntry.compiled,
        dataDir: join(work, `data-${e.name}`),
        mainScript: e.root === undefined ? undefined : join(e.root, 'dist', 'cli', 'main.js'),
        env: e.root === undefined ? {} : Object.fromEntries((process.env.PRODUCE_BASE_ENV ?? '').split(' ').filter(kv => kv.includes('=')).map(kv => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
        nodeArgs: [...(e.name === 'this' && profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...(process.env.PRODUCE_NODE_ARGS ?? '').split(' ').filter(a => a !== '')]
      }))
    }
    const results = new Map<string, CpuRate[]>()
    for (const s of sizes) {
      const file = join(work, `messages-${s.size}.txt`)
      await writeMessageFile(file, s.count, s.size)
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? engines.map((_, i) => i) : engines.map((_, i) => i).reverse()
        for (const i of order) {
          const broker = brokers[i]!
          const topic = `produce-${s.size}-r${r}`
          await createTopics(broker.bootstrap, [topic])
          const before = userSystemSeconds(broker.pid)
          const rate = await withBrokerCpu(broker, () => kcatProduce(broker.bootstrap, topic, file, s.count, s.size))
          const after = userSystemSeconds(broker.pid)
          const perGb = (seconds: number): string => (seconds / (rate.bytes / 1e9)).toFixed(2)
          const end = await endOffset(broker.bootstrap, topic)
          if (end !== s.count) throw new Error(`TRIB_ERR_BENCH_COUNT: end offset ${end} after producing ${s.count}`)
          const key = `${engines[i]!.name} ${s.label}`
          results.set(key, [...(results.get(key) ?? []), rate])
          console.log(`  ${key.padEnd(12)} round ${r + 1}: ${mbPerSecond(rate).toFixed(1)} MB/s, broker ${cpuSecondsPerGb(rate).toFixed(2)} CPU s/GB ` +
            `(user ${perGb(after.user - before.user)} + system ${perGb(after.system - before.system)}), load ${loadavg()[0]!.toFixed(2)}`)
        }
      }
    }
    console.log(`\nmedians of ${rounds} rounds${base === undefined ? '' : ' (ratio = this / base)'}`)
    for (const s of sizes) {
      const of = (name: string): { mbps: number, cpu: number } | null => {
        const rs = results.get(`${name} ${s.label}`)
        return rs === undefined ? null : { mbps: median(rs.map(mbPerSecond)), cpu: median(rs.map(cpuSecondsPerGb)) }
      }
      const mine = of('this')!
      const theirs = of('base')
      console.log(`  kcat produce ${s.label}: ${mine.mbps.toFixed(1)} MB/s, ${mine.cpu.toFixed(2)} CPU s/GB` +
        (theirs === null ? '' : `; base ${theirs.mbps.toFixed(1)} MB/s, ${theirs.cpu.toFixed(2)} CPU s/GB; ratio MB/s ${(mine.mbps / theirs.mbps).toFixed(2)}, CPU/GB ${(mine.cpu / theirs.cpu).toFixed(2)}`))
      recordFigure({
        figure: `broker CPU per GB, kcat produce ${s.label} acks=all`,
        value: mine.cpu,
        unit: 's/GB',
        ...(theirs === null ? {} : { limit: `base build ${theirs.cpu.toFixed(2)} s/GB`, ratio: mine.cpu / theirs.cpu }),
        target: '<= 0.6 s/GB',
        met: mine.cpu <= 0.6,
        source: 'bench/produce-cpu.ts'
      })
    }
    console.log(`load at the end ${loadavg().map(l => l.toFixed(2)).join(' ')}`)
    if (process.env.PRODUCE_SHOW_OUTPUT === '1') for (const [i, b] of brokers.entries()) console.log(`--- broker output (${engines[i]!.name}) ---\n${b.output()}`)
  } finally {
    for (const b of brokers) { await b.stop(); await b.cleanup() }
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
