// The broker side of bench/bus.ts, in its own process so the load generator does not share its thread:
// the whole of Tributary (composition root, HTTP face, bus, log) from a chosen build, started on loopback.
// BUS_ENGINE is the directory holding that build's tributary.js (a dist/, or src/ under tsx), so the same
// benchmark drives the base commit and this one side by side.
// It answers the parent over IPC: `stats` (records in the target topics, the bus topic's end, the
// dispatcher's cursor, CPU used), `watch` (time every record arriving in one target topic from the
// sentAt the client wrote into its detail: ingest-to-delivery), `latency` (the samples so far), `stop`.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readFileSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { pino } from 'pino'

type Engine = typeof import('../src/tributary.js')
type ConfigModule = typeof import('../src/config.js')
type StorageModule = typeof import('../src/bus/storage.js')

const engine = process.env.BUS_ENGINE
if (engine === undefined || process.send === undefined) throw new Error('bench/bus-server.ts is started by bench/bus.ts')
const { Tributary } = await import(join(engine, 'tributary.js')) as Engine
const { defaultConfig } = await import(join(engine, 'config.js')) as ConfigModule
const { BusStorage } = await import(join(engine, 'bus/storage.js')) as StorageModule

const dataDir = await mkdtemp(join(tmpdir(), 'tributary-bench-bus-'))
const config = { ...defaultConfig, topicDefaults: {}, dataDir, host: '127.0.0.1', kafkaPort: 0, httpPort: 0 }
const app = new Tributary(config, pino({ level: 'silent' }), { processMetrics: false })
await app.start()
const { log, bus } = app.components
const storage = new BusStorage(log)
const send = (message: unknown): void => { process.send?.(message) }
const wallMs = (): number => performance.timeOrigin + performance.now()

let samples: number[] = []
const watching = new AbortController()

/** Reads one target topic from its end on and records, per record, now minus the client's sentAt. */
async function watch (topic: string): Promise<void> {
  let offset = storage.highWatermark(topic)
  while (!watching.signal.aborted) {
    const { records, nextOffset } = await storage.read(topic, offset)
    const now = wallMs()
    for (const record of records) {
      const sentAt = (JSON.parse(record.value?.toString() ?? '{}') as { detail?: { sentAt?: number } }).detail?.sentAt
      if (typeof sentAt === 'number') samples.push(now - sentAt)
    }
    if (nextOffset === offset) await storage.waitForData(topic, offset, watching.signal)
    offset = nextOffset
  }
}

/**
 * CPU of the main (JavaScript) thread alone, from Linux's per-thread accounting (NaN elsewhere): the rest of
 * the process's CPU is libuv's pool (the writes and fdatasyncs, mostly kernel time), V8's helper threads (GC).
 */
function mainThreadSeconds (): number {
  try {
    // fields after the command name's closing parenthesis: utime and stime are the 12th and 13th
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return Number.NaN
  }
}

const session = process.env.BUS_PROFILE !== undefined ? new Session() : undefined
async function profile (start: boolean): Promise<void> {
  if (session === undefined) return
  if (start) {
    session.connect()
    await session.post('Profiler.enable')
    await session.post('Profiler.start')
    return
  }
  const { profile } = await session.post('Profiler.stop')
  writeFileSync(process.env.BUS_PROFILE ?? '', JSON.stringify(profile))
  session.disconnect()
}

process.on('message', (message: { kind: string, topics?: string[], topic?: string }) => {
  switch (message.kind) {
    case 'stats': {
      let delivered = 0
      for (const topic of message.topics ?? []) delivered += storage.highWatermark(topic)
      const cpu = process.cpuUsage()
      send({ kind: 'stats', delivered, busEnd: storage.highWatermark('bus.default'), cursor: bus.dispatcher('default')?.committedOffset ?? 0, cpuSeconds: (cpu.user + cpu.system) / 1e6, mainThreadSeconds: mainThreadSeconds() })
      break
    }
    case 'watch':
      watch(message.topic ?? '').catch(err => { console.error('watch failed', err) })
      send({ kind: 'watching' })
      break
    case 'profile':
      // BUS_PROFILE=<file>: a CPU profile of the throughput window alone (setup and latency excluded)
      profile(message.topic === 'start').then(() => send({ kind: 'profiled' }), err => { console.error('profile failed', err) })
      break
    case 'latency':
      send({ kind: 'latency', samples })
      samples = []
      break
    case 'stop':
      watching.abort()
      app.stop().then(async () => { await rm(dataDir, { recursive: true, force: true }) }).finally(() => process.exit(0))
      break
  }
})
send({ kind: 'ready', port: config.httpPort })
