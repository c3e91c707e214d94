// The cost of one GET /metrics scrape at scale: 1,000 partitions (100 topics of
// 10) and 100 consumer groups, each committed on one topic's 10 partitions
// behind the end, so every group row has a lag and a lag age to compute.
// Tributary is built in this process by the composition root; the figures are
// the time of registry.metrics() (cold: ages read from the log for the first
// time; warm: ages remembered) and of a whole HTTP scrape, with the body size.
// Target: < 50 ms per scrape. Wall times swing with other load on a shared
// machine, so the CPU time this process spent per scrape is printed too. Run: node --import tsx bench/metrics-scrape.ts
import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { defaultConfig } from '../src/config.js'
import { Tributary } from '../src/tributary.js'
import { encodeBatch } from '../src/protocol/records/batch-codec.js'

const TOPICS = 100
const PARTITIONS_PER_TOPIC = 10
const GROUPS = 100
const RECORDS_PER_PARTITION = 20
const WARM_SCRAPES = 30

function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!
}

async function main (): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tributary-bench-metrics-'))
  const config = { ...defaultConfig, topicDefaults: {}, dataDir, host: '127.0.0.1', kafkaPort: 0, httpPort: 0, flushPolicy: 'interval' as const }
  const app = new Tributary(config, pino({ level: 'silent' }))
  await app.start()
  try {
    const { log, groups } = app.components
    const started = Date.now()
    for (let t = 0; t < TOPICS; t++) {
      const topic = `topic-${t}`
      await log.createTopic(topic, PARTITIONS_PER_TOPIC)
      for (let p = 0; p < PARTITIONS_PER_TOPIC; p++) {
        const records = Array.from({ length: RECORDS_PER_PARTITION }, (_, i) => ({ value: Buffer.from(`${topic}/${p}/${i}`), timestamp: started - 60_000 + i }))
        await log.partition(topic, p)!.append(encodeBatch(records))
      }
    }
    for (let g = 0; g < GROUPS; g++) {
      const topic = `topic-${g % TOPICS}`
      const partitions = Array.from({ length: PARTITIONS_PER_TOPIC }, (_, p) => ({ partitionIndex: p, committedOffset: BigInt(p % RECORDS_PER_PARTITION), committedMetadata: null }))
      await groups.commitOffsets({ groupId: `group-${g}`, generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, topics: [{ name: topic, partitions }] })
    }
    const time = async (fn: () => Promise<unknown>): Promise<number> => {
      const t0 = performance.now()
      await fn()
      return performance.now() - t0
    }
    const coldCpuBefore = process.cpuUsage()
    const cold = await time(() => app.metrics.text())
    const coldCpu = process.cpuUsage(coldCpuBefore)
    const warm: number[] = []
    const cpuBefore = process.cpuUsage()
    for (let i = 0; i < WARM_SCRAPES; i++) warm.push(await time(() => app.metrics.text()))
    const cpu = process.cpuUsage(cpuBefore)
    const cpuMsPerScrape = (cpu.user + cpu.system) / 1000 / WARM_SCRAPES
    warm.sort((a, b) => a - b)
    const url = `http://127.0.0.1:${config.httpPort}/metrics`
    let bytes = 0
    const http: number[] = []
    for (let i = 0; i < WARM_SCRAPES; i++) http.push(await time(async () => { bytes = (await (await fetch(url)).arrayBuffer()).byteLength }))
    http.sort((a, b) => a - b)
    // Every group commits one record further: each of the 1,000 ages is read anew.
    const commitAll = async (shift: number): Promise<void> => {
      for (let g = 0; g < GROUPS; g++) {
        const topic = `topic-${g % TOPICS}`
        const partitions = Array.from({ length: PARTITIONS_PER_TOPIC }, (_, p) => ({ partitionIndex: p, committedOffset: BigInt(p % RECORDS_PER_PARTITION + shift), committedMetadata: null }))
        await groups.commitOffsets({ groupId: `group-${g}`, generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, topics: [{ name: topic, partitions }] })
      }
    }
    await commitAll(1)
    const movedCpuBefore = process.cpuUsage()
    const moved = await time(() => app.metrics.text())
    const movedCpu = process.cpuUsage(movedCpuBefore)
    const text = await app.metrics.text()
    const series = text.split('\n').filter(l => l !== '' && !l.startsWith('#')).length
    const ms = (n: number): string => n.toFixed(1)
    console.log(`metrics scrape: ${TOPICS * PARTITIONS_PER_TOPIC} partitions, ${GROUPS} groups x ${PARTITIONS_PER_TOPIC} partitions, ${series} series, ${(bytes / 1024).toFixed(0)} KiB`)
    console.log(`  registry.metrics() cold (lag ages read from the log): ${ms(cold)} ms, CPU ${ms((coldCpu.user + coldCpu.system) / 1000)} ms`)
    console.log(`  registry.metrics() warm: p50 ${ms(percentile(warm, 0.5))} ms, p90 ${ms(percentile(warm, 0.9))} ms, max ${ms(warm[warm.length - 1]!)} ms (${WARM_SCRAPES} scrapes)`)
    console.log(`  registry.metrics() after all 1,000 commits moved: ${ms(moved)} ms, CPU ${ms((movedCpu.user + movedCpu.system) / 1000)} ms`)
    console.log(`  CPU time per warm scrape (less sensitive to other load on the machine): ${ms(cpuMsPerScrape)} ms`)
    console.log(`  GET /metrics over HTTP:  p50 ${ms(percentile(http, 0.5))} ms, p90 ${ms(percentile(http, 0.9))} ms, max ${ms(http[http.length - 1]!)} ms`)
    console.log(`  target < 50 ms: CPU per scrape ${cpuMsPerScrape < 50 ? 'met' : 'MISSED'}; wall p50 ${percentile(http, 0.5) < 50 ? 'met' : 'missed'} at load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`)
  } finally {
    await app.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

await main()
