// Per-request timestamps of the acks=all path, for bench/latency.ts (issue 15, target 3): where do the
// milliseconds of a produce ack go between "the broker read the request" and "the answer left"? Off unless
// TRIBUTARY_PRODUCE_TRACE names a file; then the produce handler records each acks=all partition append
// (start, written to the OS, durable) and the group commit each fsync it ran (start, end, the offset it
// covers), on the wall clock in epoch ms (performance.timeOrigin + performance.now(), which the bench's
// own clients use too). Lines are buffered and appended to the file about once a second, off the
// request's path, so tracing does not add a write per request.
import { appendFile, appendFileSync } from 'node:fs'

const path = process.env.TRIBUTARY_PRODUCE_TRACE
const lines: string[] = []
let timer: NodeJS.Timeout | null = null

/** Whether tracing is on (checked once per request by the callers, so off costs one branch). */
export const produceTraceOn = path !== undefined && path !== ''

/** Now, on the wall clock, in epoch ms with µs precision. */
export function traceNow (): number { return performance.timeOrigin + performance.now() }

/** Records one line (space-separated fields); written out within about a second. */
export function traceLine (fields: Array<string | number>): void {
  if (!produceTraceOn) return
  lines.push(fields.map(f => typeof f === 'number' ? (Number.isInteger(f) ? String(f) : f.toFixed(3)) : f).join(' '))
  if (timer === null) {
    timer = setTimeout(flushTrace, 1000)
    timer.unref()
  }
}

// what is still buffered when the broker stops is written synchronously on the way out
if (produceTraceOn) process.on('exit', () => { if (lines.length > 0) appendFileSync(path!, lines.join('\n') + '\n') })

function flushTrace (): void {
  timer = null
  if (lines.length === 0 || path === undefined) return
  const text = lines.join('\n') + '\n'
  lines.length = 0
  appendFile(path, text, () => {}) // a trace that cannot be written is lost, never a produce error
}
