// EventBridge's size limits, each refused with AWS's error type, each followed
// by a request that is still served: a pattern over 4096 characters (PutRule,
// TestEventPattern, CreateArchive), an input template over 8192 characters and
// more than 100 input paths, and a request body over the HTTP body limit
// (answered 413 in AWS's error shape, not fastify's). The 256 KB PutEvents
// total and JSON depth have their own tests (put-events, hostile-input).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { CreateArchiveCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge'
import { startBus, ACCOUNT, REGION, type BusHarness } from '../harness.js'

const EVENT = '{"id":"1","account":"1","source":"s","time":"2024-01-01T00:00:00Z","region":"r","detail-type":"d","resources":[],"detail":{}}'
/** A valid pattern of exactly `length` characters. */
const patternOf = (length: number): string => {
  const head = '{"source":["'
  const tail = '"]}'
  return head + 'x'.repeat(length - head.length - tail.length) + tail
}

let h: BusHarness
before(async () => {
  h = await startBus()
  await h.client.send(new PutRuleCommand({ Name: 'limits', EventPattern: '{"source":["s"]}' }))
})
after(async () => { await h.close() })

async function stillServes (): Promise<void> {
  const answer = await h.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{"ok":true}' }] }))
  assert.equal(answer.FailedEntryCount, 0)
}

test('an event pattern of 4096 characters is taken and one of 4097 is a ValidationException wherever a pattern goes', async () => {
  await h.client.send(new PutRuleCommand({ Name: 'long-pattern', EventPattern: patternOf(4096) }))
  const tooLong = patternOf(4097)
  const refused = { name: 'ValidationException', message: /at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to 4096/ }
  await assert.rejects(h.client.send(new PutRuleCommand({ Name: 'too-long-pattern', EventPattern: tooLong })), refused)
  await assert.rejects(h.client.send(new TestEventPatternCommand({ EventPattern: tooLong, Event: EVENT })), refused)
  await assert.rejects(h.client.send(new CreateArchiveCommand({ ArchiveName: 'too-long', EventSourceArn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`, EventPattern: tooLong })), refused)
  await stillServes()
})

test('an input template over 8192 characters and more than 100 input paths are ValidationExceptions', async () => {
  const arn = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/elsewhere`
  const ok = await h.client.send(new PutTargetsCommand({ Rule: 'limits', Targets: [{ Id: 'fits', Arn: arn, InputTransformer: { InputTemplate: `"${'x'.repeat(8190)}"` } }] }))
  assert.equal(ok.FailedEntryCount, 0)
  await assert.rejects(h.client.send(new PutTargetsCommand({ Rule: 'limits', Targets: [{ Id: 'long', Arn: arn, InputTransformer: { InputTemplate: `"${'x'.repeat(8191)}"` } }] })), {
    name: 'ValidationException', message: /inputTemplate' failed to satisfy constraint: Member must have length less than or equal to 8192/
  })
  const paths = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`v${i}`, '$.detail']))
  await assert.rejects(h.client.send(new PutTargetsCommand({ Rule: 'limits', Targets: [{ Id: 'many', Arn: arn, InputTransformer: { InputPathsMap: paths, InputTemplate: '<v0>' } }] })), {
    name: 'ValidationException', message: /at most 100 variables/
  })
  await stillServes()
})

test('a request body over the HTTP body limit is a 413 ValidationException in AWS shape and the server keeps serving', async () => {
  // the harness's fastify keeps its default body limit of 1 MiB
  const body = JSON.stringify({ Entries: [{ Source: 's', DetailType: 'd', Detail: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }) }] })
  const response = await fetch(h.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
    body
  })
  assert.equal(response.status, 413)
  assert.deepEqual(await response.json(), { __type: 'ValidationException', message: 'Request body is over the size limit.' })
  await assert.rejects(h.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: JSON.parse(body).Entries[0].Detail }] })), { name: 'ValidationException' })
  await stillServes()
})
