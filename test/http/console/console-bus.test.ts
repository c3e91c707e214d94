// The console's group, history/stream and bus endpoints against a whole
// Tributary on loopback: lag from committed offsets, an offset reset refused
// while a group has members, an event traced from PutEvents to its target, and
// the pattern tester naming the field that failed.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { KafkaClient, Producer, TopicAdmin, GroupAdmin } from '../../../src/client/index.js'
import { startTributary, commitAsStandalone, type RunningTributary } from '../../metrics/tributary-harness.js'
import { waitFor } from '../../helpers/wait.js'

let t: RunningTributary
let client: KafkaClient

before(async () => {
  t = await startTributary()
  client = await KafkaClient.connect(t.bootstrap)
})
after(async () => {
  client.close()
  await t.close()
})

const call = async (method: string, path: string, body?: unknown): ReturnType<RunningTributary['call']> => await t.call(method, path, body)

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function busApi (action: string, input: unknown): Promise<any> {
  const response = await fetch(t.httpUrl, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${action}` }, body: JSON.stringify(input) })
  const json = await response.json()
  if (response.status !== 200) throw new Error(`${action}: ${JSON.stringify(json)}`)
  return json
}

test('a group\'s lag is shown per partition, in the history, and reset to the start for a group without members', async () => {
  await new TopicAdmin(client).create('console-lag', 2)
  await new Producer(client).send('console-lag', Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, value: `v${i}` })))
  await commitAsStandalone(t.bootstrap, 'console-readers', 'console-lag', { 0: 5, 1: 2 })

  const group = await call('GET', '/api/console/groups/console-readers')
  assert.equal(group.status, 200)
  assert.deepEqual(group.json.lag.map((r: { partition: number, lag: number }) => [r.partition, r.lag]), [[0, 0], [1, 3]])

  const sample = await waitFor(async () => {
    const { json } = await call('GET', '/api/console/history')
    return json.samples.find((s: { lag: Record<string, Record<string, number>> }) => s.lag['console-readers']?.['console-lag/1'] === 3)
  }, 'a history sample with the group\'s lag')
  assert.equal(sample.lag['console-readers']['console-lag/0'], 0)

  const reset = await call('POST', '/api/console/groups/console-readers/reset', { topic: 'console-lag', to: 'earliest' })
  assert.equal(reset.status, 200)
  const committed = await new GroupAdmin(client).committed('console-readers')
  assert.deepEqual(committed.map(c => c.offset), [0, 0])

  const bad = await call('POST', '/api/console/groups/console-readers/reset', { topic: 'console-lag', to: 'offset', offset: '-3' })
  assert.equal(bad.status, 400)
  const list = await call('GET', '/api/console/groups')
  assert.ok(list.json.some((g: { groupId: string }) => g.groupId === 'console-readers'))
})

test('the stream sends each new history sample as a server-sent event', async () => {
  const controller = new AbortController()
  const response = await fetch(`${t.httpUrl}/api/console/stream`, { signal: controller.signal })
  assert.equal(response.headers.get('content-type'), 'text/event-stream')
  const reader = response.body!.getReader()
  let text = ''
  while (!text.includes('event: sample')) {
    const { value, done } = await reader.read()
    if (done) break
    text += Buffer.from(value).toString('utf8')
  }
  controller.abort()
  const data = /event: sample\ndata: (.*)\n/.exec(text)?.[1]
  assert.ok(data !== undefined, 'a sample event arrived')
  const sample = JSON.parse(data)
  for (const field of ['t', 'recordsIn', 'bytesIn', 'recordsOut', 'bytesOut', 'connections', 'diskBytes', 'lag']) assert.ok(field in sample, field)
})

test('an event is traced from PutEvents through its rule to the target, and the bus page counts the delivery', async () => {
  await busApi('PutRule', { Name: 'orders-to-queue', EventPattern: JSON.stringify({ source: ['shop'], detail: { amount: [{ numeric: ['>', 10] }] } }) })
  await busApi('PutTargets', { Rule: 'orders-to-queue', Targets: [{ Id: 'queue', Arn: 'arn:aws:sqs:us-east-1:000000000000:console-queue' }] })
  const put = await busApi('PutEvents', { Entries: [{ Source: 'shop', DetailType: 'order', Detail: JSON.stringify({ amount: 42 }) }] })
  const eventId = put.Entries[0].EventId as string

  const steps = await waitFor(async () => {
    const { status, json } = await call('GET', `/api/console/bus/trace/${eventId}`)
    return status === 200 && json.steps.some((s: { kind: string }) => s.kind === 'succeeded') ? json.steps : null
  }, 'the event\'s delivery in its trace')
  assert.deepEqual(steps.map((s: { kind: string }) => s.kind), ['accepted', 'matched', 'attempt', 'succeeded'])
  assert.equal(steps[1].rule, 'orders-to-queue')
  assert.equal(steps[3].target, 'queue')

  const bus = await call('GET', '/api/console/bus')
  const rule = bus.json.buses.find((b: { name: string }) => b.name === 'default').rules.find((r: { name: string }) => r.name === 'orders-to-queue')
  assert.equal(rule.targets[0].succeeded, 1)
  assert.equal(rule.targets[0].attempts, 1)
  assert.ok(bus.json.recentEventIds.includes(eventId))
  assert.equal(bus.json.signing, false, 'an open bus API: the page sends its bus actions unsigned')
  assert.equal((await call('GET', '/api/console/bus/trace/no-such-event')).status, 404)
})

test('the pattern tester says which rules match an event and which field failed', async () => {
  await busApi('PutRule', { Name: 'big-orders', EventPattern: JSON.stringify({ source: ['shop'], detail: { amount: [{ numeric: ['>', 100] }] } }) })
  const event = { source: 'shop', 'detail-type': 'order', detail: { amount: 42 } }
  const { status, json } = await call('POST', '/api/console/bus/test-pattern', { event: JSON.stringify(event) })
  assert.equal(status, 200)
  const big = json.verdicts.find((v: { rule: string }) => v.rule === 'big-orders')
  assert.equal(big.matched, false)
  assert.deepEqual(big.fields.filter((f: { matched: boolean }) => !f.matched).map((f: { field: string }) => f.field), ['detail.amount'])
  assert.equal(json.verdicts.find((v: { rule: string }) => v.rule === 'orders-to-queue').matched, true)

  const adHoc = await call('POST', '/api/console/bus/test-pattern', { event, pattern: '{"source":["other"]}' })
  assert.equal(adHoc.json.verdicts[0].matched, false)
  assert.equal((await call('POST', '/api/console/bus/test-pattern', { event: '{not json' })).status, 400)
  assert.equal((await call('POST', '/api/console/bus/test-pattern', { event, pattern: '{"source":"not-a-list"}' })).status, 400)
})
