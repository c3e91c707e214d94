// Retries through retry topics (a bus worker over an in-process Tributary broker
// standing in for the cluster): a failed delivery is a record of the bus's retry
// topic with its attempt count and due time, not part of the delivery state; it
// is attempted again when due; when its attempts run out the event goes to the
// target's dead-letter topic.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import { pino } from 'pino'
import { startInProcess, type InProcessTributary } from '../../helpers/in-process-tributary.js'
import { BusWorker } from '../../../src/bus/cluster/worker.js'
import { KafkaClient } from '../../../src/client/client.js'
import { Fetcher } from '../../../src/client/fetcher.js'
import { GroupAdmin } from '../../../src/client/admin-groups.js'
import { busCall } from '../../helpers/bus-worker-process.js'
import { waitFor } from '../../helpers/wait.js'

const PARTITIONS = 2
let broker: InProcessTributary | undefined
let bootstrap: string
let worker: BusWorker
let url: string
let hook: Server
let hookUrl: string
/** Attempts per event id, with the time of each. */
const attempts = new Map<string, number[]>()

before(async () => {
  broker = await startInProcess({ groupInitialRebalanceDelayMs: 0 }, { prefix: 'trib-bus-retry-' })
  bootstrap = broker.bootstrap()
  // /flaky fails each event's first attempt, /down fails every attempt.
  hook = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const id = (JSON.parse(Buffer.concat(chunks).toString()) as { id: string }).id
      const times = attempts.get(id) ?? []
      times.push(Date.now())
      attempts.set(id, times)
      res.statusCode = req.url === '/down' || times.length === 1 ? 500 : 200
      res.end()
    })
  })
  hook.listen(0, '127.0.0.1')
  await once(hook, 'listening')
  const address = hook.address()
  hookUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  worker = new BusWorker({ bootstrap, httpPort: 0, busPartitions: PARTITIONS, retryBaseDelayMs: 300, retryMaxDelayMs: 600, logger: pino({ level: 'silent' }) })
  url = `http://127.0.0.1:${await worker.start()}`
})

after(async () => {
  await worker?.close()
  hook?.close()
  await broker?.stop()
})

/** Every record of a topic, all partitions, as parsed JSON values. */
async function topicValues (topic: string, partitions: number): Promise<Array<Record<string, unknown>>> {
  const client = await KafkaClient.connect(bootstrap)
  try {
    const fetched = await new Fetcher(client).fetch(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 0 })))
    return fetched.flatMap(p => p.records.flatMap(r => r.value === null ? [] : [JSON.parse(r.value.toString()) as Record<string, unknown>]))
  } finally {
    client.close()
  }
}

async function putOne (source: string): Promise<string> {
  const answer = await busCall(url, 'PutEvents', { Entries: [{ Source: source, DetailType: 'T', Detail: '{}' }] })
  return String((answer.Entries as Array<{ EventId: string }>)[0]!.EventId)
}

test('a failed delivery waits in the retry topic with its attempt count and due time, and is delivered when due', async () => {
  await busCall(url, 'PutRule', { Name: 'flaky', EventPattern: '{"source":["flaky"]}' })
  await busCall(url, 'PutTargets', { Rule: 'flaky', Targets: [{ Id: 'hook', Arn: `${hookUrl}/flaky` }] })
  const id = await putOne('flaky')
  await waitFor(() => (attempts.get(id)?.length ?? 0) >= 2, 'the second attempt')
  const retries = (await topicValues('tributary.__bus.retry.default', PARTITIONS)).filter(e => (JSON.parse(String(e.eventText)) as { id: string }).id === id)
  assert.equal(retries.length, 1, 'one retry record for the one failed attempt')
  const [entry] = retries
  assert.equal(entry!.retriesDone, 0)
  assert.equal(entry!.ruleName, 'flaky')
  assert.equal(entry!.targetId, 'hook')
  const [first, second] = attempts.get(id)!
  assert.ok(Number(entry!.nextAttemptAt) > first!, 'due after the failed attempt')
  assert.ok(second! >= Number(entry!.nextAttemptAt), `attempted again only once due (${second} >= ${String(entry!.nextAttemptAt)})`)
  // The retry lives in the retry topic only; the cursors are the group's committed offsets.
  for (const state of await topicValues('tributary.__bus.delivery-state', 1).catch(() => [])) assert.deepEqual(state.retries, [])
  const client = await KafkaClient.connect(bootstrap)
  try {
    const committed = await waitFor(async () => {
      const offsets = await new GroupAdmin(client).committed('tributary.bus.default')
      return offsets.some(o => o.topic === 'tributary.__bus.retry.default' && o.offset > 0) ? offsets : undefined
    }, 'the retry position is committed past the finished retry')
    assert.ok(committed.some(o => o.topic === 'tributary.bus.default' && o.offset > 0), `the delivery cursor is a committed offset: ${JSON.stringify(committed)}`)
  } finally {
    client.close()
  }
})

test('a retry whose attempts run out goes to the target\'s dead-letter topic', async () => {
  await busCall(url, 'PutRule', { Name: 'down', EventPattern: '{"source":["down"]}' })
  await busCall(url, 'PutTargets', {
    Rule: 'down',
    Targets: [{ Id: 'hook', Arn: `${hookUrl}/down`, RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:down-dlq' } }],
  })
  const id = await putOne('down')
  const letters = await waitFor(async () => {
    const values = await topicValues('tributary.down-dlq', 1).catch(() => [])
    return values.length > 0 ? values : undefined
  }, 'the dead letter')
  assert.equal(attempts.get(id)?.length, 3, 'the first attempt and two retries')
  assert.equal((letters[0] as { id?: string }).id, id)
  const retries = (await topicValues('tributary.__bus.retry.default', PARTITIONS)).filter(e => (JSON.parse(String(e.eventText)) as { id: string }).id === id)
  assert.deepEqual(retries.map(e => e.retriesDone), [0, 1], 'each retry recorded with its attempt count')
})
