// Scheduled rules on a cluster fire exactly once per firing time across a
// rebalance of partition 0 (src/bus/cluster/scheduled-firings.ts): two bus
// workers over an in-process Tributary broker share one manual clock; the holder
// of partition 0 leaves, firings come due before the other worker takes the
// partition over, and the new holder fires them on takeover. Each firing's event
// id is derived from the rule and the firing time.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import { pino } from 'pino'
import { startInProcess, type InProcessTributary } from '../../helpers/in-process-tributary.js'
import { BusWorker } from '../../../src/bus/cluster/worker.js'
import { scheduledEventId } from '../../../src/bus/scheduler.js'
import type { Clock } from '../../../src/bus/clock.js'
import { busCall } from '../../helpers/bus-worker-process.js'
import { waitFor } from '../../helpers/wait.js'

/** Time that moves only when the test says so; due timers fire in order. */
class ManualClock implements Clock {
  private timers: Array<{ at: number, fire: () => void }> = []
  constructor (private time: number) {}
  now = (): number => this.time
  setTimer = (delayMs: number, fire: () => void): unknown => {
    const timer = { at: this.time + Math.max(0, delayMs), fire }
    this.timers.push(timer)
    return timer
  }

  clearTimer = (handle: unknown): void => { this.timers = this.timers.filter(t => t !== handle) }
  advance (ms: number): void {
    const until = this.time + ms
    for (;;) {
      const due = this.timers.filter(t => t.at <= until).sort((a, b) => a.at - b.at)[0]
      if (due === undefined) break
      this.timers = this.timers.filter(t => t !== due)
      this.time = Math.max(this.time, due.at)
      due.fire()
    }
    this.time = until
  }
}

let broker: InProcessTributary | undefined
let bootstrap: string
let hook: Server
let hookUrl: string
/** Scheduled events delivered: id → times delivered, and the event's time. */
const deliveries = new Map<string, { count: number, time: string }>()

before(async () => {
  broker = await startInProcess({ groupInitialRebalanceDelayMs: 0 }, { prefix: 'trib-bus-schedules-' })
  bootstrap = broker.bootstrap()
  hook = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString()) as { id: string, time: string }
      const seen = deliveries.get(event.id) ?? { count: 0, time: event.time }
      seen.count++
      deliveries.set(event.id, seen)
      res.end()
    })
  })
  hook.listen(0, '127.0.0.1')
  await once(hook, 'listening')
  hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/tick`
})

after(async () => {
  hook?.close()
  await broker?.stop()
})

test('a scheduled rule fires once per firing time while partition 0 moves, including the firings due while nobody held it', async (t) => {
  const clock = new ManualClock(Date.now())
  const start = async (): Promise<{ worker: BusWorker, url: string }> => {
    const worker = new BusWorker({ bootstrap, httpPort: 0, busPartitions: 2, clock, logger: pino({ level: 'silent' }) })
    return { worker, url: `http://127.0.0.1:${await worker.start()}` }
  }
  const a = await start()
  const b = await start()
  const workers = [a, b]
  t.after(async () => { for (const w of workers) await w.worker.close().catch(() => {}) })
  await waitFor(() => a.worker.placement.held('default').length === 1 && b.worker.placement.held('default').length === 1, 'both workers hold a partition')

  const put = await busCall(a.url, 'PutRule', { Name: 'tick', ScheduleExpression: 'rate(1 minute)' })
  const ruleArn = String(put.RuleArn)
  await busCall(a.url, 'PutTargets', { Rule: 'tick', Targets: [{ Id: 'hook', Arn: hookUrl }] })
  const key = 'default\u0000tick'
  await waitFor(() => workers.every(w => w.worker.bus.scheduler.nextFireTime(key) !== null && w.worker.bus.catalog.rules.get(key)?.targets.length === 1), 'the rule armed in both workers')
  const createdAt = a.worker.bus.catalog.rules.get(key)!.createdAt
  const firing = (n: number): number => createdAt + n * 60_000

  clock.advance(60_000)
  await waitFor(() => deliveries.size === 1, 'the first firing delivered')

  const holder = workers.find(w => w.worker.placement.held('default').includes(0))!
  const other = workers.find(w => w !== holder)!
  await holder.worker.close()
  workers.splice(workers.indexOf(holder), 1)
  // Due before the other worker has taken partition 0 over (it learns of the rebalance at its next heartbeat).
  const heldAtAdvance = other.worker.placement.held('default').includes(0)
  clock.advance(120_000)
  t.diagnostic(`the other worker held partition 0 when firings 2 and 3 came due: ${heldAtAdvance}`)
  await waitFor(() => other.worker.placement.held('default').includes(0) && deliveries.size >= 3, 'firings 2 and 3 delivered by the new holder')
  clock.advance(60_000)
  await waitFor(() => deliveries.size >= 4, 'the fourth firing delivered')

  const expected = [1, 2, 3, 4].map(n => scheduledEventId(ruleArn, firing(n)))
  assert.deepEqual([...deliveries.keys()].sort(), [...expected].sort(), 'one event per firing time, with the id derived from rule and time')
  assert.deepEqual([...deliveries.values()].map(d => d.count), [1, 1, 1, 1], 'each delivered once')
  assert.deepEqual(expected.map(id => deliveries.get(id)?.time), [1, 2, 3, 4].map(n => new Date(firing(n)).toISOString().replace(/\.\d{3}Z$/, 'Z')))
})
