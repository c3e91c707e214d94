// Turns measured rates into rows with their ratio to the lowest applicable limit, and prints them.
import { mbPerSecond, type Rate } from './limits.js'

export interface Limit {
  name: string
  mbPerSecond: number
}

export interface Row {
  scenario: string
  client: string
  direction: 'produce' | 'consume'
  messageBytes: number
  mbPerSecond: number | null
  messagesPerSecond: number | null
  seconds: number | null
  lowestLimit: Limit | null
  ratio: number | null
  /** A second comparison, printed beside the first (produce: the stricter group-commit disk probe). */
  reference?: { limit: Limit | null, ratio: number | null }
  error?: string
}

export function row (scenario: string, client: string, direction: Row['direction'], messageBytes: number,
  rate: Rate | Error, limits: Array<Limit | null>): Row {
  const known = limits.filter((l): l is Limit => l !== null && Number.isFinite(l.mbPerSecond) && l.mbPerSecond > 0)
  const lowestLimit = known.length === 0 ? null : known.reduce((a, b) => (b.mbPerSecond < a.mbPerSecond ? b : a))
  if (rate instanceof Error) {
    return { scenario, client, direction, messageBytes, mbPerSecond: null, messagesPerSecond: null, seconds: null, lowestLimit, ratio: null, error: rate.message.split('\n')[0] }
  }
  const mb = mbPerSecond(rate)
  return {
    scenario,
    client,
    direction,
    messageBytes,
    mbPerSecond: mb,
    messagesPerSecond: rate.bytes / messageBytes / rate.seconds,
    seconds: rate.seconds,
    lowestLimit,
    ratio: lowestLimit === null ? null : mb / lowestLimit.mbPerSecond
  }
}

const pad = (text: string, width: number, right = false): string => (right ? text.padStart(width) : text.padEnd(width))
const fixed = (n: number | null, digits: number): string => (n === null ? '-' : n.toFixed(digits))
const describe = (limit: Limit | null): string => (limit === null ? '-' : `${limit.name} (${limit.mbPerSecond.toFixed(0)} MB/s)`)
const thousands = (n: number | null): string => (n === null ? '-' : Math.round(n).toLocaleString('en-US'))

export function printTable (rows: Row[]): void {
  const header = `${pad('scenario', 44)} ${pad('MB/s', 8, true)} ${pad('msgs/s', 11, true)}  ${pad('lowest limit', 42)} ${pad('ratio', 6, true)}` +
    `  ${pad('vs group-commit disk probe', 42)} ${pad('ratio', 6, true)}`
  console.log(header)
  console.log('-'.repeat(header.length))
  for (const r of rows) {
    const limit = describe(r.lowestLimit)
    const reference = r.reference === undefined ? '' : `  ${pad(describe(r.reference.limit), 42)} ${pad(fixed(r.reference.ratio, 2), 6, true)}`
    console.log(`${pad(r.scenario, 44)} ${pad(fixed(r.mbPerSecond, 1), 8, true)} ${pad(thousands(r.messagesPerSecond), 11, true)}  ${pad(limit, 42)} ${pad(fixed(r.ratio, 2), 6, true)}${reference}${r.error ? `  ERROR: ${r.error}` : ''}`)
  }
}
