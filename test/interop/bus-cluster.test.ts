// The bus tier on a Kafka cluster (issue 14): three `tributary bus --kafka`
// workers over one Tributary broker standing in for the cluster. Definitions
// made through one worker reach the others; a replay started through one is
// delivered by all; kill -9 of two workers while the target is slow and failing
// loses no accepted event (duplicates are counted and bounded).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { BrokerProcess, freePort, projectRoot } from '../helpers/broker-process.js'
import { BusWorkerProcess, busCall } from '../helpers/bus-worker-process.js'
import { waitFor } from '../helpers/wait.js'
import { KafkaClient } from '../../src/client/client.js'
import { Producer } from '../../src/client/producer.js'
import { Fetcher } from '../../src/client/fetcher.js'
import { GroupAdmin } from '../../src/client/admin-groups.js'
import { choosePartition } from '../../src/bus/storage.js'

/** The workers' --bus-partitions default. */
const BUS_PARTITIONS = 6
const WORKER_ENV = { TRIBUTARY_BUS_RETRY_BASE_MS: '100', TRIBUTARY_BUS_RETRY_MAX_MS: '400', TRIBUTARY_BUS_SESSION_TIMEOUT_MS: '6000' }

/** An HTTP target that answers slowly, fails the first attempt of every fourth event, and counts successes per event id. */
class Target {
  readonly successes = new Map<string, number>()
  readonly replayed = new Map<string, number>()
  failures = 0
  private readonly failedOnce = new Set<string>()
  private constructor (private readonly server: Server, readonly url: string) {}

  static async start (): Promise<Target> {
    const holder: { target?: Target } = {}
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => { holder.target!.answer(JSON.parse(Buffer.concat(chunks).toString()) as { id: string, 'replay-name'?: string, detail: { n?: number } }, res) })
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const address = server.address()
    holder.target = new Target(server, `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/hook`)
    return holder.target
  }

  private answer (event: { id: string, 'replay-name'?: string, detail: { n?: number } }, res: import('node:http').ServerResponse): void {
    const fail = (event.detail.n ?? 1) % 4 === 0 && !this.failedOnce.has(event.id)
    // Slow: the answer waits a little, so deliveries are in flight when a worker dies.
    setTimeout(() => {
      if (fail) {
        this.failedOnce.add(event.id)
        this.failures++
        res.statusCode = 500
        res.end()
        return
      }
      const counts = event['replay-name'] !== undefined ? this.replayed : this.successes
      counts.set(event.id, (counts.get(event.id) ?? 0) + 1)
      res.end()
    }, 5 + (event.detail.n ?? 0) % 20)
  }

  close (): void { this.server.close() }
}

let broker: BrokerProcess
let target: Target
let workers: BusWorkerProcess[] = []

before(async () => {
  broker = await BrokerProcess.start()
  target = await Target.start()
  // Partitioned by a detail field; events without it go by their source (as with the default key).
  workers = await Promise.all([0, 1, 2].map(i => BusWorkerProcess.start(broker.bootstrap, { name: `worker ${i}`, env: WORKER_ENV, extraArgs: ['--partition-key', '$.detail.customer'] })))
})

after(async () => {
  await Promise.all(workers.map(w => w.kill()))
  target?.close()
  await broker?.cleanup()
})

function url (i: number): string { return workers[i]!.url }

async function ruleOn (worker: BusWorkerProcess, name: string): Promise<string | null> {
  try {
    return String((await busCall(worker.url, 'DescribeRule', { Name: name })).EventPattern)
  } catch (err) {
    if ((err as Error).message.includes('ResourceNotFoundException')) return null
    throw err
  }
}

test('a rule created, changed and deleted through one worker applies in every worker', async (t) => {
  const started = Date.now()
  await busCall(url(1), 'PutRule', { Name: 'spread', EventPattern: '{"source":["a"]}' })
  for (const w of workers) await waitFor(async () => await ruleOn(w, 'spread') === '{"source":["a"]}', `${w.name} learns the new rule`)
  t.diagnostic(`the new rule reached every worker ${Date.now() - started} ms after PutRule was sent`)
  await busCall(url(2), 'PutRule', { Name: 'spread', EventPattern: '{"source":["b"]}' })
  for (const w of workers) await waitFor(async () => await ruleOn(w, 'spread') === '{"source":["b"]}', `${w.name} learns the changed rule`)
  await busCall(url(0), 'DeleteRule', { Name: 'spread' })
  for (const w of workers) await waitFor(async () => await ruleOn(w, 'spread') === null, `${w.name} forgets the deleted rule`)
  t.diagnostic(`three changes seen by all three workers ${Date.now() - started} ms after the first was made`)
})

test('PutEvents partitions a bus\'s events by the key the workers were started with', async () => {
  const sources = ['shop.a', 'shop.b', 'shop.c', 'shop.d']
  // Not all one partition by source, so only the customer key puts them together.
  assert.ok(new Set(sources.map(s => choosePartition(s, BUS_PARTITIONS))).size > 1)
  const answer = await busCall(url(1), 'PutEvents', {
    Entries: [
      ...sources.map(source => ({ Source: source, DetailType: 'Order', Detail: JSON.stringify({ customer: 'c-7' }) })),
      { Source: 'shop.d', DetailType: 'Order', Detail: '{}' },
    ],
  })
  const ids = (answer.Entries as Array<{ EventId: string }>).map(e => e.EventId)
  const partitionOf = new Map<string, number>()
  const client = await KafkaClient.connect(broker.bootstrap)
  try {
    const fetched = await new Fetcher(client).fetch(Array.from({ length: BUS_PARTITIONS }, (_, partition) => ({ topic: 'tributary.bus.default', partition, offset: 0 })))
    for (const p of fetched) for (const r of p.records) partitionOf.set(r.key?.toString() ?? '', p.partition)
  } finally {
    client.close()
  }
  assert.deepEqual(ids.slice(0, 4).map(id => partitionOf.get(id)), sources.map(() => choosePartition('c-7', BUS_PARTITIONS)), 'one customer, one partition')
  assert.equal(partitionOf.get(ids[4]!), choosePartition('shop.d', BUS_PARTITIONS), 'without the field, by source')
})

test('a worker started with a partition key that is not one refuses to start, naming the flag', async () => {
  const result = await cli('bus', '--kafka', broker.bootstrap, '--partition-key', 'detail.customer')
  assert.equal(result.code, 2)
  assert.match(result.stderr, /invalid --partition-key: partition key "detail\.customer" is not one of source, detail-type, account/)
})

test('a malformed record in the definitions topic is skipped with a warning naming its offset', async () => {
  const client = await KafkaClient.connect(broker.bootstrap)
  const [written] = await new Producer(client).send('tributary.__bus.definitions', [{ key: 'not a definition key', value: '{' }])
  client.close()
  for (const w of workers) {
    await waitFor(() => w.log().includes(`malformed record at offset ${written!.offset} of tributary.__bus.definitions`), `${w.name} warns about offset ${written!.offset}`)
  }
  // and every worker still serves
  for (const w of workers) assert.ok(Array.isArray((await busCall(w.url, 'ListRules', {})).Rules))
})

test('a replay started through one worker is run by the holder of partition 0 from its start time, and delivered once per event through all workers', async () => {
  await busCall(url(0), 'PutRule', { Name: 'audit', EventPattern: '{"source":["audit"]}' })
  await busCall(url(0), 'PutTargets', { Rule: 'audit', Targets: [{ Id: 'hook', Arn: target.url }] })
  const busArn = String((await busCall(url(0), 'DescribeEventBus', {})).Arn)
  await busCall(url(1), 'CreateArchive', { ArchiveName: 'everything', EventSourceArn: busArn })
  for (const w of workers) {
    await waitFor(async () => (await busCall(w.url, 'ListTargetsByRule', { Rule: 'audit' }).then(r => (r.Targets as unknown[]).length, () => 0)) === 1, `${w.name} knows the audit rule`)
    await waitFor(async () => await busCall(w.url, 'DescribeArchive', { ArchiveName: 'everything' }).then(() => true, () => false), `${w.name} knows the archive`)
  }
  // Archived before the replay's window: the replay starts past them, at the offset ListOffsets gives for EventStartTime.
  await busCall(url(0), 'PutEvents', { Entries: [1, 2].map(n => ({ Source: 'early', DetailType: 'Early', Detail: JSON.stringify({ n }) })) })
  const archivedEarly = await waitFor(async () => {
    const count = Number((await busCall(url(0), 'DescribeArchive', { ArchiveName: 'everything' })).EventCount)
    return count >= 2 ? count : undefined
  }, 'the archive holds the early events')
  const startTime = Math.floor(Date.now() / 1000) + 1
  await waitFor(() => Date.now() >= startTime * 1000, 'the clock reaches the replay window')
  const ids: string[] = []
  for (let i = 0; i < 12; i++) {
    const answer = await busCall(url(i % 3), 'PutEvents', { Entries: [{ Source: 'audit', DetailType: 'Audit', Detail: JSON.stringify({ n: 1 + 4 * i + 1 }) }] })
    ids.push(String((answer.Entries as Array<{ EventId: string }>)[0]!.EventId))
  }
  await waitFor(() => ids.every(id => target.successes.has(id)), 'the audit events are delivered')
  await waitFor(async () => Number((await busCall(url(2), 'DescribeArchive', { ArchiveName: 'everything' })).EventCount) >= ids.length, 'the archive holds the audit events')
  // Started through a worker that does not deliver partition 0 of the bus: the holder of partition 0 runs it.
  const holdsPartition0 = workers.map(w => heldPartitions(w, 'default').includes(0))
  assert.equal(holdsPartition0.filter(Boolean).length, 1, `one worker delivers partition 0: ${JSON.stringify(workers.map(w => heldPartitions(w, 'default')))}`)
  const through = holdsPartition0.indexOf(false)
  const rebalancesBefore = workers.map(w => w.log().split('delivering partitions').length)
  await busCall(url(through), 'StartReplay', {
    ReplayName: 'again',
    EventSourceArn: `${busArn.replace(':event-bus/', ':archive/').replace(/default$/, 'everything')}`,
    EventStartTime: startTime,
    EventEndTime: Math.ceil(Date.now() / 1000) + 1,
    Destination: { Arn: busArn },
  })
  const replayDone = waitFor(() => ids.every(id => target.replayed.has(id)), 'every archived audit event is delivered again by the replay',
    () => `(${ids.filter(id => !target.replayed.has(id)).length} of ${ids.length} missing; partition 0 held by worker ${holdsPartition0.indexOf(true)}, started through ${through})\n` +
      workers.map(w => `${w.name}: ${w.log().split('\n').filter(line => /replay|partitions/.test(line)).slice(-8).join('\n')}`).join('\n'))
  await replayDone.catch(async (err: Error) => {
    throw new Error(`${err.message}\nreplay definitions: ${JSON.stringify(await definitionsOf('replay', 'again'))}`)
  })
  const replayCursors = await definitionsOf('replay', 'again').then(values => values.map(v => (v as { cursor: number }).cursor))
  assert.equal(replayCursors[0], archivedEarly, `the replay starts past the ${archivedEarly} events archived before its window: cursors ${JSON.stringify(replayCursors)}`)
  await waitFor(async () => (await busCall(url(through), 'DescribeReplay', { ReplayName: 'again' })).State === 'COMPLETED', 'the replay is COMPLETED')
  const runners = workers.flatMap((w, i) => w.log().includes('running replay again') ? [i] : [])
  assert.deepEqual(runners, [holdsPartition0.indexOf(true)], 'only the worker delivering partition 0 ran the replay')
  const twice = ids.filter(id => target.replayed.get(id) !== 1)
  const rebalanced = workers.some((w, i) => w.log().split('delivering partitions').length !== rebalancesBefore[i])
  // Duplicates only around a rebalance (the group was stable here unless a worker missed its heartbeats).
  if (!rebalanced) assert.deepEqual(twice, [], 'with no rebalance every replayed event is delivered once')
  const held = workers.map(w => /delivering partitions \[([0-9,]*)\]/g.exec([...w.log().matchAll(/delivering partitions \[[0-9,]*\]/g)].at(-1)?.[0] ?? '')?.[1] ?? '')
  assert.ok(held.every(list => list !== ''), `every worker delivers some partitions of the bus: ${JSON.stringify(held)}`)
})

/** The partitions of a bus a worker said it delivers last. */
function heldPartitions (worker: BusWorkerProcess, bus: string): number[] {
  const lines = [...worker.log().matchAll(new RegExp(`bus ${bus}: delivering partitions \\[([0-9,]*)\\]`, 'g'))]
  const list = lines.at(-1)?.[1] ?? ''
  return list === '' ? [] : list.split(',').map(Number)
}

/** The offset group `groupId` committed for partition 0 of `topic` (-1: none). */
async function committedOffset (groupId: string, topic: string): Promise<number> {
  const client = await KafkaClient.connect(broker.bootstrap)
  try {
    return (await new GroupAdmin(client).committed(groupId, [{ topic, partitions: [0] }]))[0]?.offset ?? -1
  } finally {
    client.close()
  }
}

/** An HTTP target that, while `holding`, holds each event's first attempt until release(); it answers every other attempt at once, counting them. */
class Gate {
  readonly held = new Map<string, import('node:http').ServerResponse>()
  readonly delivered = new Map<string, number>()
  holding = true
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
    const address = server.address()
    holder.gate = new Gate(server, `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/gate`)
    return holder.gate
  }

  private answer (id: string, res: import('node:http').ServerResponse): void {
    if (this.holding && !this.held.has(id)) { this.held.set(id, res); return }
    this.delivered.set(id, (this.delivered.get(id) ?? 0) + 1)
    res.end()
  }

  release (): void {
    this.holding = false
    for (const [id, res] of this.held) {
      if (res.writableEnded) continue
      this.delivered.set(id, (this.delivered.get(id) ?? 0) + 1)
      res.end()
    }
  }

  close (): void { this.release(); this.server.closeAllConnections(); this.server.close() }
}

/** Every record of a topic's first `partitions` partitions, from offset 0. */
async function topicRecords (topic: string, partitions: number): Promise<Array<{ key: Buffer | null, value: Buffer | null }>> {
  const client = await KafkaClient.connect(broker.bootstrap)
  try {
    const fetched = await new Fetcher(client).fetch(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 0 })))
    return fetched.flatMap(p => p.records)
  } finally {
    client.close()
  }
}

/** The values written to the definitions topic for one definition, oldest first. */
async function definitionsOf (kind: string, name: string): Promise<unknown[]> {
  const client = await KafkaClient.connect(broker.bootstrap)
  try {
    const values: unknown[] = []
    for (let offset = 0; ;) {
      const [fetched] = await new Fetcher(client).fetch([{ topic: 'tributary.__bus.definitions', partition: 0, offset }])
      if (fetched === undefined || fetched.nextOffset <= offset) return values
      for (const r of fetched.records) {
        if (r.key?.toString() === JSON.stringify([kind, name]) && r.value !== null) values.push(JSON.parse(r.value.toString()))
      }
      offset = fetched.nextOffset
      if (offset >= fetched.highWatermark) return values
    }
  } finally {
    client.close()
  }
}

async function cli (...args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src', 'cli', 'main.ts'), ...args], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  const [code] = await once(child, 'exit') as [number | null]
  return { code, stdout, stderr }
}

test('definitions exported from an embedded bus and imported through one worker reach every worker', async () => {
  // The broker standing in for the cluster also runs an embedded bus on its HTTP port: the "before" of a move.
  await busCall(broker.httpUrl, 'CreateEventBus', { Name: 'billing' })
  await busCall(broker.httpUrl, 'PutRule', { Name: 'invoices', EventBusName: 'billing', EventPattern: '{"source":["billing"]}' })
  await busCall(broker.httpUrl, 'PutTargets', { Rule: 'invoices', EventBusName: 'billing', Targets: [{ Id: 'hook', Arn: target.url }] })
  const file = join(mkdtempSync(join(tmpdir(), 'tributary-export-')), 'definitions.json')
  const exported = await cli('--endpoint', broker.httpUrl, 'bus', 'export', '--out', file)
  assert.equal(exported.code, 0, exported.stderr)
  const imported = await cli('--endpoint', url(0), 'bus', 'import', file)
  assert.equal(imported.code, 0, imported.stderr)
  for (const w of workers) {
    await waitFor(async () => (await busCall(w.url, 'ListTargetsByRule', { Rule: 'invoices', EventBusName: 'billing' }).then(r => (r.Targets as unknown[]).length, () => 0)) === 1, `${w.name} knows the imported rule and its target`)
  }
})

test('three workers deliver every accepted event at least once while two of them are killed with SIGKILL', async (t) => {
  // Sources orders.0 .. orders.6 and no customer field: partitioned by source, so the events spread over the workers.
  await busCall(url(0), 'PutRule', { Name: 'orders', EventPattern: '{"source":[{"prefix":"orders."}]}' })
  await busCall(url(0), 'PutTargets', { Rule: 'orders', Targets: [{ Id: 'hook', Arn: target.url, RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 } }] })
  for (const w of workers) {
    await waitFor(async () => (await busCall(w.url, 'ListTargetsByRule', { Rule: 'orders' }).then(r => (r.Targets as unknown[]).length, () => 0)) === 1, `${w.name} knows the orders rule`)
  }
  const accepted: string[] = []
  let refused = 0
  let turn = 0
  // Round-robin over the workers still alive; a call to one that just died goes to the next.
  const put = async (round: number): Promise<void> => {
    const entries = Array.from({ length: 5 }, (_, i) => ({ Source: `orders.${(round * 5 + i) % 7}`, DetailType: 'Order', Detail: JSON.stringify({ n: round * 5 + i }) }))
    for (let attempt = 0; attempt < workers.length; attempt++) {
      const worker = workers[turn++ % workers.length]!
      if (!worker.running) continue
      try {
        const answer = await busCall(worker.url, 'PutEvents', { Entries: entries })
        for (const e of answer.Entries as Array<{ EventId?: string }>) {
          if (e.EventId !== undefined) accepted.push(e.EventId)
          else refused++
        }
        return
      } catch { /* the worker is gone: the next one */ }
    }
    throw new Error('no worker accepted the events')
  }
  for (let round = 0; round < 60; round++) {
    if (round === 20) await workers[1]!.kill()
    if (round === 40) await workers[2]!.kill()
    await put(round)
  }
  await waitFor(() => accepted.every(id => target.successes.has(id)), 'every accepted event is delivered',
    () => `(${accepted.filter(id => !target.successes.has(id)).length} of ${accepted.length} missing)\n${workers[0]!.log().slice(-3000)}`)
  const lost = accepted.filter(id => !target.successes.has(id)).length
  let duplicates = 0
  for (const id of accepted) duplicates += (target.successes.get(id) ?? 0) - 1
  // Failed first attempts waited in the retry topic (not in a worker's memory), so the kills could not lose them.
  const retryRecords = (await topicRecords('tributary.__bus.retry.default', BUS_PARTITIONS)).length
  t.diagnostic(`accepted ${accepted.length}, refused ${refused}, lost ${lost}, duplicates ${duplicates}, first attempts failed on purpose ${target.failures}, retry records ${retryRecords}`)
  assert.equal(lost, 0)
  assert.ok(retryRecords > 0 && target.failures > 0, `the failed attempts went through the retry topic: ${retryRecords} records for ${target.failures} failures`)
  assert.equal(refused, 0, 'the cluster stayed up, so no PutEvents entry was refused')
  // Duplicates come only from deliveries in flight when a worker died or a rebalance moved a partition.
  assert.ok(duplicates <= accepted.length / 2, `duplicates stay bounded: ${duplicates} of ${accepted.length}`)
})

test('a retry held by a worker killed with SIGKILL before it was due is delivered by the worker that takes its partition', async () => {
  // Its own prefix: a bus tier of its own on the same cluster, so no other worker takes part.
  const tier = ['--topic-prefix', 'rt.']
  // Long enough that the retries are still waiting when the holder dies.
  const holder = await BusWorkerProcess.start(broker.bootstrap, { name: 'retry holder', env: { ...WORKER_ENV, TRIBUTARY_BUS_RETRY_BASE_MS: '10000', TRIBUTARY_BUS_RETRY_MAX_MS: '10000' }, extraArgs: tier })
  let successor: BusWorkerProcess | undefined
  try {
    await busCall(holder.url, 'PutRule', { Name: 'held', EventPattern: '{"source":["held"]}' })
    await busCall(holder.url, 'PutTargets', { Rule: 'held', Targets: [{ Id: 'hook', Arn: target.url }] })
    // n a multiple of 4: the target fails each one's first attempt.
    const answer = await busCall(holder.url, 'PutEvents', { Entries: [0, 4, 8, 12].map(n => ({ Source: 'held', DetailType: 'Held', Detail: JSON.stringify({ n }) })) })
    const ids = (answer.Entries as Array<{ EventId: string }>).map(e => e.EventId)
    await waitFor(async () => (await topicRecords('rt.__bus.retry.default', BUS_PARTITIONS)).length >= ids.length, 'the four failed attempts are in the retry topic')
    await holder.kill()
    assert.deepEqual(ids.filter(id => target.successes.has(id)), [], 'the holder died before any retry was due')
    successor = await BusWorkerProcess.start(broker.bootstrap, { name: 'retry successor', env: WORKER_ENV, extraArgs: tier })
    await waitFor(() => ids.every(id => target.successes.has(id)), 'the successor delivers every retry the holder held')
  } finally {
    await holder.kill()
    await successor?.kill()
  }
})

test('a worker stalled past its session timeout (SIGSTOP) cannot move the new owner\'s cursor back when it resumes', async (t) => {
  // A tier of its own with one partition, so the stalled worker and its successor contend for the same one.
  const tier = ['--topic-prefix', 'fx.', '--bus-partitions', '1']
  const gate = await Gate.start()
  const stalled = await BusWorkerProcess.start(broker.bootstrap, { name: 'stalled', env: WORKER_ENV, extraArgs: tier })
  let successor: BusWorkerProcess | undefined
  try {
    await busCall(stalled.url, 'PutRule', { Name: 'gated', EventPattern: '{"source":["gated"]}' })
    await busCall(stalled.url, 'PutTargets', { Rule: 'gated', Targets: [{ Id: 'hook', Arn: gate.url }] })
    const put = async (worker: BusWorkerProcess, from: number): Promise<string[]> => {
      const answer = await busCall(worker.url, 'PutEvents', { Entries: [0, 1, 2, 3, 4].map(i => ({ Source: 'gated', DetailType: 'Gated', Detail: JSON.stringify({ n: from + i }) })) })
      return (answer.Entries as Array<{ EventId: string }>).map(e => e.EventId)
    }
    const first = await put(stalled, 0)
    // The stalled worker has read the batch and waits on the target (the gate holds every first attempt) ...
    await waitFor(() => first.every(id => gate.held.has(id)), 'the first worker is delivering the first batch')
    // ... when it stops, past its session timeout.
    stalled.pause()
    gate.holding = false
    successor = await BusWorkerProcess.start(broker.bootstrap, { name: 'successor', env: WORKER_ENV, extraArgs: tier })
    const second = await put(successor, 5)
    // The successor gets the partition once the stalled member's session expires, delivers both batches (second attempts pass the gate) and commits.
    await waitFor(() => [...first, ...second].every(id => gate.delivered.has(id)), 'the successor delivers both batches')
    const end = await committedOffset('fx.bus.default', 'fx.bus.default')
    await waitFor(async () => await committedOffset('fx.bus.default', 'fx.bus.default') === 10, 'the successor commits its cursor past both batches', () => `(committed ${end})`)
    // The stalled worker wakes up and tries to commit its old cursor: 5 when its held first attempts
    // are answered before they time out, 0 when they time out first (their retry appends are then
    // refused as fenced, test/interop/bus-cluster-fencing.test.ts, so it never moves past the batch).
    gate.release()
    stalled.resume()
    await waitFor(() => /fenced: the coordinator refused the cursor (0|5) of fx\.bus\.default\/0/.test(stalled.log()), 'the resumed worker\'s commit is refused', () => stalled.log().slice(-3000))
    assert.equal(await committedOffset('fx.bus.default', 'fx.bus.default'), 10, 'the committed cursor stays the new owner\'s')
    t.diagnostic(`deliveries of the first batch: ${first.map(id => gate.delivered.get(id) ?? 0).join(',')} (the stalled worker's in-flight batch is delivered again around the rebalance: by the successor, and by the resumed worker and its retries); second batch: ${second.map(id => gate.delivered.get(id) ?? 0).join(',')}`)
  } finally {
    stalled.resume()
    await stalled.kill()
    await successor?.kill()
    gate.close()
  }
})

test('a worker that loses the cluster answers PutEvents with a retryable error, then reconnects by itself', async () => {
  const entries = [{ Source: 'orders.lost', DetailType: 'Order', Detail: '{"n":1}' }]
  await broker.kill()
  const during = await busCall(url(0), 'PutEvents', { Entries: entries })
  assert.equal(during.FailedEntryCount, 1)
  assert.equal((during.Entries as Array<{ ErrorCode?: string }>)[0]!.ErrorCode, 'InternalFailure')
  await broker.restart()
  // The worker reconnects on the next request; until the broker serves again an entry may still fail.
  const id = await waitFor(async () => {
    const answer = await busCall(url(0), 'PutEvents', { Entries: entries })
    return (answer.Entries as Array<{ EventId?: string }>)[0]!.EventId
  }, 'PutEvents succeeds again after the broker is back')
  await waitFor(() => target.successes.has(id), 'the event accepted after the reconnect is delivered')
})

test('a worker started against an unreachable cluster fails with a message naming the bootstrap servers', async () => {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src', 'cli', 'main.ts'), 'bus', '--kafka', `127.0.0.1:${port}`, '--http-port', '0'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  const [code] = await once(child, 'exit') as [number | null]
  assert.equal(code, 1)
  assert.match(stderr, new RegExp(`cannot reach the Kafka cluster at 127\\.0\\.0\\.1:${port}`))
})
