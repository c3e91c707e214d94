// Bus catalog write cost: 10,000 PutRule calls through the real HTTP bus API,
// one at a time (each is persisted and fsynced before its answer), timed per
// 1,000 rules. Before the catalog moved onto the journal every PutRule rewrote
// and fsynced the whole catalog, so the time per 1,000 grew with the count.
// Also reports the catalog journal's size and the bytes written per PutRule.
// Run: node --import tsx bench/bus-catalog.ts   (BENCH_RULES, default 10000)
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { LogManager } from '../src/log/index.js'
import { EventBus, registerBusRoutes } from '../src/bus/index.js'

const rules = Number(process.env.BENCH_RULES ?? '10000')

const dir = await mkdtemp(join(tmpdir(), 'tributary-bench-catalog-'))
const log = await LogManager.open(dir, {})
const bus = new EventBus({ dataDir: dir, log, accountId: '123456789012', region: 'us-east-1' })
await bus.open()
const app = Fastify({ logger: false })
registerBusRoutes(app, bus)
await app.listen({ host: '127.0.0.1', port: 0 })
const endpoint = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/`
const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutRule' }

const journal = join(dir, '__bus', 'catalog.journal')
const sizeBefore = (await stat(journal)).size
let last = process.hrtime.bigint()
const started = last
for (let i = 1; i <= rules; i++) {
  const body = JSON.stringify({ Name: `rule-${i}`, EventPattern: JSON.stringify({ source: ['bench'], 'detail-type': [`type-${i}`] }) })
  const response = await fetch(endpoint, { method: 'POST', headers, body })
  if (response.status !== 200) throw new Error(`PutRule answered ${response.status}: ${await response.text()}`)
  await response.arrayBuffer()
  if (i % 1000 === 0) {
    const now = process.hrtime.bigint()
    console.log(`rules ${i - 999}-${i}: ${(Number(now - last) / 1e6).toFixed(0)} ms per 1,000 PutRule`)
    last = now
  }
}
const total = Number(process.hrtime.bigint() - started) / 1e9
const grown = (await stat(journal)).size - sizeBefore
console.log(`${rules} PutRule in ${total.toFixed(2)} s; catalog journal grew ${grown} bytes (${(grown / rules).toFixed(0)} bytes per rule)`)

await app.close()
await bus.close()
await log.close()
await rm(dir, { recursive: true, force: true })
