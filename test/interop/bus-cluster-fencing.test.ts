// A bus worker stalled past its session timeout (SIGSTOP) appends no retry
// entries when it resumes (src/bus/cluster/group-offsets-state.ts checkLease):
// its first attempts, held at the target while it was stopped, fail when it
// wakes; before appending their retries it asks the coordinator whether its
// generation is still current, is refused, and appends nothing, so its successor
// (which has delivered those events) does not deliver them again from the retry topic.
// The same holds for dead letters: with no retries allowed, the failed first
// attempts would go straight to the target's dead-letter queue; the resumed
// worker is refused before it appends any.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server, type ServerResponse } from 'node:http'
import { once } from 'node:events'
import { BrokerProcess } from '../helpers/broker-process.js'
import { BusWorkerProcess, busCall } from '../helpers/bus-worker-process.js'
import { waitFor } from '../helpers/wait.js'
import { KafkaClient } from '../../src/client/client.js'
import { Fetcher } from '../../src/client/fetcher.js'
import { GroupAdmin } from '../../src/client/admin-groups.js'

const WORKER_ENV = { TRIBUTARY_BUS_RETRY_BASE_MS: '100', TRIBUTARY_BUS_RETRY_MAX_MS: '400', TRIBUTARY_BUS_SESSION_TIMEOUT_MS: '6000' }
const tier = (prefix: string): string[] => ['--topic-prefix', prefix, '--bus-partitions', '1']

/** Holds each event's first attempt until fail() answers it 500; answers every later attempt 200, counting them. */
class Gate {
  readonly held = new Map<string, ServerResponse>()
  readonly delivered = new Map<string, number>()
  private constructor (private readonly server: Server, readonly url: string) {}

  static async start (): Promise<Gate> {
    const holder: { gate?: Gate } = {}
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => { holder.gate!.answer((JSON.parse(Buffer.concat(chunks).toString()) as { id: string }).id, res) })
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    holder.gate = new Gate(server, `http://127.0.0.1:${(server.address() as { port: number }).port}/gate`)
    return holder.gate
  }

  private answer (id: string, res: ServerResponse): void {
    if (!this.held.has(id)) { this.held.set(id, res); return }
    this.delivered.set(id, (this.delivered.get(id) ?? 0) + 1)
    res.end()
  }

  fail (): void {
    for (const res of this.held.values()) if (!res.writableEnded) { res.statusCode = 500; res.end() }
  }

  close (): void { this.fail(); this.server.closeAllConnections(); this.server.close() }
}

let broker: BrokerProcess
before(async () => { broker = await BrokerProcess.start() })
after(async () => { await broker?.cleanup() })

async function withClient<T> (fn: (client: KafkaClient) => Promise<T>): Promise<T> {
  const client = await KafkaClient.connect(broker.bootstrap)
  try { return await fn(client) } finally { client.close() }
}

interface Stalled { stalled: BusWorkerProcess, ids: string[] }

/**
 * One worker takes five events of rule `gated` to `target` (first attempts held
 * at the gate) and is stopped; a successor takes the partition over, delivers
 * the batch and commits past it; then the held attempts fail and the stalled
 * worker resumes, until it has rejoined the group.
 */
async function stallThroughBatch (prefix: string, gate: Gate, target: Record<string, unknown>, workers: BusWorkerProcess[]): Promise<Stalled> {
  const stalled = await BusWorkerProcess.start(broker.bootstrap, { name: 'stalled', env: WORKER_ENV, extraArgs: tier(prefix) })
  workers.push(stalled)
  await busCall(stalled.url, 'PutRule', { Name: 'gated', EventPattern: '{"source":["gated"]}' })
  await busCall(stalled.url, 'PutTargets', { Rule: 'gated', Targets: [{ Id: 'hook', Arn: gate.url, ...target }] })
  const answer = await busCall(stalled.url, 'PutEvents', { Entries: [0, 1, 2, 3, 4].map(n => ({ Source: 'gated', DetailType: 'Gated', Detail: JSON.stringify({ n }) })) })
  const ids = (answer.Entries as Array<{ EventId: string }>).map(e => e.EventId)
  await waitFor(() => ids.every(id => gate.held.has(id)), 'the first worker is delivering the batch')
  stalled.pause()
  workers.push(await BusWorkerProcess.start(broker.bootstrap, { name: 'successor', env: WORKER_ENV, extraArgs: tier(prefix) }))
  // Once the stalled member's session expires the successor holds the partition and delivers the batch (second attempts pass).
  await waitFor(() => ids.every(id => gate.delivered.has(id)), 'the successor delivers the batch')
  await waitFor(async () => await withClient(async c => (await new GroupAdmin(c).committed(`${prefix}bus.default`, [{ topic: `${prefix}bus.default`, partitions: [0] }]))[0]?.offset) === 5, 'the successor commits past the batch')
  // The stalled worker wakes up to failed first attempts: it would queue a retry (or a dead letter) for each.
  gate.fail()
  stalled.resume()
  // It rejoins the group (a second assignment); by then nothing it wrote may be in the retry topic.
  await waitFor(() => [...stalled.log().matchAll(/delivering partitions \[/g)].length >= 2, 'the resumed worker has rejoined', () => stalled.log().slice(-3000))
  return { stalled, ids }
}

async function stopAll (workers: BusWorkerProcess[]): Promise<void> {
  for (const worker of workers) { worker.resume(); await worker.kill() }
}

test('a worker stalled past its session timeout appends no retry entries for the attempts that fail when it resumes', async (t) => {
  const gate = await Gate.start()
  const workers: BusWorkerProcess[] = []
  try {
    const { stalled, ids } = await stallThroughBatch('fence.', gate, {}, workers)
    const retries = await withClient(async c => (await new Fetcher(c).fetch([{ topic: 'fence.__bus.retry.default', partition: 0, offset: 0 }])).flatMap(p => p.records))
    assert.equal(retries.length, 0, 'no retry entry appended by the fenced worker')
    assert.match(stalled.log(), /fenced: not appending for fence\.bus\.default\/0/, 'the resumed worker was refused before appending its retries')
    assert.deepEqual(ids.map(id => gate.delivered.get(id)), [1, 1, 1, 1, 1], 'each event delivered once, by the successor')
    t.diagnostic(`fenced appends logged: ${[...stalled.log().matchAll(/fenced: not appending/g)].length}`)
  } finally {
    await stopAll(workers)
    gate.close()
  }
})

test('a worker stalled past its session timeout appends no dead letters for the attempts that fail when it resumes', async (t) => {
  const gate = await Gate.start()
  const workers: BusWorkerProcess[] = []
  try {
    // No retries: a failed first attempt goes straight to the dead-letter queue (topic fence-dlq.dlq).
    const target = { RetryPolicy: { MaximumRetryAttempts: 0 }, DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:123456789012:dlq' } }
    const { stalled, ids } = await stallThroughBatch('fence-dlq.', gate, target, workers)
    const metadata = await withClient(async c => await c.metadata(null))
    const deadLetters = !metadata.topics.some(topic => topic.name === 'fence-dlq.dlq')
      ? []
      : await withClient(async c => (await new Fetcher(c).fetch([{ topic: 'fence-dlq.dlq', partition: 0, offset: 0 }])).flatMap(p => p.records))
    assert.equal(deadLetters.length, 0, `no dead letter appended by the fenced worker: ${deadLetters.map(r => r.key?.toString()).join(', ')}`)
    assert.match(stalled.log(), /fenced: not appending for fence-dlq\.bus\.default\/0/, 'the resumed worker was refused before appending its dead letters')
    assert.deepEqual(ids.map(id => gate.delivered.get(id)), [1, 1, 1, 1, 1], 'each event delivered once, by the successor')
    t.diagnostic(`fenced appends logged: ${[...stalled.log().matchAll(/fenced: not appending/g)].length}`)
  } finally {
    await stopAll(workers)
    gate.close()
  }
})
