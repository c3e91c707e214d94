// Lines up the slowest produce acks of a latency run with what the broker was doing
// meanwhile: its collector pauses (--trace-gc) and its background log work
// (NODE_DEBUG=tributary-background, see src/log/background-trace.ts). Each slow
// request is counted once per kind of span that overlaps it, so the printout says
// how many of the tail's requests each suspect could explain.

/** A span of broker time, on the wall clock (epoch µs). */
interface Span { kind: string, startUs: number, endUs: number }

/** Parses the broker's output into spans; empty when it printed no time origin (tracing off). */
export function brokerSpans (output: string): Span[] {
  const origin = /bg-origin ([\d.]+)/.exec(output)
  if (origin === null) return []
  const originUs = Number(origin[1]) * 1000
  const spans: Span[] = []
  for (const m of output.matchAll(/bg (\S+) ([\d.]+) ([\d.]+)/g)) {
    const startUs = originUs + Number(m[2]) * 1000
    spans.push({ kind: m[1]!, startUs, endUs: startUs + Number(m[3]) * 1000 })
  }
  // --trace-gc: "[pid:0x…]    1234 ms: Scavenge … , 1.2 / 0.0 ms  (…" — the line is printed when the pause ends
  for (const m of output.matchAll(/\]\s+(\d+) ms: (Scavenge|Mark-Compact|Mark-Compact \(reduce\)|Minor Mark-Sweep)[^\n]*?MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms/g)) {
    const endUs = originUs + Number(m[1]) * 1000 + Number(m[3]) * 1000
    spans.push({ kind: `gc-${m[2]!.split(' ')[0]!.toLowerCase()}`, startUs: endUs - Number(m[3]) * 1000, endUs })
  }
  return spans
}

/**
 * For the requests at or above `percentile` of ack latency: how many overlap each
 * kind of span (and how many overlap none), and the total pause time of each kind.
 */
export function attributeSlowRequests (requests: Array<[number, number]>, spans: Span[], percentile: number): string {
  if (requests.length === 0) return 'no requests'
  const latencies = requests.map(([s, e]) => e - s).sort((a, b) => a - b)
  const threshold = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * percentile / 100))]!
  const slow = requests.filter(([s, e]) => e - s >= threshold)
  const first = requests[0]![0]
  const last = requests[requests.length - 1]![1]
  const inRun = spans.filter(s => s.endUs >= first && s.startUs <= last)
  const counts = new Map<string, number>()
  let explained = 0
  for (const [s, e] of slow) {
    const kinds = new Set(inRun.filter(span => span.startUs <= e && span.endUs >= s).map(span => span.kind))
    if (kinds.size > 0) explained++
    for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  const totals = new Map<string, { n: number, ms: number, longest: number }>()
  for (const span of inRun) {
    const t = totals.get(span.kind) ?? { n: 0, ms: 0, longest: 0 }
    const ms = (span.endUs - span.startUs) / 1000
    totals.set(span.kind, { n: t.n + 1, ms: t.ms + ms, longest: Math.max(t.longest, ms) })
  }
  const overlap = [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')
  const during = [...totals].map(([k, t]) => `${k} ${t.n}x ${t.ms.toFixed(0)} ms (longest ${t.longest.toFixed(1)})`).join(', ')
  return `${slow.length} requests >= p${percentile} (${(threshold / 1000).toFixed(2)} ms): ${slow.length - explained} overlap nothing traced; overlapping ${overlap || '-'}\n    broker spans in the run: ${during || '-'}`
}
