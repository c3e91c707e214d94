// Catch-up consume against a limit that is fair to librdkafka's consumer (issue 15, target 2): the same kcat consume
// against librdkafka's in-memory mock broker holding the same data. The mock keeps only about 5 MB per partition and
// auto-creates topics with 4 partitions, so the data is 4 partitions x 4,600 messages of 1 KB (18.8 MB), and Tributary
// gets the same layout. Both are read by one kcat process per run (all partitions fetched together), ROUNDS times in
// alternating order; the figures are the median run. The rate is taken from kcat's first message to its exit, so
// process start, Metadata and ListOffsets (equal for both, and large beside 19 MB) do not flatter the ratio; the wall
// time is printed beside it. Also: @platformatic/kafka fetching all 4 partitions per request (the mock has no Fetch
// v12+, so this row has no mock limit), loopback TCP, and the broker's CPU seconds per GB served.
// The broker's own serving capacity: a raw Fetch loop (bench/raw-fetch-client.ts: one socket per partition, 8 MiB
// per partition answer, batch headers walked, records not decoded) reading the same partitions over and over for
// RAW_SECONDS (default 3) per round; its MB/s is set against loopback TCP with the broker's CPU s/GB beside it.
// CONSUME_BASE=<dir of another build> (e.g. ../previous-checkout) runs that build's broker beside this one, same data.
// CONSUME_PROFILE=<dir> starts this build's broker with --cpu-prof (the profile lands in <dir> at stop).
// Usage: npm run build && node --import tsx bench/consume-fair.ts   (ROUNDS=5)
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { BrokerEntry, BrokerProcess } from '../test/helpers/broker-process.js'
import { kcatConsumeAll, kcatProduce, writeMessageFile } from './kcat-client.js'
import { createTopics } from './kafka-admin.js'
import { measureLoopbackTcp, type Rate } from './limits.js'
import { startMockCluster } from './mock-cluster.js'
import { platformaticConsumeAll } from './node-client.js'
import { rawFetchConsume } from './raw-fetch-client.js'
import { recordFigure } from './summary.js'

const partitions = 4
const perPartition = 4_600
const size = 1024
const count = partitions * perPartition
const rounds = Math.max(1, Number(process.env.ROUNDS ?? 5))
const baseDir = process.env.CONSUME_BASE
const topic = 'fair'
const profileDir = process.env.CONSUME_PROFILE
const rawSeconds = Math.max(0.5, Number(process.env.RAW_SECONDS ?? 3))

async function cpuSeconds (broker: BrokerProcess): Promise<number> {
  const text = await (await fetch(`${broker.httpUrl}/metrics`)).text()
  const line = text.split('\n').find(l => l.startsWith('process_cpu_seconds_total '))
  if (line === undefined) throw new Error('TRIB_ERR_BENCH_METRICS: no process_cpu_seconds_total in /metrics')
  return Number(line.split(' ')[1])
}

interface Sample { mbPerSecond: number, wallMbPerSecond: number, cpuSecondsPerGb: number | null }
interface Target { name: string, bootstrap: string, broker: BrokerProcess | null }

async function sample (target: Target, fn: (bootstrap: string) => Promise<Rate & { streamSeconds?: number }>): Promise<Sample> {
  const before = target.broker === null ? 0 : await cpuSeconds(target.broker)
  const rate = await fn(target.bootstrap)
  const cpu = target.broker === null ? null : await cpuSeconds(target.broker) - before
  return {
    mbPerSecond: rate.bytes / 1e6 / (rate.streamSeconds ?? rate.seconds),
    wallMbPerSecond: rate.bytes / 1e6 / rate.seconds,
    cpuSecondsPerGb: cpu === null ? null : cpu / (rate.bytes / 1e9)
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const medianOf = (samples: Sample[], key: keyof Sample): number | null => {
  const xs = samples.map(s => s[key]).filter((x): x is number => x !== null)
  return xs.length === 0 ? null : median(xs)
}

async function main (): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'tributary-consume-fair-'))
  console.log(`Catch-up consume, fair layout: ${partitions} partitions x ${perPartition} x ${size} B, ${rounds} rounds, ${new Date().toISOString()}, ${cpus().length} cores, load ${loadavg().map(l => l.toFixed(2)).join(' ')}`)
  const file = join(work, 'messages.txt')
  await writeMessageFile(file, perPartition, size)
  const loopback = await measureLoopbackTcp(2000)
  const tcpMBps = loopback.bytes / 1e6 / loopback.seconds
  console.log(`  loopback TCP ${tcpMBps.toFixed(0)} MB/s`)
  const mock = await startMockCluster()
  const builds = [{ name: 'Tributary', mainScript: undefined as string | undefined }]
  if (baseDir !== undefined && baseDir !== '') builds.push({ name: 'base build', mainScript: join(baseDir, 'dist', 'cli', 'main.js') })
  const brokers: BrokerProcess[] = []
  try {
    const targets: Target[] = [{ name: 'mock', bootstrap: mock.bootstrap, broker: null }]
    for (const b of builds) {
      const profile = b.mainScript === undefined && profileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
      const broker = await BrokerProcess.start({ entry: BrokerEntry.compiled, dataDir: join(work, b.name.replace(/\W/g, '')), mainScript: b.mainScript, nodeArgs: profile })
      brokers.push(broker)
      await createTopics(broker.bootstrap, [topic], partitions)
      targets.push({ name: b.name, bootstrap: broker.bootstrap, broker })
    }
    for (const t of targets) {
      for (let p = 0; p < partitions; p++) await kcatProduce(t.bootstrap, topic, file, perPartition, size, p)
    }
    const kcat = new Map<string, Sample[]>()
    const node = new Map<string, Sample[]>()
    const raw = new Map<string, Sample[]>()
    const rawClientCpu: number[] = []
    const add = (into: Map<string, Sample[]>, key: string, s: Sample): void => {
      into.set(key, [...(into.get(key) ?? []), s])
      console.log(`  ${into === kcat ? 'kcat' : into === node ? '@platformatic/kafka' : 'raw Fetch loop'} <- ${key}: ${s.mbPerSecond.toFixed(1)} MB/s (wall ${s.wallMbPerSecond.toFixed(1)} MB/s)` +
        (s.cpuSecondsPerGb === null ? '' : `, broker ${s.cpuSecondsPerGb.toFixed(2)} CPU s/GB`))
    }
    const rawFetch = async (bootstrap: string): Promise<Rate> => {
      const [host, port] = bootstrap.split(':')
      const r = await rawFetchConsume({ host: host ?? '127.0.0.1', port: Number(port), topic, partitions, partitionMaxBytes: 8 << 20, durationMs: rawSeconds * 1000 })
      rawClientCpu.push(r.clientCpuSeconds / r.seconds)
      return r
    }
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? targets : [...targets].reverse()
      for (const t of order) add(kcat, t.name, await sample(t, bootstrap => kcatConsumeAll(bootstrap, topic, count, size)))
      for (const t of order) {
        if (t.broker !== null) add(node, t.name, await sample(t, bootstrap => platformaticConsumeAll(bootstrap, topic, count, size)))
      }
      for (const t of order) {
        if (t.broker !== null) add(raw, t.name, await sample(t, rawFetch))
      }
    }

    const mockMBps = medianOf(kcat.get('mock') ?? [], 'mbPerSecond')
    console.log(`\nMedian of ${rounds} rounds (load now ${loadavg().map(l => l.toFixed(2)).join(' ')})`)
    console.log(`${'broker'.padEnd(12)} ${'kcat MB/s'.padStart(10)} ${'/ mock'.padStart(7)} ${'/ TCP'.padStart(7)} ${'CPU s/GB'.padStart(9)}   ${'@platformatic MB/s'.padStart(18)} ${'CPU s/GB'.padStart(9)}`)
    for (const t of targets) {
      const k = medianOf(kcat.get(t.name) ?? [], 'mbPerSecond')
      const kCpu = medianOf(kcat.get(t.name) ?? [], 'cpuSecondsPerGb')
      const n = medianOf(node.get(t.name) ?? [], 'mbPerSecond')
      const nCpu = medianOf(node.get(t.name) ?? [], 'cpuSecondsPerGb')
      const f = (x: number | null, d = 1): string => (x === null ? '-' : x.toFixed(d))
      console.log(`${t.name.padEnd(12)} ${f(k).padStart(10)} ${f(k === null || mockMBps === null ? null : k / mockMBps, 2).padStart(7)} ${f(k === null ? null : k / tcpMBps, 2).padStart(7)} ${f(kCpu, 2).padStart(9)}   ${f(n).padStart(18)} ${f(nCpu, 2).padStart(9)}`)
    }
    console.log(`\nraw Fetch loop (${partitions} connections, 8 MiB per partition answer, records not decoded; client used ${median(rawClientCpu).toFixed(2)} of a core):`)
    for (const t of targets) {
      if (t.broker === null) continue
      const r = medianOf(raw.get(t.name) ?? [], 'mbPerSecond')
      const rCpu = medianOf(raw.get(t.name) ?? [], 'cpuSecondsPerGb')
      console.log(`${t.name.padEnd(12)} ${(r ?? 0).toFixed(0).padStart(6)} MB/s  / TCP ${(r === null ? 0 : r / tcpMBps).toFixed(2)}  broker ${(rCpu ?? 0).toFixed(2)} CPU s/GB`)
    }
    const base = builds[1] === undefined ? undefined : builds[1].name
    if (base !== undefined) {
      const ratio = (m: Map<string, Sample[]>, key: keyof Sample): string => {
        const a = medianOf(m.get('Tributary') ?? [], key)
        const b = medianOf(m.get(base) ?? [], key)
        return a === null || b === null ? '-' : (a / b).toFixed(2)
      }
      console.log(`this build / base build: kcat MB/s ${ratio(kcat, 'mbPerSecond')}, kcat CPU s/GB ${ratio(kcat, 'cpuSecondsPerGb')}, ` +
        `@platformatic MB/s ${ratio(node, 'mbPerSecond')}, @platformatic CPU s/GB ${ratio(node, 'cpuSecondsPerGb')}, ` +
        `raw Fetch MB/s ${ratio(raw, 'mbPerSecond')}, raw Fetch CPU s/GB ${ratio(raw, 'cpuSecondsPerGb')}`)
    }

    const source = 'bench/consume-fair.ts'
    const ours = medianOf(kcat.get('Tributary') ?? [], 'mbPerSecond')
    const label = `kcat 1 KB, ${partitions} partitions`
    recordFigure({ figure: `kcat <- mock catch-up 1 KB, ${partitions} partitions (limit)`, value: mockMBps, unit: 'MB/s', source })
    recordFigure({
      figure: `catch-up consume / mock (${label})`,
      value: ours,
      unit: 'MB/s',
      limit: mockMBps === null ? undefined : `kcat <- mock ${mockMBps.toFixed(0)} MB/s`,
      ratio: ours === null || mockMBps === null ? null : ours / mockMBps,
      target: 'ratio >= 0.8',
      met: ours === null || mockMBps === null ? null : ours / mockMBps >= 0.8,
      source
    })
    recordFigure({
      figure: `catch-up consume / loopback TCP (kcat 1 KB, ${partitions} parts)`,
      value: ours,
      unit: 'MB/s',
      limit: `loopback TCP ${tcpMBps.toFixed(0)} MB/s`,
      ratio: ours === null ? null : ours / tcpMBps,
      target: 'ratio >= 0.5',
      met: ours === null ? null : ours / tcpMBps >= 0.5,
      source
    })
    recordFigure({ figure: `broker CPU s/GB served, kcat catch-up (${partitions} parts)`, value: medianOf(kcat.get('Tributary') ?? [], 'cpuSecondsPerGb'), unit: 'CPU s/GB', source })
    const rawOurs = medianOf(raw.get('Tributary') ?? [], 'mbPerSecond')
    recordFigure({
      figure: `broker serving / loopback TCP (raw Fetch loop, ${partitions} parts)`,
      value: rawOurs,
      unit: 'MB/s',
      limit: `loopback TCP ${tcpMBps.toFixed(0)} MB/s`,
      ratio: rawOurs === null ? null : rawOurs / tcpMBps,
      target: 'ratio >= 0.5',
      met: rawOurs === null ? null : rawOurs / tcpMBps >= 0.5,
      source
    })
    recordFigure({ figure: `broker CPU s/GB served, raw Fetch loop (${partitions} parts)`, value: medianOf(raw.get('Tributary') ?? [], 'cpuSecondsPerGb'), unit: 'CPU s/GB', source })
    recordFigure({ figure: `@platformatic catch-up consume 1 KB, ${partitions} partitions`, value: medianOf(node.get('Tributary') ?? [], 'mbPerSecond'), unit: 'MB/s', source })
  } finally {
    mock.stop()
    for (const b of brokers) { await b.stop(); await b.cleanup() }
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
