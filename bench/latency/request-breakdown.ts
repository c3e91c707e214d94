// Splits each measured produce ack of bench/latency.ts into its steps, from the bench's own send/ack times
// and the broker's trace (TRIBUTARY_PRODUCE_TRACE, src/log/produce-trace.ts):
//   to broker     client send → the produce handler starts (encode, socket, the broker's event loop; two clocks)
//   write         handler start → the append is on the OS (write queue + writev on libuv's pool)
//   fsync wait    written → the fsync that covers it starts (behind a running fsync: group commit)
//   fsync         that fsync, as the event loop sees it (libuv queueing + the fdatasync itself)
//   to durable    fsync done → the handler sees it (the event loop turn that settles waiters)
//   to client     durable → the client's ack (response encode, socket, the client's event loop; two clocks)
// All times epoch µs; the two "two clocks" steps mix the bench's and the broker's wall clocks (both
// performance.timeOrigin + now(), so they agree to within the clock's step).
import { build, type Histogram } from 'hdr-histogram-js'

interface Traced { baseOffset: number, lastOffset: number, start: number, written: number, durable: number }
interface Fsync { start: number, end: number, target: number }

const steps = ['to broker', 'write', 'fsync wait', 'fsync', 'to durable', 'to client'] as const

function parseTrace (text: string, topic: string): { appends: Map<number, Traced>, fsyncs: Fsync[] } {
  const appends = new Map<number, Traced>()
  const fsyncs: Fsync[] = []
  for (const line of text.split('\n')) {
    const f = line.split(' ')
    if (f[0] === 'produce' && f[1] === topic && f[2] === '0') {
      const [baseOffset, lastOffset, start, written, durable] = f.slice(3).map(Number) as [number, number, number, number, number]
      appends.set(baseOffset, { baseOffset, lastOffset, start: start * 1000, written: written * 1000, durable: durable * 1000 })
    } else if (f[0] === 'fsync') {
      fsyncs.push({ start: Number(f[1]) * 1000, end: Number(f[2]) * 1000, target: Number(f[3]) })
    }
  }
  fsyncs.sort((a, b) => a.start - b.start)
  return { appends, fsyncs }
}

/** The first fsync that started after the append was written and covers its last offset. */
function coveringFsync (fsyncs: Fsync[], t: Traced): Fsync | undefined {
  let lo = 0
  let hi = fsyncs.length
  while (lo < hi) { const mid = (lo + hi) >> 1; if (fsyncs[mid]!.start < t.written) lo = mid + 1; else hi = mid }
  for (let i = lo; i < fsyncs.length; i++) if (fsyncs[i]!.target > t.lastOffset) return fsyncs[i]
  return undefined
}

/**
 * Lines for the report: p50 and p99 of each step over all requests, and each step's mean over the slowest 1 %
 * of acks (what the tail is made of). `requests` are [sent, acked] in epoch µs, `offsets` their base offsets.
 */
export function breakdownLines (requests: Array<[number, number]>, offsets: number[], traceText: string, topic: string): string[] {
  const { appends, fsyncs } = parseTrace(traceText, topic)
  const hist = new Map<string, Histogram>(steps.map(s => [s, build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 })]))
  const rows: Array<{ total: number, parts: number[] }> = []
  for (const [i, [sent, acked]] of requests.entries()) {
    const t = appends.get(offsets[i]!)
    if (t === undefined) continue
    const f = coveringFsync(fsyncs, t)
    if (f === undefined || f.end > t.durable + 1) continue
    const parts = [t.start - sent, t.written - t.start, f.start - t.written, f.end - f.start, t.durable - f.end, acked - t.durable]
    parts.forEach((v, k) => hist.get(steps[k]!)!.recordValue(Math.max(1, Math.round(v))))
    rows.push({ total: acked - sent, parts })
  }
  if (rows.length === 0) return ['  (no traced requests matched)']
  rows.sort((a, b) => a.total - b.total)
  const slow = rows.slice(Math.floor(rows.length * 0.99))
  const meanOfSlow = (k: number): number => slow.reduce((a, r) => a + r.parts[k]!, 0) / slow.length / 1000
  const fmt = (v: number): string => v.toFixed(2).padStart(7)
  const out = [`  ${rows.length} of ${requests.length} requests traced; ms per step: p50, p99, mean over the slowest 1 % (${slow.length} acks >= ${(slow[0]!.total / 1000).toFixed(2)} ms)`]
  for (const [k, s] of steps.entries()) {
    const h = hist.get(s)!
    out.push(`    ${s.padEnd(12)} ${fmt(h.getValueAtPercentile(50) / 1000)} ${fmt(h.getValueAtPercentile(99) / 1000)} ${fmt(meanOfSlow(k))}`)
  }
  return out
}
