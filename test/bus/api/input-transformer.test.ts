// InputTransformer as EventBridge applies it, through PutTargets and real
// delivery (EventBridge user guide, "Amazon EventBridge input transformation").
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge'
import { captureLog, eventually, startBus, TargetServer } from '../harness.js'

const queue = (n: string): string => `arn:aws:sqs:us-east-1:123456789012:${n}`

test('PutTargets refuses a template placeholder that InputPathsMap does not define, naming target and placeholder', async (t) => {
  const h = await startBus()
  t.after(() => h.close())
  await h.client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["s"]}' }))
  await assert.rejects(h.client.send(new PutTargetsCommand({
    Rule: 'r', Targets: [{ Id: 't1', Arn: queue('q'), InputTransformer: { InputPathsMap: { id: '$.id' }, InputTemplate: '{"id": <id>, "who": "<who>"}' } }],
  })), { name: 'ValidationException', message: 'InputTemplate for target t1 contains invalid placeholder who.' })
  // the predefined variables need no definition
  await h.client.send(new PutTargetsCommand({
    Rule: 'r', Targets: [{ Id: 't1', Arn: queue('q'), InputTransformer: { InputTemplate: '{"rule": "<aws.events.rule-name>", "e": <aws.events.event>}' } }],
  }))
})

test('giving two of Input, InputPath and InputTransformer is refused with the target named at the end', async (t) => {
  const h = await startBus()
  t.after(() => h.close())
  await h.client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["s"]}' }))
  await assert.rejects(h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'both', Arn: queue('q'), Input: '{}', InputPath: '$.detail' }] })), {
    name: 'ValidationException', message: 'Only one of Input, InputPath, or InputTransformer must be provided for target both',
  })
})

test('a delivered string template writes lists and objects unquoted, missing paths empty, and the event view with detailType', async (t) => {
  const h = await startBus()
  t.after(() => h.close())
  await h.client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["s"]}' }))
  await h.client.send(new PutTargetsCommand({
    Rule: 'r',
    Targets: [{
      Id: 'q',
      Arn: queue('out'),
      InputTransformer: {
        InputPathsMap: { ids: '$.detail.ids', states: '$.detail.states', gone: '$.detail.gone' },
        InputTemplate: '{"text": "ids <ids> states <states> gone [<gone>]", "event": <aws.events.event>}',
      },
    }],
  }))
  await h.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'Changed', Detail: JSON.stringify({ ids: { acc_id: '0a787ecb-4015', sf_id: 'baz' }, states: ['ACTIVE', 'INACTIVE'] }) }] }))
  const record = await eventually(async () => (await h.readTopic('out'))[0])
  const body = JSON.parse(record.value!.toString())
  assert.equal(body.text, 'ids {acc_id:0a787ecb-4015,sf_id:baz} states [ACTIVE,INACTIVE] gone []')
  assert.equal(body.event.detailType, 'Changed')
  assert.equal(body.event['detail-type'], undefined)
})

test('a transformed input that is not valid JSON is not delivered to that target and is logged as a failed invocation with the reason', async (t) => {
  const log = captureLog()
  const h = await startBus({ logger: log.logger })
  const target = await new TargetServer().start()
  t.after(async () => { await target.close(); await h.close() })
  await h.client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["s"]}' }))
  await h.client.send(new PutTargetsCommand({
    Rule: 'r',
    Targets: [
      // the path is missing in the event, so this renders {"n": } which is not JSON
      { Id: 'broken', Arn: `${target.url}/broken`, InputTransformer: { InputPathsMap: { n: '$.detail.missing' }, InputTemplate: '{"n": <n>}' } },
      { Id: 'fine', Arn: `${target.url}/fine` },
    ],
  }))
  await h.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }))
  await target.waitFor(1)
  const failure = await eventually(() => log.lines.find(l => l.target === 'broken' && l.errorCode === 'InvalidTransformedInput'))
  await eventually(() => h.bus.dispatcher('default')!.committedOffset >= 1 || undefined)
  assert.deepEqual(target.received.map(r => r.url), ['/fine'])
  assert.match(String(failure.errorMessage), /produced invalid JSON: \{"n": \}/)
  assert.equal(h.bus.stats.failedAttempts, 1)
})
