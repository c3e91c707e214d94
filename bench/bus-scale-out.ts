// Bus tier scale-out: 1, 2 and 3 `tributary bus --kafka` workers over one
// Tributary broker (the "cluster"), each run under its own topic prefix. For a
// fixed time, 16 concurrent clients send PutEvents (10 entries) round-robin to
// the workers (12 sources: the bus topic is partitioned by source); one rule
// routes every event to a local HTTP target. Reports the
// PutEvents rate (events acknowledged with acks=all per second), the delivery
// rate (events delivered per second, first PutEvents to last delivery), and how
// the bus partitions were spread over the workers.
// Run: node --import tsx bench/bus-scale-out.ts   (BENCH_SECONDS, default 6; BENCH_WORKERS, default "1,2,3")
import { createServer } from 'node:http'
import { once } from 'node:events'
import { BrokerProcess } from '../test/helpers/broker-process.js'
import { BusWorkerProcess, busCall } from '../test/helpers/bus-worker-process.js'
import { waitFor } from '../test/helpers/wait.js'

const seconds = Number(process.env.BENCH_SECONDS ?? '6')
const counts = (process.env.BENCH_WORKERS ?? '1,2,3').split(',').map(Number)
const CLIENTS = 16

const delivered = new Set<string>()
let lastDeliveryAt = 0
const target = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    delivered.add((JSON.parse(Buffer.concat(chunks).toString()) as { id: string }).id)
    lastDeliveryAt = Date.now()
    res.end()
  })
})
target.listen(0, '127.0.0.1')
await once(target, 'listening')
const targetUrl = `http://127.0.0.1:${(target.address() as { port: number }).port}/hook`

const broker = await BrokerProcess.start()
try {
  for (const n of counts) {
    const prefix = `bench${n}.`
    const workers = await Promise.all(Array.from({ length: n }, (_, i) => BusWorkerProcess.start(broker.bootstrap, { name: `worker ${i}`, extraArgs: ['--topic-prefix', prefix] })))
    await busCall(workers[0]!.url, 'PutRule', { Name: 'all', EventPattern: '{"source":[{"prefix":"bench."}]}' })
    await busCall(workers[0]!.url, 'PutTargets', { Rule: 'all', Targets: [{ Id: 'hook', Arn: targetUrl }] })
    for (const w of workers) await waitFor(async () => ((await busCall(w.url, 'ListTargetsByRule', { Rule: 'all' })).Targets as unknown[]).length === 1, 'rule propagation')
    delivered.clear()
    const accepted: string[] = []
    const started = Date.now()
    const stopAt = started + seconds * 1000
    let turn = 0
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < stopAt) {
        const w = workers[turn++ % workers.length]!
        const answer = await busCall(w.url, 'PutEvents', { Entries: Array.from({ length: 10 }, (_, i) => ({ Source: `bench.${(turn + i) % 12}`, DetailType: 'Bench', Detail: '{"n":1}' })) })
        for (const e of answer.Entries as Array<{ EventId?: string }>) if (e.EventId !== undefined) accepted.push(e.EventId)
      }
    }))
    const putSeconds = (Date.now() - started) / 1000
    await waitFor(() => accepted.every(id => delivered.has(id)), 'every event delivered')
    const deliverySeconds = (lastDeliveryAt - started) / 1000
    const spread = workers.map(w => [...w.log().matchAll(/delivering partitions \[([0-9,]*)\]/g)].at(-1)?.[1] ?? '?')
    console.log(`${n} worker(s): PutEvents ${(accepted.length / putSeconds).toFixed(0)} events/s (${accepted.length} in ${putSeconds.toFixed(1)} s), delivered ${(accepted.length / deliverySeconds).toFixed(0)} events/s (last at ${deliverySeconds.toFixed(1)} s), partitions per worker: ${spread.map(s => `[${s}]`).join(' ')}`)
    await Promise.all(workers.map(w => w.stop()))
  }
} finally {
  target.close()
  await broker.cleanup()
}
