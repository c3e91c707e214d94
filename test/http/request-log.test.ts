// At debug level every Kafka request and every HTTP (bus) call is logged with
// a request id, and whatever a handler logs for that request carries the same id.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { startTributary } from '../metrics/tributary-harness.js'
import { RawKafkaConnection, requestFrame } from '../helpers/raw-kafka.js'

interface Line { msg: string, req?: number | string, api?: string, action?: string, status?: number }

test('debug logs carry a request id per Kafka request and per bus call', async () => {
  const lines: Line[] = []
  const sink = new Writable({ write (chunk: Buffer, _enc, done) { lines.push(JSON.parse(chunk.toString('utf8')) as Line); done() } })
  const t = await startTributary({}, pino({ level: 'debug' }, sink))
  try {
    const [host, port] = t.bootstrap.split(':')
    const kafka = await RawKafkaConnection.open(host!, Number(port))
    kafka.write(requestFrame(18, 0, 7, Buffer.alloc(0))) // ApiVersions v0
    await kafka.nextFrame()
    kafka.destroy()

    const response = await fetch(t.httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.ListEventBuses' },
      body: '{}'
    })
    assert.equal(response.status, 200)
    const amzRequestId = response.headers.get('x-amzn-requestid')
    await t.close()

    const kafkaRequest = lines.find(l => l.msg === 'kafka request' && l.api === 'ApiVersions')
    assert.ok(kafkaRequest?.req !== undefined, 'the Kafka request is logged with an id')
    assert.ok(lines.some(l => l.msg === 'kafka response' && l.req === kafkaRequest.req), 'its response carries the same id')
    const httpCall = lines.find(l => l.msg === 'http request' && l.action === 'AWSEvents.ListEventBuses')
    assert.equal(httpCall?.req, amzRequestId, 'the bus call is logged with the request id its caller saw')
    assert.equal(httpCall?.status, 200)
  } finally {
    await t.close().catch(() => {})
  }
})
