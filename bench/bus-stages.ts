// The broker's CPU profile of bench/bus.ts (BUS_PROFILE=<file>) cut into the stages of an event's way
// through the bus: HTTP, the request's JSON parse, envelope building, PutEvents' own checks, the bus
// topic's append (batch encoding, writev and write queue, fsync), and the same for deliveries to topic
// targets, matching, GC. Each sample goes to the first stage its stack shows (the order below), so the
// shares add up to the main thread's time. bench/bus.ts prints it per accepted entry; by hand:
//   node --import tsx bench/bus-stages.ts <profile.cpuprofile> [entries]
// The main thread only: the work libuv's threads do (the writes and fdatasyncs themselves) is in the
// process's CPU time that bench/bus.ts reports, not here; and under load a thread the kernel preempts
// is charged to whatever it was running (native calls that hand work to libuv's threads show it).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

interface ProfileNode { id: number, callFrame: { functionName: string, url: string }, children?: number[] }
interface Profile { nodes: ProfileNode[], samples: number[], timeDeltas: number[] }

const FSYNC = /fdatasync|datasync|group-commit|flushed|syncActive/
const WRITE = /writev|write-queue|appendBatches|writeGroup|writeBuffers/
const ENCODE = /encodeBatch|encodeRecords|crc32c|toBuffer@.*records/
const APPEND = /appendByKey|appendTo|appendEvents|partition-log/

function stageOf (frames: string[]): string {
  const leaf = frames[0] ?? ''
  if (leaf.startsWith('(garbage collector)')) return 'GC'
  if (leaf.startsWith('(idle)')) return 'idle'
  if (leaf.startsWith('(program)')) return 'native, unattributed'
  const stack = frames.join(' ')
  if (/bus-server|node:inspector/.test(stack)) return 'the benchmark\'s own (profiler, stats)'
  const delivery = /dispatcher\.|deliverer\./.test(stack)
  const of = delivery ? 'delivery: ' : 'PutEvents: '
  if (FSYNC.test(stack)) return `${of}fsync (group commit, fdatasync calls)`
  if (WRITE.test(stack)) return `${of}append: writev + write queue`
  if (ENCODE.test(stack)) return `${of}append: record batch encoding + CRC`
  if (APPEND.test(stack)) return `${of}append: the log's other work`
  if (delivery && /rule-matcher|pattern\//.test(stack)) return 'delivery: matching'
  if (delivery && /storage\.[jt]s.*read|readBatches|decodeRecords|parsed-events|segment/.test(stack)) return 'delivery: reading the bus topic'
  if (delivery) return 'delivery: the rest (target input, bookkeeping, observers)'
  if (/trace-ring|metrics\/bus|histogram/.test(stack)) return 'observers (console trace, metrics)'
  if (/buildEnvelope|envelopeText|randomUUID/.test(stack)) return 'PutEvents: envelope (Detail JSON.parse, id, text)'
  if (/parseInput/.test(stack)) return 'PutEvents: request JSON.parse'
  if (/putEvents@|answerBusCall/.test(stack)) return 'PutEvents: checks and the rest'
  if (/lean-route|routes\.|fastify|find-my-way|_http|http_|reply\.|content-type|handle-request|net\.js|node:net|stream|Socket|parser/i.test(stack)) return 'HTTP (node:http, fastify)'
  return `other: ${leaf}`
}

/** Milliseconds of main-thread time per stage, most first. */
export function stagesOf (profile: Profile): Array<{ stage: string, ms: number }> {
  const byId = new Map(profile.nodes.map(n => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const stageById = new Map<number, string>()
  const totals = new Map<string, number>()
  for (const [i, id] of profile.samples.entries()) {
    let stage = stageById.get(id)
    if (stage === undefined) {
      const frames: string[] = []
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const f = byId.get(cur)!.callFrame
        frames.push(`${f.functionName}@${f.url}`)
      }
      stageById.set(id, stage = stageOf(frames))
    }
    totals.set(stage, (totals.get(stage) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
  }
  return [...totals].map(([stage, ms]) => ({ stage, ms })).sort((a, b) => b.ms - a.ms)
}

/** The table bench/bus.ts prints: share of the main thread and µs per entry. */
export function formatStages (file: string, entries: number): string {
  const stages = stagesOf(JSON.parse(readFileSync(file, 'utf8')) as Profile)
  const total = stages.reduce((sum, s) => sum + s.ms, 0)
  return stages.filter(s => s.ms / total >= 0.003)
    .map(s => `  ${(s.ms / total * 100).toFixed(1).padStart(5)} %  ${(s.ms * 1000 / Math.max(1, entries)).toFixed(1).padStart(7)} µs/entry  ${s.stage}`).join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, entries] = process.argv.slice(2)
  if (file === undefined) throw new Error('usage: node --import tsx bench/bus-stages.ts <profile.cpuprofile> [entries]')
  console.log(formatStages(file, Number(entries ?? 1)))
}
