// `npm run build && node --import tsx bench/checkpoint-stall.ts [partitions=10000]`: how long one recovery
// checkpoint holds the event loop with many partitions — the longest gap between 1 ms timer ticks while it is
// taken, after every partition changed and after only one did (the steady state of a broker with many idle
// partitions). CHECKPOINT_BASE=<another checkout with a dist/> measures that build too, right after, for the ratio.
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const partitions = Number(process.argv[2] ?? 10_000)
const topics = 10
const perTopic = Math.ceil(partitions / topics)

async function measure (dist: string): Promise<Record<string, number>> {
  const { LogManager } = await import(join(dist, 'log', 'log-manager.js')) as typeof import('../src/log/log-manager.js')
  const { encodeBatch } = await import(join(dist, 'protocol', 'records', 'batch-codec.js')) as typeof import('../src/protocol/records/batch-codec.js')
  const dir = mkdtempSync(join(tmpdir(), 'trib-checkpoint-stall-'))
  const m = await LogManager.open(dir, { logCleanerIntervalMs: 0, recoveryCheckpointIntervalMs: 1e9 })
  try {
    for (let t = 0; t < topics; t++) await m.createTopic(`t${t}`, perTopic)
    const writeAll = async (): Promise<void> => {
      let i = 0
      await Promise.all(Array.from({ length: 32 }, async () => {
        while (i < topics * perTopic) {
          const n = i++
          await m.partition(`t${n % topics}`, Math.floor(n / topics))!.append(encodeBatch([{ value: `v${n}`, timestamp: Date.now() }]), { durability: 'fsynced' })
        }
      }))
    }
    const longestGap = async (): Promise<number> => {
      let last = performance.now()
      let worst = 0
      const tick = setInterval(() => { const now = performance.now(); worst = Math.max(worst, now - last); last = now }, 1)
      await new Promise(resolve => setTimeout(resolve, 20))
      last = performance.now()
      worst = 0
      await m.writeRecoveryCheckpoint()
      await new Promise(resolve => setTimeout(resolve, 5))
      clearInterval(tick)
      return worst
    }
    const out: Record<string, number> = {}
    await writeAll()
    out['all changed'] = await longestGap()
    const one: number[] = []
    for (let k = 0; k < 5; k++) {
      await m.partition('t0', k)!.append(encodeBatch([{ value: 'x', timestamp: Date.now() }]), { durability: 'fsynced' })
      one.push(await longestGap())
    }
    out['one changed (median of 5)'] = one.sort((a, b) => a - b)[2]!
    return out
  } finally {
    await m.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const mine = fileURLToPath(new URL('../dist', import.meta.url))
const base = process.env.CHECKPOINT_BASE
console.log(`longest event-loop gap (ms) during one recovery checkpoint, ${topics * perTopic} partitions; load ${loadavg().map(l => l.toFixed(2)).join(' ')}`)
const results: Array<[string, Record<string, number>]> = [['this', await measure(mine)]]
if (base !== undefined) results.push(['base', await measure(join(base, 'dist'))])
for (const [name, r] of results) console.log(`  ${name.padEnd(5)} ${Object.entries(r).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`)
if (results.length === 2) {
  const [a, b] = [results[0]![1], results[1]![1]]
  console.log(`  this / base: ${Object.keys(a).map(k => `${k} ${(a[k]! / b[k]!).toFixed(2)}`).join(', ')}`)
}
