// Side by side: the produce path's record walk (validateRecords, src/protocol/records/validate.ts) of this build
// against another build's, on the same uncompressed batches of 100 B and 1 KB records, in alternating rounds so
// both see the same machine. Prints CPU seconds per GB of batch bytes (single-threaded, so wall time is CPU time)
// and the ratio this / base. bench/produce-validation.ts measures the walk against framing + CRC alone.
// Usage: npm run build && WALK_BASE=../previous-checkout node --import tsx bench/record-walk-ab.ts   (WALK_MB, default 256 per round)
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { encodeBatch } from '../src/protocol/records/batch-codec.js'
import { splitBatches } from '../src/protocol/records/split.js'

type Validate = typeof import('../src/protocol/records/validate.js')

const base = process.env.WALK_BASE
if (base === undefined) throw new Error('TRIB_ERR_BENCH_USAGE: set WALK_BASE to a checkout with a built dist/ to compare with')
const totalBytes = Number(process.env.WALK_MB ?? '256') * 1e6
const rounds = 6
const options = { maxDecompressedBytes: 64 << 20, requireKeys: false }

const load = async (root: string): Promise<Validate> =>
  await import(pathToFileURL(join(root, 'dist', 'protocol', 'records', 'validate.js')).href) as Validate
const engines: Array<[string, Validate]> = [['this', await load(process.cwd())], ['base', await load(base)]]

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

console.log(`record walk, this build vs ${base}, load ${loadavg().map(l => l.toFixed(2)).join(' ')}`)
for (const size of [100, 1024]) {
  const count = Math.floor(65536 / (size + 10))
  const batch = encodeBatch(Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.alloc(size, 97 + (i % 26)), timestamp: 1_700_000_000_000 + i })), { compression: 0 })
  const spans = splitBatches(batch)
  const secondsPerGb = new Map<string, number[]>()
  for (let round = 0; round < rounds; round++) {
    for (const [name, v] of round % 2 === 0 ? engines : [...engines].reverse()) {
      const n = Math.ceil(totalBytes / batch.length)
      const start = performance.now()
      for (let i = 0; i < n; i++) v.validateRecords(batch, spans, options)
      secondsPerGb.set(name, [...(secondsPerGb.get(name) ?? []), (performance.now() - start) / 1000 / (n * batch.length / 1e9)])
    }
  }
  const mine = median(secondsPerGb.get('this')!)
  const theirs = median(secondsPerGb.get('base')!)
  console.log(`  ${String(size).padStart(4)} B records: this ${mine.toFixed(3)} s/GB, base ${theirs.toFixed(3)} s/GB, ratio ${(mine / theirs).toFixed(2)}`)
}
console.log(`load at the end ${loadavg().map(l => l.toFixed(2)).join(' ')}`)
