// A replay on a cluster survives the death of the worker running it (the holder
// of its bus's partition 0): two workers, a replay of N archived events read one
// archive batch per step (TRIBUTARY_BUS_REPLAY_CHUNK_BYTES=1), the holder killed
// with SIGKILL while it replays; the other worker takes partition 0 over, reads
// the definitions topic to its end (the last progress recorded) and resumes from
// there. Every event is delivered at least once, the events the replay appended
// twice to the bus topic are at most one step's (the chunk the killed holder had
// appended but not recorded), and the replay is COMPLETED. (Deliveries of replayed
// events may also repeat around the rebalance, as for any event: counted, not bounded.)
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import { BrokerProcess } from '../helpers/broker-process.js'
import { BusWorkerProcess, busCall } from '../helpers/bus-worker-process.js'
import { waitFor } from '../helpers/wait.js'
import { KafkaClient } from '../../src/client/client.js'
import { Fetcher } from '../../src/client/fetcher.js'

const PREFIX = 'rkill.'
const WORKER_ENV = { TRIBUTARY_BUS_REPLAY_CHUNK_BYTES: '1', TRIBUTARY_BUS_SESSION_TIMEOUT_MS: '6000' }
const TIER = ['--topic-prefix', PREFIX, '--bus-partitions', '2']
const EVENTS = 300

/** Counts deliveries of replayed events by id; answers after a short delay (a slow target). */
class CountingTarget {
  readonly replayed = new Map<string, number>()
  readonly live = new Set<string>()
  private constructor (private readonly server: Server, readonly url: string) {}

  static async start (): Promise<CountingTarget> {
    const holder: { target?: CountingTarget } = {}
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const event = JSON.parse(Buffer.concat(chunks).toString()) as { id: string, 'replay-name'?: string }
        const target = holder.target!
        if (event['replay-name'] === undefined) target.live.add(event.id)
        else target.replayed.set(event.id, (target.replayed.get(event.id) ?? 0) + 1)
        setTimeout(() => res.end(), 5)
      })
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    holder.target = new CountingTarget(server, `http://127.0.0.1:${(server.address() as { port: number }).port}/replayed`)
    return holder.target
  }

  close (): void { this.server.closeAllConnections(); this.server.close() }
}

let broker: BrokerProcess
before(async () => { broker = await BrokerProcess.start() })
after(async () => { await broker?.cleanup() })

/** The partitions of bus `default` a worker last said it delivers. */
function heldPartitions (worker: BusWorkerProcess): number[] {
  const last = [...worker.log().matchAll(/bus default: delivering partitions \[([0-9,]*)\]/g)].at(-1)?.[1] ?? ''
  return last === '' ? [] : last.split(',').map(Number)
}

/** How many times the replay appended each event to the bus topic (records with the replay header). */
async function replayAppends (topic: string, partitions: number): Promise<Map<string, number>> {
  const client = await KafkaClient.connect(broker.bootstrap)
  try {
    const counts = new Map<string, number>()
    const fetcher = new Fetcher(client)
    for (let partition = 0; partition < partitions; partition++) {
      for (let offset = 0; ;) {
        const [fetched] = await fetcher.fetch([{ topic, partition, offset }])
        if (fetched === undefined || fetched.records.length === 0) break
        for (const r of fetched.records) {
          if (r.headers.some(h => h.key === 'tributary-replay')) counts.set(r.key?.toString() ?? '', (counts.get(r.key?.toString() ?? '') ?? 0) + 1)
        }
        offset = fetched.nextOffset
      }
    }
    return counts
  } finally {
    client.close()
  }
}

/** The event ids of each archive record batch, in order: one replay step reads one batch. */
async function archiveBatches (topic: string): Promise<string[][]> {
  const client = await KafkaClient.connect(broker.bootstrap)
  try {
    const batches: string[][] = []
    const fetcher = new Fetcher(client)
    let offset = 0
    for (;;) {
      const [fetched] = await fetcher.fetch([{ topic, partition: 0, offset }], { partitionMaxBytes: 1 })
      const records = fetched?.records ?? []
      if (records.length === 0) return batches
      batches.push(records.map(r => r.key?.toString() ?? ''))
      offset = fetched!.nextOffset
    }
  } finally {
    client.close()
  }
}

test('a replay whose worker is killed mid-replay is resumed by the next holder of partition 0 from its last recorded step and completes', async (t) => {
  const target = await CountingTarget.start()
  const workers = [
    await BusWorkerProcess.start(broker.bootstrap, { name: 'w0', env: WORKER_ENV, extraArgs: TIER }),
    await BusWorkerProcess.start(broker.bootstrap, { name: 'w1', env: WORKER_ENV, extraArgs: TIER }),
  ]
  try {
    const [w0, w1] = workers as [BusWorkerProcess, BusWorkerProcess]
    await waitFor(() => heldPartitions(w0).length + heldPartitions(w1).length === 2 && heldPartitions(w0).length > 0 && heldPartitions(w1).length > 0, 'each worker delivers one partition')
    await busCall(w0.url, 'PutRule', { Name: 'audit', EventPattern: '{"source":["audit"]}' })
    await busCall(w0.url, 'PutTargets', { Rule: 'audit', Targets: [{ Id: 'hook', Arn: target.url }] })
    const busArn = String((await busCall(w0.url, 'DescribeEventBus', {})).Arn)
    await busCall(w0.url, 'CreateArchive', { ArchiveName: 'all', EventSourceArn: busArn })
    for (const w of workers) {
      await waitFor(async () => (await busCall(w.url, 'ListTargetsByRule', { Rule: 'audit' }).then(r => (r.Targets as unknown[]).length, () => 0)) === 1, `${w.name} knows the rule`)
      await waitFor(async () => await busCall(w.url, 'DescribeArchive', { ArchiveName: 'all' }).then(() => true, () => false), `${w.name} knows the archive`)
    }
    const startTime = Math.floor(Date.now() / 1000)
    const ids: string[] = []
    // Small PutEvents calls through both workers, so the archive holds many batches (replay steps).
    for (let i = 0; i < EVENTS; i += 2) {
      const answer = await busCall(workers[(i / 2) % 2]!.url, 'PutEvents', { Entries: [i, i + 1].map(n => ({ Source: 'audit', DetailType: 'Audit', Detail: JSON.stringify({ n }) })) })
      ids.push(...(answer.Entries as Array<{ EventId: string }>).map(e => e.EventId))
    }
    await waitFor(() => ids.every(id => target.live.has(id)), 'the events are delivered')
    await waitFor(async () => Number((await busCall(w0.url, 'DescribeArchive', { ArchiveName: 'all' })).EventCount) >= EVENTS, 'the archive holds every event')
    const batches = await archiveBatches(`${PREFIX}__bus.archive.all`)
    t.diagnostic(`archive: ${batches.length} batches, largest ${Math.max(...batches.map(b => b.length))} events`)

    const holder = workers.find(w => heldPartitions(w).includes(0))!
    const survivor = workers.find(w => w !== holder)!
    await busCall(survivor.url, 'StartReplay', {
      ReplayName: 'again',
      EventSourceArn: busArn.replace(':event-bus/', ':archive/').replace(/default$/, 'all'),
      EventStartTime: startTime,
      EventEndTime: Math.ceil(Date.now() / 1000) + 1,
      Destination: { Arn: busArn },
    })
    // Killed once it has replayed some steps, well before the last.
    await waitFor(() => target.replayed.size >= 20, 'the holder has replayed some steps')
    await holder.kill()
    const atKill = target.replayed.size
    const stateAtKill = String((await busCall(survivor.url, 'DescribeReplay', { ReplayName: 'again' })).State)
    t.diagnostic(`holder ${holder.name} killed after ${atKill} of ${EVENTS} replayed events were delivered; the replay was ${stateAtKill}`)
    assert.equal(stateAtKill, 'RUNNING', 'the holder was killed mid-replay')

    await waitFor(async () => (await busCall(survivor.url, 'DescribeReplay', { ReplayName: 'again' })).State === 'COMPLETED', 'the replay is COMPLETED by the survivor',
      () => survivor.log().split('\n').filter(line => /replay|partitions/.test(line)).slice(-10).join('\n'))
    assert.ok(survivor.log().includes('running replay again'), 'the survivor resumed the replay')
    await waitFor(() => ids.every(id => target.replayed.has(id)), 'every archived event is delivered by the replay',
      () => `(${ids.filter(id => !target.replayed.has(id)).length} of ${ids.length} missing)`)
    // Replayed twice: appended to the bus topic by both holders (the step the killed one had not recorded).
    const appended = await replayAppends(`${PREFIX}bus.default`, 2)
    const twice = ids.filter(id => (appended.get(id) ?? 0) > 1)
    const stepsTwice = batches.flatMap((batch, step) => batch.some(id => twice.includes(id)) ? [step] : [])
    t.diagnostic(`events the replay appended twice: ${twice.length}, from archive batches (steps) ${JSON.stringify(stepsTwice)}`)
    assert.ok(ids.every(id => (appended.get(id) ?? 0) >= 1), 'the replay appended every archived event')
    assert.ok(stepsTwice.length <= 1, `the events replayed twice are one step's at most: steps ${JSON.stringify(stepsTwice)}`)
    assert.ok(ids.every(id => (appended.get(id) ?? 0) <= 2), 'no event appended by the replay more than twice')
    // Deliveries: at least once; more only around the rebalance (the killed worker's uncommitted deliveries, and the step above).
    const deliveredTwice = ids.filter(id => (target.replayed.get(id) ?? 0) > 1).length
    t.diagnostic(`replayed events delivered more than once: ${deliveredTwice}`)
  } finally {
    for (const w of workers) await w.kill()
    target.close()
  }
})
