// The one-screen summary of `npm run bench`: each benchmark script records its headline figures here (when run
// by bench/all.ts, which sets BENCH_SUMMARY_FILE), and bench/all.ts prints them together at the end and writes
// them as JSON under bench/results/. Run alone, a script records nothing and prints only its own report.
import { appendFileSync, readFileSync, existsSync } from 'node:fs'

export interface Figure {
  /** What was measured, e.g. "kcat produce 1 KB acks=all". */
  figure: string
  value: number | null
  unit: string
  /** The limit the value is compared with, named, with its own value and unit, e.g. "kcat -> mock 96 MB/s". */
  limit?: string
  /** value / limit (or limit / value for times), when a limit applies. */
  ratio?: number | null
  /** The target in words, e.g. "ratio >= 0.8". */
  target?: string
  met?: boolean | null
  /** The script that produced the figure. */
  source: string
}

export function recordFigure (figure: Figure): void {
  const file = process.env.BENCH_SUMMARY_FILE
  if (file === undefined || file === '') return
  appendFileSync(file, JSON.stringify(figure) + '\n')
}

export function readFigures (file: string): Figure[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8').split('\n').filter(line => line.trim() !== '').map(line => JSON.parse(line) as Figure)
}

const pad = (text: string, width: number, right = false): string => (right ? text.padStart(width) : text.padEnd(width))

function formatValue (value: number | null, unit: string): string {
  if (value === null) return '-'
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`
}

export function printSummary (figures: Figure[]): void {
  const header = `${pad('figure', 52)} ${pad('value', 18, true)}  ${pad('limit', 32)} ${pad('ratio', 6, true)}  ${pad('target', 22)} met?`
  console.log(header)
  console.log('-'.repeat(header.length))
  for (const f of figures) {
    const met = f.met === undefined ? '' : f.met === null ? 'unknown' : f.met ? 'yes' : 'NO'
    console.log(`${pad(f.figure.slice(0, 52), 52)} ${pad(formatValue(f.value, f.unit), 18, true)}  ${pad((f.limit ?? '').slice(0, 32), 32)} ` +
      `${pad(f.ratio == null ? '' : f.ratio.toFixed(2), 6, true)}  ${pad(f.target ?? '', 22)} ${met}`)
  }
}
