// The console and /api/* behind HTTP Basic (http.auth "basic"): users log in
// with their SASL name and password, and may do in the console what the Kafka
// ACLs let that principal do. A real Tributary, real HTTP requests.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify from 'fastify'
import type { Tributary } from '../../src/tributary.js'
import { startInProcess, type InProcessTributary } from '../helpers/in-process-tributary.js'
import { registerConsoleAccess } from '../../src/http/console-access.js'
import { Authorizer } from '../../src/broker/acl/authorizer.js'
import { authConfig } from '../helpers/http-auth.js'
import { validateHttp } from '../../src/config-security.js'

interface Refusal { code: string, message: string }
const names = (rows: unknown): string[] => (rows as Array<{ name: string }>).map(t => t.name)
const basic = (user: string, password: string): string => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64')

describe('HTTP Basic authentication of the console and /api/*', () => {
  let app: Tributary
  let tributary: InProcessTributary | undefined
  let base: string
  const call = async (method: string, path: string, auth?: string, body?: unknown): Promise<{ status: number, json: unknown, headers: Headers }> => {
    const headers: Record<string, string> = {}
    if (auth !== undefined) headers.authorization = auth
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
    const text = await res.text()
    let json: unknown = text
    try { json = JSON.parse(text) } catch {}
    return { status: res.status, json, headers: res.headers }
  }
  const ADMIN = basic('admin', 'admin-password')
  const ALICE = basic('alice', 'alice-password')

  before(async () => {
    tributary = await startInProcess(authConfig(''), { prefix: 'trib-http-auth-' })
    app = tributary.app
    base = `http://127.0.0.1:${app.config.httpPort}`
    for (const name of ['orders', 'payments']) {
      const created = await call('POST', '/api/console/topics', ADMIN, { name, partitions: 1 })
      assert.equal(created.status, 201, JSON.stringify(created.json))
    }
  })
  after(async () => {
    await tributary?.stop()
  })

  test('without credentials the console and /api/* answer 401 with a Basic challenge', async () => {
    for (const path of ['/', '/api/console/topics', '/api/topics/orders', '/api/console/groups']) {
      const answer = await call('GET', path)
      assert.equal(answer.status, 401, path)
      assert.match(answer.headers.get('www-authenticate') ?? '', /^Basic realm="Tributary"/)
    }
  })

  test('a wrong password or an unknown user is refused', async () => {
    assert.equal((await call('GET', '/api/console/topics', basic('alice', 'wrong'))).status, 401)
    assert.equal((await call('GET', '/api/console/topics', basic('mallory', 'alice-password'))).status, 401)
    assert.equal((await call('GET', '/api/console/topics', 'Basic !!!')).status, 401)
  })

  test('users of every mechanism log in with their SASL password', async () => {
    assert.equal((await call('GET', '/api/console/history', ADMIN)).status, 200)
    assert.equal((await call('GET', '/api/console/history', ALICE)).status, 200)
    assert.equal((await call('GET', '/api/console/history', basic('bob', 'bob-password'))).status, 200)
  })

  test('/health, /metrics and the bus API stay open', async () => {
    assert.equal((await call('GET', '/health')).status, 200)
    assert.equal((await call('GET', '/metrics')).status, 200)
    const res = await fetch(base + '/', { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.ListEventBuses' }, body: '{}' })
    assert.equal(res.status, 200)
  })

  test('the topic list shows a user only the topics the ACLs let them describe', async () => {
    const forAlice = await call('GET', '/api/console/topics', ALICE)
    assert.deepEqual(names(forAlice.json), ['orders'])
    const forAdmin = await call('GET', '/api/console/topics', ADMIN)
    assert.deepEqual(names(forAdmin.json).filter(n => !n.startsWith('_') && !n.startsWith('bus.')), ['orders', 'payments'])
  })

  test('an action the ACLs refuse is a 403 naming the principal, the operation and the topic, and changes nothing', async () => {
    const refused = await call('DELETE', '/api/console/topics/orders', ALICE)
    assert.equal(refused.status, 403)
    assert.equal((refused.json as Refusal).code, 'TOPIC_AUTHORIZATION_FAILED')
    assert.match((refused.json as Refusal).message, /^User:alice may not delete topic orders/)
    assert.equal((await call('GET', '/api/topics/payments', ALICE)).status, 403)
    assert.equal((await call('GET', '/api/topics/orders', ALICE)).status, 200)
    assert.equal(names((await call('GET', '/api/console/topics', ADMIN)).json).includes('orders'), true)
  })

  test('what the ACLs allow is served: alice reads orders, the super user deletes payments', async () => {
    const browsed = await call('GET', '/api/console/topics/orders/messages', ALICE)
    assert.equal(browsed.status, 200, JSON.stringify(browsed.json))
    const republish = await call('POST', '/api/console/topics/orders/republish', ALICE, { partition: 0, offset: 0, toTopic: 'payments' })
    assert.equal(republish.status, 403)
    assert.match((republish.json as Refusal).message, /may not write topic payments/)
    assert.equal((await call('DELETE', '/api/console/topics/payments', ADMIN)).status, 200)
  })
})

describe('the console access table', () => {
  test('http.auth takes "none" or "basic" and nothing else', () => {
    assert.deepEqual(validateHttp({ auth: 'basic' }), { auth: 'basic' })
    assert.throws(() => validateHttp({ auth: 'digest' }), /http\.auth must be "none" or "basic"/)
  })

  test('with http.auth on, an endpoint without an access rule stops the start', async () => {
    const app = Fastify()
    registerConsoleAccess(app, new Authorizer({ enabled: true }))
    app.get('/api/console/something-new', async () => ({}))
    await assert.rejects(async () => { await app.ready() }, /no access rule .*GET \/api\/console\/something-new/)
    await app.close()
  })
})
