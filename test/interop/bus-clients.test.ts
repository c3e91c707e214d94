/* eslint-disable @typescript-eslint/no-explicit-any -- the AWS CLI prints JSON whose shape the assertions check */
// The snippet with real clients: @aws-sdk/client-eventbridge puts an
// Order Created event; a rule routes it to an HTTP target and to a topic that
// two kafkajs consumer groups read (fan-out); the AWS CLI drives put-events,
// put-rule, put-targets and test-event-pattern.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import { promisify } from 'node:util'
import { Kafka, logLevel } from 'kafkajs'
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge'
import { BrokerProcess } from '../helpers/broker-process.js'
import { consumeAll } from '../helpers/kcat.js'
import { PATIENCE_MS, waitFor } from '../helpers/wait.js'
import { at } from '../helpers/at.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
const run = promisify(execFile)
describe('the event bus with real clients', () => {
  let broker: BrokerProcess
  let eventBridge: EventBridgeClient
  let target: Server
  let targetUrl: string
  const hits: string[] = []
  let hit: (() => void) | null = null

  before(async () => {
    broker = await BrokerProcess.start()
    eventBridge = new EventBridgeClient({ region: 'us-east-1', endpoint: broker.httpUrl, credentials: { accessKeyId: 'any', secretAccessKey: 'any' } })
    target = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', c => chunks.push(c))
      req.on('end', () => { res.end(); hits.push(Buffer.concat(chunks).toString()); hit?.() })
    })
    target.listen(0, '127.0.0.1')
    await once(target, 'listening')
    targetUrl = `http://127.0.0.1:${(target.address() as { port: number }).port}/orders`
  })

  after(async () => {
    eventBridge?.destroy()
    target?.close()
    await broker?.cleanup()
  })

  test('an Order Created event reaches an HTTP target and two consumer groups reading the rule\'s topic', () => broker.explain(async () => {
    await eventBridge.send(new PutRuleCommand({ Name: 'order-created', EventPattern: JSON.stringify({ source: ['order-service'], 'detail-type': ['Order Created'] }) }))
    await eventBridge.send(new PutTargetsCommand({
      Rule: 'order-created',
      Targets: [
        { Id: 'function', Arn: targetUrl },
        { Id: 'queue', Arn: 'arn:aws:sqs:us-east-1:000000000000:order-events' },
      ],
    }))
    const kafka = new Kafka({ clientId: 'bus-interop', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    const groups = ['billing', 'shipping']
    const received = new Map<string, string[]>()
    const consumers = groups.map(groupId => kafka.consumer({ groupId }))
    let settle!: () => void
    const allGroupsGotIt = new Promise<void>(resolve => { settle = resolve })
    const gotHttp = new Promise<void>(resolve => { hit = resolve })

    const orderId = 'o-42'
    const answer = await eventBridge.send(new PutEventsCommand({
      Entries: [{
        Source: 'order-service', DetailType: 'Order Created', Detail: JSON.stringify({ orderId, userId: 'u-1', items: [{ sku: 'a' }], amount: 99.5 }),
      }]
    }))
    assert.equal(answer.FailedEntryCount, 0)
    const eventId = at(answer.Entries ?? [], 0).EventId!
    await gotHttp
    assert.equal(JSON.parse(at(hits, 0)).id, eventId)

    try {
      for (const [i, consumer] of consumers.entries()) {
        await consumer.connect()
        await consumer.subscribe({ topic: 'order-events', fromBeginning: true })
        await consumer.run({
          eachMessage: async ({ message }) => {
            const group = at(groups, i)
            const list = received.get(group) ?? []
            list.push(message.value!.toString())
            received.set(group, list)
            if (groups.every(g => (received.get(g) ?? []).length > 0)) settle()
          },
        })
      }
      const timeout = setTimeout(settle, PATIENCE_MS)
      await allGroupsGotIt
      clearTimeout(timeout)
    } finally {
      for (const consumer of consumers) await consumer.disconnect()
    }
    for (const group of groups) {
      const values = received.get(group) ?? []
      assert.equal(values.length, 1, `group ${group} read ${values.length} messages`)
      const event = JSON.parse(at(values, 0))
      assert.equal(event.id, eventId)
      assert.equal(event.detail.orderId, orderId)
    }
  }))

  // .ci/run installs Debian's awscli; without it this test fails rather than passing unseen.
  test('the AWS CLI puts a rule, a target and events, and tests a pattern', () => broker.explain(async () => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'any', AWS_SECRET_ACCESS_KEY: 'any', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' }
    const aws = async (...args: string[]): Promise<any> => {
      const { stdout } = await run('aws', ['events', ...args, '--endpoint-url', broker.httpUrl, '--output', 'json'], { env })
      return stdout.trim() === '' ? {} : JSON.parse(stdout)
    }
    const rule = await aws('put-rule', '--name', 'cli-rule', '--event-pattern', '{"source":["cli"]}')
    assert.equal(rule.RuleArn, 'arn:aws:events:us-east-1:000000000000:rule/cli-rule')
    const targets = await aws('put-targets', '--rule', 'cli-rule', '--targets', 'Id=q,Arn=arn:aws:sqs:us-east-1:000000000000:cli-queue')
    assert.equal(targets.FailedEntryCount, 0)
    const put = await aws('put-events', '--entries', JSON.stringify([{ Source: 'cli', DetailType: 'From CLI', Detail: '{"x":1}' }]))
    assert.equal(put.FailedEntryCount, 0)
    const tested = await aws('test-event-pattern', '--event-pattern', '{"detail":{"x":[{"numeric":[">",0]}]}}', '--event', JSON.stringify({ id: '1', source: 'cli', 'detail-type': 't', account: '1', region: 'us-east-1', time: '2024-01-01T00:00:00Z', detail: { x: 1 } }))
    assert.equal(tested.Result, true)
    await assert.rejects(aws('put-rule', '--name', 'bad', '--event-pattern', '{"source":"cli"}'), /InvalidEventPatternException/)
    let messages: Array<{ payload: string | null }> = []
    await waitFor(async () => {
      messages = await consumeAll(broker.bootstrap, 'cli-queue').catch(() => [])
      return messages.length > 0
    }, 'the CLI event in the target topic')
    assert.equal(JSON.parse(at(messages, 0).payload!).id, at(put.Entries, 0).EventId)
  }))
})
