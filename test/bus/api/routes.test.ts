import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startBus, type BusHarness } from '../harness.js'

let h: BusHarness
before(async () => { h = await startBus() })
after(async () => { await h.close() })

/** The members of the answers these tests read. */
interface Answer { __type?: string, Arn?: string, Rules?: unknown[], EventBuses?: Array<{ Name: string }> }

async function call (target: string | undefined, body: string, contentType = 'application/x-amz-json-1.1'): Promise<{ status: number, json: Answer, headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': contentType }
  if (target !== undefined) headers['x-amz-target'] = target
  const response = await fetch(`${h.endpoint}/`, { method: 'POST', headers, body })
  return { status: response.status, json: await response.json(), headers: response.headers }
}

test('answers are AWS JSON 1.1 with a request id', async () => {
  const r = await call('AWSEvents.ListEventBuses', '{}')
  assert.equal(r.status, 200)
  assert.equal(r.headers.get('content-type'), 'application/x-amz-json-1.1')
  assert.ok(r.headers.get('x-amzn-requestid'))
  assert.equal(r.json.EventBuses?.[0]?.Name, 'default')
})

test('an unknown action is UnknownOperationException with status 400', async () => {
  const r = await call('AWSEvents.Nope', '{}')
  assert.equal(r.status, 400)
  assert.equal(r.json.__type, 'UnknownOperationException')
  assert.equal(r.headers.get('x-amzn-errortype'), 'UnknownOperationException')
})

test('a body that is not JSON is a SerializationException', async () => {
  const r = await call('AWSEvents.ListRules', '{not json')
  assert.equal(r.status, 400)
  assert.equal(r.json.__type, 'SerializationException')
})

test('an empty body is an empty input', async () => {
  const r = await call('AWSEvents.ListRules', '')
  assert.equal(r.status, 200)
  assert.deepEqual(r.json.Rules, [])
})

test('plain application/json bodies are accepted too', async () => {
  const r = await call('AWSEvents.DescribeEventBus', '{"Name":"default"}', 'application/json')
  assert.equal(r.status, 200)
  assert.equal(r.json.Arn, 'arn:aws:events:us-east-1:123456789012:event-bus/default')
})

test('other paths are not taken by the bus', async () => {
  const response = await fetch(`${h.endpoint}/api/topics`)
  assert.equal(response.status, 404)
})
