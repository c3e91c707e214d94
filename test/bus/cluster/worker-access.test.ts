// A bus worker on a cluster checks `bus.credentials` as the embedded broker does:
// signed requests with a known key are served, unsigned ones and wrong secrets are
// refused, and a key's allow list limits its actions. Real signed requests from the
// AWS SDK to a worker over an in-process Tributary broker standing in for the cluster.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { pino } from 'pino'
import { CreateEventBusCommand, EventBridgeClient, ListEventBusesCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge'
import type { BusCredential } from '../../../src/config.js'
import { startInProcess, type InProcessTributary } from '../../helpers/in-process-tributary.js'
import { BusWorker } from '../../../src/bus/cluster/worker.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
const ADMIN: BusCredential = { accessKeyId: 'AKIDWORKERADMIN', secretAccessKey: 'worker-admin-secret' }
const PRODUCER: BusCredential = { accessKeyId: 'AKIDWORKERPUT', secretAccessKey: 'worker-put-secret', allow: [{ actions: ['events:PutEvents'] }] }

let broker: InProcessTributary | undefined
let worker: BusWorker
let endpoint: string
const clients: EventBridgeClient[] = []

function client (accessKeyId: string, secretAccessKey: string): EventBridgeClient {
  const c = new EventBridgeClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 })
  clients.push(c)
  return c
}

async function refusal (promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    return (err as Error).name
  }
  assert.fail('the call was served')
}

before(async () => {
  broker = await startInProcess({ groupInitialRebalanceDelayMs: 0 }, { prefix: 'trib-bus-worker-access-' })
  const bootstrap = broker.bootstrap()
  worker = new BusWorker({ bootstrap, httpPort: 0, busPartitions: 1, logger: pino({ level: 'silent' }), busAccess: { credentials: [ADMIN, PRODUCER] } })
  endpoint = `http://127.0.0.1:${await worker.start()}`
})

after(async () => {
  for (const c of clients) c.destroy()
  await worker?.close()
  await broker?.stop()
})

test('a bus worker serves requests signed with a configured key', async () => {
  const listed = await client(ADMIN.accessKeyId, ADMIN.secretAccessKey).send(new ListEventBusesCommand({}))
  assert.ok(listed.EventBuses?.some(b => b.Name === 'default'))
})

test('a bus worker refuses a wrong secret and an unknown key, and creates nothing', async () => {
  assert.equal(await refusal(client(ADMIN.accessKeyId, 'not-the-secret').send(new CreateEventBusCommand({ Name: 'intruder' }))), 'InvalidSignatureException')
  assert.equal(await refusal(client('AKIDUNKNOWN', 'whatever').send(new CreateEventBusCommand({ Name: 'intruder' }))), 'UnrecognizedClientException')
  const listed = await client(ADMIN.accessKeyId, ADMIN.secretAccessKey).send(new ListEventBusesCommand({}))
  assert.ok(!(listed.EventBuses ?? []).some(b => b.Name === 'intruder'))
})

test('a bus worker refuses an unsigned request', async () => {
  const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.ListEventBuses' }, body: '{}' })
  assert.equal(response.status, 403)
  assert.match(await response.text(), /MissingAuthenticationTokenException/)
})

test('a bus worker applies a key\'s allow list: the producer key may put events but not create a bus', async () => {
  const producer = client(PRODUCER.accessKeyId, PRODUCER.secretAccessKey)
  const put = await producer.send(new PutEventsCommand({ Entries: [{ Source: 'worker.access', DetailType: 'T', Detail: '{}' }] }))
  assert.equal(put.FailedEntryCount, 0)
  assert.equal(await refusal(producer.send(new CreateEventBusCommand({ Name: 'not-allowed' }))), 'AccessDeniedException')
})
