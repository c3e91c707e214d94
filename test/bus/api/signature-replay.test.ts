// Replay of a captured signed bus request inside its 5-minute window: refused
// with bus.replayProtection, served again without it (as AWS does). The AWS
// SDK signs its attempt number, so its retries are new signatures; a retry of
// the same bytes after a server error (botocore's) is served.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge'
import { SignatureV4 } from '@smithy/signature-v4'
import { Hash } from '@smithy/hash-node'
import type { Tributary } from '../../../src/tributary.js'
import type { BusConfig } from '../../../src/config.js'
import { startInProcess } from '../../helpers/in-process-tributary.js'
import { SignatureVerifier } from '../../../src/bus/api/signature.js'
import { ReplayGuard } from '../../../src/bus/api/replay-guard.js'
import { FaultyFs, realFs } from '../../../src/log/fs.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
const KEY = { accessKeyId: 'AKIDREPLAY', secretAccessKey: 'replay-secret-long' }
const BODY = JSON.stringify({ Entries: [{ Source: 'shop', DetailType: 'Order', Detail: '{"id":1}' }] })

async function sign (endpoint: string, body: string, date?: Date, target = 'AWSEvents.PutEvents'): Promise<Record<string, string>> {
  const url = new URL(endpoint)
  const signer = new SignatureV4({ credentials: KEY, region: 'us-east-1', service: 'events', sha256: Hash.bind(null, 'sha256') })
  const request = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body
  }, date === undefined ? {} : { signingDate: date })
  return request.headers
}

async function startBus (bus: BusConfig, fs?: FaultyFs): Promise<{ app: Tributary, endpoint: string, stop: () => Promise<void> }> {
  const t = await startInProcess({ bus }, { prefix: 'trib-sig-replay-', options: fs === undefined ? {} : { fs } })
  return { app: t.app, endpoint: t.httpUrl, stop: t.stop }
}

async function post (endpoint: string, headers: Record<string, string>, body: string): Promise<{ status: number, type?: string, message?: string, failed?: number }> {
  const res = await fetch(endpoint, { method: 'POST', headers, body })
  const answer = await res.json() as { __type?: string, message?: string, FailedEntryCount?: number }
  return { status: res.status, type: answer.__type, message: answer.message, failed: answer.FailedEntryCount }
}

describe('replay of a captured signed bus request', () => {
  const started: Array<{ stop: () => Promise<void> }> = []
  let guarded: string
  let open: string
  before(async () => {
    const a = await startBus({ credentials: [KEY], replayProtection: true })
    const b = await startBus({ credentials: [KEY] })
    started.push(a, b)
    guarded = a.endpoint
    open = b.endpoint
  })
  after(async () => {
    for (const s of started) await s.stop()
  })

  test('with replayProtection the same signed request is served once and refused the second time', async () => {
    const headers = await sign(guarded, BODY)
    assert.deepEqual(await post(guarded, headers, BODY), { status: 200, type: undefined, message: undefined, failed: 0 })
    const again = await post(guarded, headers, BODY)
    assert.equal(again.status, 400)
    assert.equal(again.type, 'InvalidSignatureException')
    assert.match(again.message ?? '', /^Signature already used/)
  })

  test('the same body signed again (a new signature) is served', async () => {
    // a different date: a signature is a function of the request and its second
    const headers = await sign(guarded, BODY, new Date(Date.now() - 2000))
    assert.equal((await post(guarded, headers, BODY)).status, 200)
  })

  test('without replayProtection a captured request is served again, as AWS does', async () => {
    const headers = await sign(open, BODY)
    assert.equal((await post(open, headers, BODY)).status, 200)
    assert.equal((await post(open, headers, BODY)).status, 200)
  })

  test('the AWS SDK signs its attempt number, so a retry within the same second is a new signature', async () => {
    const client = new EventBridgeClient({ region: 'us-east-1', endpoint: guarded, credentials: { ...KEY }, maxAttempts: 3 })
    const seen: string[] = []
    // after signing (the deserialize step sees the request as it goes on the wire)
    client.middlewareStack.add(next => async args => {
      seen.push(String((args.request as { headers: Record<string, string> }).headers.authorization))
      return await next(args)
    }, { step: 'deserialize', name: 'captureAuthorization' })
    try {
      for (let i = 0; i < 5; i++) {
        const put = await client.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'Order', Detail: '{"id":1}' }] }))
        assert.equal(put.FailedEntryCount, 0)
      }
    } finally {
      client.destroy()
    }
    assert.equal(seen.length, 5)
    assert.match(seen[0] ?? '', /SignedHeaders=[^,]*amz-sdk-request/)
  })
})

describe('a retry of the very same signed bytes after a server error', () => {
  test('is served, because the bus did not do the request (botocore does not sign its attempt number)', async () => {
    const fs = new FaultyFs(realFs)
    const { app, endpoint, stop } = await startBus({ credentials: [KEY], replayProtection: true }, fs)
    try {
      const body = JSON.stringify({ Name: 'retried-bus' })
      const headers = await sign(endpoint, body, undefined, 'AWSEvents.CreateEventBus')
      fs.failNext('write')
      const failed = await post(endpoint, headers, body)
      assert.equal(failed.status, 500, JSON.stringify(failed))
      const retried = await post(endpoint, headers, body)
      assert.equal(retried.status, 200, JSON.stringify(retried))
      assert.ok(app.components.bus.catalog.buses.has('retried-bus'))
      const replayed = await post(endpoint, headers, body)
      assert.equal(replayed.type, 'InvalidSignatureException', 'once served, the same bytes are a replay')
    } finally {
      await stop()
    }
  })
})

describe('the replay guard\'s memory', () => {
  test('a signature is forgotten once its request could no longer pass the clock check', () => {
    const guard = new ReplayGuard(300_000, 10)
    const date = Date.UTC(2026, 0, 1, 12, 0, 0)
    guard.admit('a'.repeat(64), date, date)
    assert.throws(() => guard.admit('a'.repeat(64), date, date + 299_000), /already used/)
    assert.equal(guard.entries, 1)
    guard.admit('b'.repeat(64), date + 301_000, date + 301_000)
    assert.equal(guard.entries, 1, 'the first signature is gone, the second kept')
  })

  test('when full it refuses new requests with ThrottlingException instead of forgetting a signature that could then be replayed', () => {
    const guard = new ReplayGuard(300_000, 2)
    const now = Date.UTC(2026, 0, 1, 12, 0, 0)
    guard.admit('1'.repeat(64), now, now)
    guard.admit('2'.repeat(64), now, now)
    assert.throws(() => guard.admit('3'.repeat(64), now, now), (err: Error) => err.name === 'ThrottlingException')
    assert.throws(() => guard.admit('1'.repeat(64), now, now), /already used/)
  })

  test('the verifier records only valid signatures, so a client without a key cannot fill it', async () => {
    const endpoint = 'http://127.0.0.1:9'
    const verifier = new SignatureVerifier([KEY], Date.now, { maxEntries: 1 })
    const headers = await sign(endpoint, BODY)
    const tampered = { method: 'POST', url: '/', headers: { ...headers }, body: Buffer.from(BODY.replace('1', '2')) }
    for (let i = 0; i < 3; i++) await assert.rejects(verifier.verify(tampered), (err: Error) => err.name === 'InvalidSignatureException')
    assert.equal(await verifier.verify({ method: 'POST', url: '/', headers, body: Buffer.from(BODY) }), KEY.accessKeyId)
  })
})
