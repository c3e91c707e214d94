// Signed bus requests: with credentials configured, the bus API answers only
// requests signed (AWS Signature Version 4) with one of them. The AWS SDK for
// JavaScript signs with the right key, a wrong secret, an unknown key and a
// clock 10 minutes off; plain HTTP sends unsigned and tampered requests.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { EventBridgeClient, ListEventBusesCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge'
import { SignatureV4 } from '@smithy/signature-v4'
import { Hash } from '@smithy/hash-node'
import type { Tributary } from '../../../src/tributary.js'
import { startInProcess, type InProcessTributary } from '../../helpers/in-process-tributary.js'
import { BusClient } from '../../../src/client/bus-client.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
const KEY = { accessKeyId: 'AKIDTRIBUTARYTEST', secretAccessKey: 'a-secret-of-some-length' }

describe('AWS Signature Version 4 on the bus API', () => {
  let app: Tributary
  let tributary: InProcessTributary | undefined
  let endpoint: string
  const clients: EventBridgeClient[] = []

  const client = (credentials: { accessKeyId: string, secretAccessKey: string }, systemClockOffset = 0): EventBridgeClient => {
    // one attempt: the SDK would otherwise correct its clock from the answer's Date header and retry
    const c = new EventBridgeClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1, systemClockOffset })
    clients.push(c)
    return c
  }
  const errorOf = async (promise: Promise<unknown>): Promise<{ name: string, status?: number }> => {
    try {
      await promise
      return { name: 'no error' }
    } catch (err) {
      return { name: (err as Error).name, status: (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode }
    }
  }

  /** Signs a request as the SDK would (same signer), so a test can change it after signing. */
  async function signed (body: string, credentials = KEY): Promise<{ headers: Record<string, string>, body: string }> {
    const url = new URL(endpoint)
    const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'events', sha256: Hash.bind(null, 'sha256') })
    const request = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.ListEventBuses' },
      body
    })
    return { headers: request.headers, body }
  }
  const post = async (headers: Record<string, string>, body: string): Promise<{ status: number, type: string | undefined }> => {
    const res = await fetch(endpoint, { method: 'POST', headers, body })
    const answer = await res.json() as { __type?: string }
    return { status: res.status, type: answer.__type }
  }

  before(async () => {
    tributary = await startInProcess({ bus: { credentials: [KEY] } }, { prefix: 'trib-sigv4-' })
    app = tributary.app
    endpoint = `http://127.0.0.1:${app.config.httpPort}`
  })
  after(async () => {
    for (const c of clients) c.destroy()
    await tributary?.stop()
  })

  test('the AWS SDK signing with a configured key is served', async () => {
    const buses = await client(KEY).send(new ListEventBusesCommand({}))
    assert.ok(buses.EventBuses?.some(b => b.Name === 'default'))
    const put = await client(KEY).send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Order Created', Detail: '{"id":1}' }] }))
    assert.equal(put.FailedEntryCount, 0)
  })

  test('the CLI\'s bus client signs with the credentials it is given, and is refused without them', async () => {
    const buses = await new BusClient(endpoint, 5000, KEY).call<{ EventBuses: unknown[] }>('ListEventBuses')
    assert.ok(buses.EventBuses.length >= 1)
    await assert.rejects(new BusClient(endpoint, 5000, null).call('ListEventBuses'), (err: { type?: string }) => err.type === 'MissingAuthenticationTokenException')
  })

  test('a wrong secret is refused InvalidSignatureException', async () => {
    assert.deepEqual(await errorOf(client({ ...KEY, secretAccessKey: 'not-the-secret' }).send(new ListEventBusesCommand({}))), { name: 'InvalidSignatureException', status: 400 })
  })

  test('an access key nobody configured is refused UnrecognizedClientException', async () => {
    assert.deepEqual(await errorOf(client({ accessKeyId: 'AKIDUNKNOWN', secretAccessKey: KEY.secretAccessKey }).send(new ListEventBusesCommand({}))), { name: 'UnrecognizedClientException', status: 400 })
  })

  test('a request signed with a clock 10 minutes off either way is refused InvalidSignatureException', async () => {
    for (const offset of [-10 * 60 * 1000, 10 * 60 * 1000]) {
      assert.deepEqual(await errorOf(client(KEY, offset).send(new ListEventBusesCommand({}))), { name: 'InvalidSignatureException', status: 400 }, `offset ${offset}`)
    }
  })

  test('an unsigned request is refused MissingAuthenticationTokenException', async () => {
    const body = JSON.stringify({ Entries: [{ Source: 'intruder', DetailType: 'x', Detail: '{}' }] })
    assert.deepEqual(await post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' }, body), { status: 403, type: 'MissingAuthenticationTokenException' })
  })

  test('a signed request whose body or action was changed after signing is refused', async () => {
    const good = await signed('{}')
    assert.deepEqual(await post(good.headers, good.body), { status: 200, type: undefined })
    assert.deepEqual(await post(good.headers, '{"Limit":1}'), { status: 400, type: 'InvalidSignatureException' })
    assert.deepEqual(await post({ ...good.headers, 'x-amz-target': 'AWSEvents.PutEvents' }, good.body), { status: 400, type: 'InvalidSignatureException' })
  })
})
