// The lean route (src/bus/api/lean-route.ts) answers bus calls in AWS's content types ahead of
// fastify, with the same answers as fastify's route; everything else on the port still reaches
// fastify. A fastify onRequest hook tells which route served a call.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'node:http'
import Fastify, { type FastifyInstance } from 'fastify'
import { startBus, type BusHarness } from '../harness.js'
import { registerBusRoutes } from '../../../src/bus/index.js'

let h: BusHarness
let app: FastifyInstance
let endpoint = ''
/** Requests fastify saw (its onRequest hook ran). */
let throughFastify = 0

before(async () => {
  h = await startBus()
  app = Fastify({ logger: false, bodyLimit: 4096 })
  app.addHook('onRequest', async () => { throughFastify++ })
  registerBusRoutes(app, h.bus)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
})
after(async () => { await app.close(); await h.close() })

async function call (target: string, body: string, contentType = 'application/x-amz-json-1.1', path = '/'): Promise<{ status: number, json: Record<string, unknown>, headers: Headers }> {
  const response = await fetch(`${endpoint}${path}`, { method: 'POST', headers: { 'content-type': contentType, 'x-amz-target': target }, body })
  return { status: response.status, json: await response.json() as Record<string, unknown>, headers: response.headers }
}

const oneEntry = JSON.stringify({ Entries: [{ Source: 'lean.test', DetailType: 'ping', Detail: '{"n":1}' }] })

test('PutEvents in AWS JSON 1.1 is answered without fastify\'s per-request work', async () => {
  const seen = throughFastify
  const r = await call('AWSEvents.PutEvents', oneEntry)
  assert.equal(r.status, 200)
  assert.equal(r.json.FailedEntryCount, 0)
  assert.equal(r.headers.get('content-type'), 'application/x-amz-json-1.1')
  assert.ok(r.headers.get('x-amzn-requestid'))
  assert.equal(throughFastify, seen, 'fastify\'s onRequest hook did not run')
  const stored = await h.readTopic('bus.default')
  assert.ok(stored.some(record => record.value?.toString().includes('"source":"lean.test"')), 'the event is in the bus topic')
})

test('an error is answered in AWS\'s shape by the lean route, as by fastify\'s', async () => {
  const lean = await call('AWSEvents.Nope', '{}')
  const viaFastify = await call('AWSEvents.Nope', '{}', 'application/x-amz-json-1.1; charset=utf-8')
  for (const r of [lean, viaFastify]) {
    assert.equal(r.status, 400)
    assert.equal(r.json.__type, 'UnknownOperationException')
    assert.equal(r.headers.get('x-amzn-errortype'), 'UnknownOperationException')
  }
  const broken = await call('AWSEvents.ListRules', '{not json')
  assert.equal(broken.status, 400)
  assert.equal(broken.json.__type, 'SerializationException')
})

test('a content type with parameters and other paths still go through fastify', async () => {
  const seen = throughFastify
  const r = await call('AWSEvents.PutEvents', oneEntry, 'application/x-amz-json-1.1; charset=utf-8')
  assert.equal(r.status, 200)
  assert.equal(r.json.FailedEntryCount, 0)
  const health = await fetch(`${endpoint}/nothing-here`)
  assert.equal(health.status, 404)
  assert.equal(throughFastify, seen + 2)
})

test('a body over the body limit is refused as fastify refuses it, whether its length is declared or not', async () => {
  const big = JSON.stringify({ Entries: [{ Source: 'lean.test', DetailType: 'big', Detail: JSON.stringify({ x: 'y'.repeat(8000) }) }] })
  const declared = await call('AWSEvents.PutEvents', big)
  assert.equal(declared.status, 413)
  assert.equal(declared.json.__type, 'ValidationException')
  assert.equal(declared.json.message, 'Request body is over the size limit.')
  // chunked: no content-length, the limit is found while reading
  const chunked = await new Promise<{ status: number, body: string }>((resolve, reject) => {
    const req = request(`${endpoint}/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' } }, res => {
      let body = ''
      res.on('data', (c: Buffer) => { body += c.toString() })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }) })
    })
    req.on('error', reject)
    req.write(big.slice(0, 3000))
    req.end(big.slice(3000))
  })
  assert.equal(chunked.status, 413)
  assert.equal((JSON.parse(chunked.body) as { message: string }).message, 'Request body is over the size limit.')
  const stored = await h.readTopic('bus.default')
  assert.ok(!stored.some(record => record.value?.toString().includes('"detail-type":"big"')), 'nothing of a refused call is stored')
})
