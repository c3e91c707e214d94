import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CreateEventBusCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand, DisableRuleCommand } from '@aws-sdk/client-eventbridge'
import { eventually, startBus, TargetServer } from '../harness.js'
import { at } from '../../helpers/at.js'

const queue = (n: string): string => `arn:aws:sqs:us-east-1:123456789012:${n}`
const entry = (detail: object, source = 'orders') => ({ Source: source, DetailType: 'Order Created', Detail: JSON.stringify(detail) })

test('a failing HTTP target is retried with backoff, then the event lands in the dead-letter topic with the error', async (t) => {
  const h = await startBus()
  const target = await new TargetServer().start()
  t.after(async () => { await target.close(); await h.close() })
  target.respond = () => 503
  await h.client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["orders"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'hook', Arn: `${target.url}/hook`, RetryPolicy: { MaximumRetryAttempts: 3 }, DeadLetterConfig: { Arn: queue('orders-dlq') } }] }))
  const { Entries } = await h.client.send(new PutEventsCommand({ Entries: [entry({ n: 1 })] }))
  const dead = await eventually(async () => (await h.readTopic('orders-dlq'))[0])
  assert.equal(target.received.length, 4, 'one attempt and three retries')
  assert.equal(dead.key!.toString(), at(Entries ?? [], 0).EventId)
  assert.equal(JSON.parse(dead.value!.toString()).id, at(Entries ?? [], 0).EventId)
  const headers = Object.fromEntries(dead.headers.map(x => [x.key, x.value?.toString()]))
  assert.equal(headers.ERROR_CODE, '503')
  assert.match(headers.ERROR_MESSAGE!, /answered 503/)
  assert.equal(headers.EXHAUSTED_RETRY_CONDITION, 'MaximumRetryAttemptsExceeded')
  assert.equal(headers.RETRY_ATTEMPTS, '3')
  assert.equal(headers.RULE_ARN, 'arn:aws:events:us-east-1:123456789012:rule/r')
  // the retry entry is dropped once the dead-letter append is durable, which can trail its visibility
  await eventually(() => h.bus.dispatcher('default')!.pendingRetries === 0 || undefined)
})

test('a target that recovers gets the event on a retry and nothing is dead-lettered', async (t) => {
  const h = await startBus()
  const target = await new TargetServer().start()
  t.after(async () => { await target.close(); await h.close() })
  target.respond = (_r, i) => i < 2 ? 500 : 200
  await h.client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["orders"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'hook', Arn: target.url, DeadLetterConfig: { Arn: queue('dlq') } }] }))
  await h.client.send(new PutEventsCommand({ Entries: [entry({ n: 1 })] }))
  await target.waitFor(3)
  await eventually(() => h.bus.dispatcher('default')!.pendingRetries === 0 || undefined)
  assert.equal(h.log.topic('dlq'), undefined)
})

test('a 400 from the target is not retried', async (t) => {
  const h = await startBus()
  const target = await new TargetServer().start()
  t.after(async () => { await target.close(); await h.close() })
  target.respond = () => 400
  await h.client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["orders"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'hook', Arn: target.url, DeadLetterConfig: { Arn: queue('dlq') } }] }))
  await h.client.send(new PutEventsCommand({ Entries: [entry({ n: 1 })] }))
  const dead = await eventually(async () => (await h.readTopic('dlq'))[0])
  assert.equal(target.received.length, 1)
  assert.equal(dead.headers.find(x => x.key === 'EXHAUSTED_RETRY_CONDITION')!.value!.toString(), 'NotRetryable')
})

test('an SQS queue target feeds the topic of that name, with the transformed input', async (t) => {
  const h = await startBus()
  t.after(() => h.close())
  await h.client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["orders"]}' }))
  await h.client.send(new PutTargetsCommand({
    Rule: 'r',
    Targets: [{ Id: 'q', Arn: queue('order-queue'), InputTransformer: { InputPathsMap: { id: '$.detail.id', who: '$.detail.who' }, InputTemplate: '{"order": <id>, "text": "by <who>", "rule": "<aws.events.rule-name>"}' } }],
  }))
  await h.client.send(new PutEventsCommand({ Entries: [entry({ id: 7, who: 'Ann "the" buyer' })] }))
  const record = await eventually(async () => (await h.readTopic('order-queue'))[0])
  assert.deepEqual(JSON.parse(record.value!.toString()), { order: 7, text: 'by Ann "the" buyer', rule: 'r' })
})

test('only enabled rules whose pattern matches deliver', async (t) => {
  const h = await startBus()
  t.after(() => h.close())
  await h.client.send(new PutRuleCommand({ Name: 'big', EventPattern: '{"detail":{"amount":[{"numeric":[">",100]}]}}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'big', Targets: [{ Id: 'q', Arn: queue('big') }] }))
  await h.client.send(new PutRuleCommand({ Name: 'off', EventPattern: '{"source":["orders"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'off', Targets: [{ Id: 'q', Arn: queue('off') }] }))
  await h.client.send(new DisableRuleCommand({ Name: 'off' }))
  await h.client.send(new PutEventsCommand({ Entries: [entry({ amount: 50 }), entry({ amount: 500 })] }))
  const records = await eventually(async () => { const r = await h.readTopic('big'); return r.length > 0 ? r : undefined })
  await eventually(() => h.bus.dispatcher('default')!.committedOffset >= 2 || undefined)
  assert.deepEqual(records.map(r => JSON.parse(r.value!.toString()).detail.amount), [500])
  assert.equal(h.log.topic('off'), undefined)
})

test('an event-bus target forwards the event to that bus', async (t) => {
  const h = await startBus()
  t.after(() => h.close())
  await h.client.send(new CreateEventBusCommand({ Name: 'audit' }))
  await h.client.send(new PutRuleCommand({ Name: 'fwd', EventPattern: '{"source":["orders"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'fwd', Targets: [{ Id: 'bus', Arn: 'arn:aws:events:us-east-1:123456789012:event-bus/audit' }] }))
  await h.client.send(new PutRuleCommand({ Name: 'sink', EventBusName: 'audit', EventPattern: '{"source":["orders"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'sink', EventBusName: 'audit', Targets: [{ Id: 'q', Arn: queue('audit-log') }] }))
  const { Entries } = await h.client.send(new PutEventsCommand({ Entries: [entry({ n: 1 })] }))
  const record = await eventually(async () => (await h.readTopic('audit-log'))[0])
  assert.equal(JSON.parse(record.value!.toString()).id, at(Entries ?? [], 0).EventId)
})

test('retries pending at shutdown are resumed after a restart', async (t) => {
  const h = await startBus({ retryBaseDelayMs: 300, retryMaxDelayMs: 300 })
  const target = await new TargetServer().start()
  t.after(async () => { await target.close(); await h.close() })
  let failing = true
  target.respond = () => failing ? 500 : 200
  await h.client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["orders"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'hook', Arn: target.url }] }))
  const { Entries } = await h.client.send(new PutEventsCommand({ Entries: [entry({ n: 1 })] }))
  await target.waitFor(1)
  await eventually(() => h.bus.dispatcher('default')!.pendingRetries === 1 || undefined)
  await h.restart()
  failing = false
  assert.equal(h.bus.dispatcher('default')!.pendingRetries, 1)
  await target.waitFor(2)
  assert.equal(JSON.parse(at(target.received, 1).body).id, at(Entries ?? [], 0).EventId)
})

test('events appended but not yet delivered when the bus stops are delivered after it reopens', async (t) => {
  const h = await startBus()
  t.after(() => h.close())
  await h.client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["orders"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'q', Arn: queue('later') }] }))
  // Write straight to the bus topic, as a crash right after PutEvents' fsync would leave it.
  await h.bus.close()
  await h.bus.storage.append('bus.default', [{ key: 'e-1', value: JSON.stringify({ version: '0', id: 'e-1', source: 'orders', 'detail-type': 'x', account: '1', region: 'r', time: '2024-01-01T00:00:00Z', resources: [], detail: {} }) }])
  await h.restart()
  const record = await eventually(async () => (await h.readTopic('later'))[0])
  assert.equal(JSON.parse(record.value!.toString()).id, 'e-1')
})

test('a Lambda function target is called on the URL configured for that function name', async (t) => {
  const target = await new TargetServer().start()
  const h = await startBus({ functionUrls: { notify: `${target.url}/invoke` } })
  t.after(async () => { await target.close(); await h.close() })
  await h.client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["orders"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'fn', Arn: 'arn:aws:lambda:us-east-1:123456789012:function:notify:live', InputPath: '$.detail' }] }))
  await h.client.send(new PutEventsCommand({ Entries: [entry({ n: 5 })] }))
  await target.waitFor(1)
  assert.equal(at(target.received, 0).url, '/invoke')
  assert.deepEqual(JSON.parse(at(target.received, 0).body), { n: 5 })
})
