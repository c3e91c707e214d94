// The event stream SDK end to end on an embedded broker: how fast awaited
// publishes go one at a time (each waits for acks=all, as an application
// handler would), and how long a group of `concurrency` handlers takes to
// handle them all (decode, schema-free envelope, per-key order, commits).
// Run: node --import tsx bench/sdk-stream.ts   (BENCH_EVENTS default 2000, BENCH_KEYS default 50)
import { startTributary, createEventStream } from '../src/index.js'

const events = Number(process.env.BENCH_EVENTS ?? '2000')
const keys = Number(process.env.BENCH_KEYS ?? '50')

async function main (): Promise<void> {
  await using t = await startTributary()
  await using stream = createEventStream({ tributary: t, partitions: 3 })
  const payload = { orderId: '', customer: '', total: 12.5, lines: Array.from({ length: 5 }, (_, i) => ({ sku: `sku-${i}`, qty: i + 1 })) }

  const publishStart = performance.now()
  for (let i = 0; i < events; i++) {
    await stream.publish('order.created', { ...payload, orderId: `o-${i}`, customer: `c-${i % keys}` }, { key: `c-${i % keys}` })
  }
  const publishMs = performance.now() - publishStart

  let handled = 0
  let done = (): void => {}
  const all = new Promise<void>(resolve => { done = resolve })
  const consumeStart = performance.now()
  await stream.subscribe('order.created', { group: 'bench', concurrency: 16 }, async () => {
    if (++handled === events) done()
  })
  await all
  const consumeMs = performance.now() - consumeStart

  console.log(JSON.stringify({
    events,
    keys,
    publishPerSecond: Math.round(events / (publishMs / 1000)),
    publishMeanMs: Number((publishMs / events).toFixed(3)),
    consumeMs: Math.round(consumeMs),
    consumePerSecond: Math.round(events / (consumeMs / 1000))
  }))
}

main().catch(err => { console.error(err); process.exitCode = 1 })
