// The console's in-browser SigV4 signer (web/src/sigv4.js, run here on Node's
// Web Crypto, the same API the browser has): it computes AWS's own signature
// (@smithy/signature-v4 over the same request and date), and a broker with
// bus.credentials serves the bus actions it signs, refuses a wrong secret, and
// tells the console page that signing is on.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { SignatureV4 } from '@smithy/signature-v4'
import { Hash } from '@smithy/hash-node'
import type { Tributary } from '../../../src/tributary.js'
import { startInProcess, type InProcessTributary } from '../../helpers/in-process-tributary.js'

interface SignInput { credentials: { accessKeyId: string, secretAccessKey: string }, headers: Record<string, string>, body: string, date?: Date }
type SignRequest = (input: SignInput) => Promise<Record<string, string>>

const KEY = { accessKeyId: 'AKIDCONSOLEUNIT', secretAccessKey: 'a-console-unit-secret' }
let signRequest: SignRequest
let app: Tributary
let tributary: InProcessTributary | undefined
let url: URL

before(async () => {
  // plain browser JavaScript, loaded as the page loads it (it has no types to check)
  ;({ signRequest } = await import(pathToFileURL(resolve('web/src/sigv4.js')).href) as { signRequest: SignRequest })
  tributary = await startInProcess({ bus: { credentials: [KEY] } }, { prefix: 'trib-console-sigv4-' })
  app = tributary.app
  url = new URL(`http://127.0.0.1:${app.config.httpPort}`)
})
after(async () => {
  await tributary?.stop()
})

const headersFor = (action: string): Record<string, string> => ({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${action}` })

async function post (action: string, input: unknown, credentials = KEY): Promise<{ status: number, json: Record<string, unknown> }> {
  const body = JSON.stringify(input)
  const signed = await signRequest({ credentials, headers: { ...headersFor(action), host: url.host }, body })
  const response = await fetch(url, { method: 'POST', headers: { ...headersFor(action), ...signed }, body })
  return { status: response.status, json: await response.json() as Record<string, unknown> }
}

test('the console\'s signer computes the signature AWS\'s signer computes for the same request and time', async () => {
  const date = new Date('2026-12-03T12:00:00Z')
  const body = '{"Name":"r"}'
  const ours = await signRequest({ credentials: KEY, headers: { ...headersFor('PutRule'), host: 'console.example:8080' }, body, date })
  const aws = await new SignatureV4({ credentials: KEY, region: 'us-east-1', service: 'events', sha256: Hash.bind(null, 'sha256'), applyChecksum: false })
    .sign({ method: 'POST', protocol: 'http:', hostname: 'console.example', port: 8080, path: '/', query: {}, headers: { ...headersFor('PutRule'), host: 'console.example:8080' }, body }, { signingDate: date })
  assert.equal(ours['x-amz-date'], '20261203T120000Z')
  assert.equal(ours.authorization, aws.headers.authorization)
})

test('with bus.credentials on, a bus action the console signs is served, one signed with a wrong secret is refused, and the page is told to sign', async () => {
  const state = await (await fetch(new URL('/api/console/bus', url))).json() as { signing: boolean }
  assert.equal(state.signing, true)

  const wrong = await post('PutRule', { Name: 'console-signed', EventPattern: '{"source":["shop"]}' }, { ...KEY, secretAccessKey: 'not-the-secret-at-all' })
  assert.equal(wrong.status, 400)
  assert.equal(wrong.json.__type, 'InvalidSignatureException')
  assert.equal(app.components.bus.catalog.rulesOfBus('default').length, 0)

  const good = await post('PutRule', { Name: 'console-signed', EventPattern: '{"source":["shop"]}' })
  assert.equal(good.status, 200, JSON.stringify(good.json))
  assert.deepEqual(app.components.bus.catalog.rulesOfBus('default').map(r => r.name), ['console-signed'])
})
