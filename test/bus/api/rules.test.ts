import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  CreateEventBusCommand, DeleteRuleCommand, DescribeRuleCommand, DisableRuleCommand, EnableRuleCommand,
  ListRuleNamesByTargetCommand, ListRulesCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge'
import { startBus, type BusHarness } from '../harness.js'

let h: BusHarness
before(async () => { h = await startBus() })
after(async () => { await h.close() })

test('PutRule answers the rule ARN and DescribeRule echoes the definition', async () => {
  const put = await h.client.send(new PutRuleCommand({ Name: 'r1', EventPattern: '{"source":["a"]}', Description: 'd' }))
  assert.equal(put.RuleArn, 'arn:aws:events:us-east-1:123456789012:rule/r1')
  const rule = await h.client.send(new DescribeRuleCommand({ Name: 'r1' }))
  assert.equal(rule.EventPattern, '{"source":["a"]}')
  assert.equal(rule.State, 'ENABLED')
  assert.equal(rule.EventBusName, 'default')
  assert.equal(rule.Description, 'd')
})

test('rules on a custom bus have the bus in their ARN', async () => {
  await h.client.send(new CreateEventBusCommand({ Name: 'custom' }))
  const put = await h.client.send(new PutRuleCommand({ Name: 'r', EventBusName: 'custom', EventPattern: '{"source":["a"]}' }))
  assert.equal(put.RuleArn, 'arn:aws:events:us-east-1:123456789012:rule/custom/r')
})

test('an invalid pattern is InvalidEventPatternException in AWS words', async () => {
  await assert.rejects(h.client.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source":"a"}' })), {
    name: 'InvalidEventPatternException', message: /^Event pattern is not valid. Reason: /,
  })
})

test('a rule needs a pattern or a schedule', async () => {
  await assert.rejects(h.client.send(new PutRuleCommand({ Name: 'empty' })), { name: 'ValidationException', message: 'Parameter(s) EventPattern or ScheduleExpression must be specified.' })
})

test('schedule expressions are checked, and allowed only on the default bus', async () => {
  await h.client.send(new PutRuleCommand({ Name: 'every5', ScheduleExpression: 'rate(5 minutes)' }))
  await h.client.send(new PutRuleCommand({ Name: 'noon', ScheduleExpression: 'cron(0 12 * * ? *)' }))
  await assert.rejects(h.client.send(new PutRuleCommand({ Name: 'bad', ScheduleExpression: 'rate(5 minute)' })), { name: 'ValidationException', message: 'Parameter ScheduleExpression is not valid.' })
  await assert.rejects(h.client.send(new PutRuleCommand({ Name: 'bad', ScheduleExpression: 'cron(0 12 * * * *)' })), { name: 'ValidationException' })
  await assert.rejects(h.client.send(new PutRuleCommand({ Name: 's', EventBusName: 'custom', ScheduleExpression: 'rate(1 hour)' })), { name: 'ValidationException', message: 'ScheduleExpression is supported only on the default event bus.' })
})

test('a bad rule name names the field', async () => {
  await assert.rejects(h.client.send(new PutRuleCommand({ Name: 'a'.repeat(65), EventPattern: '{"source":["a"]}' })), {
    name: 'ValidationException', message: /Value 'a{65}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 64/,
  })
})

test('DisableRule and EnableRule switch the state', async () => {
  await h.client.send(new PutRuleCommand({ Name: 'toggle', EventPattern: '{"source":["a"]}' }))
  await h.client.send(new DisableRuleCommand({ Name: 'toggle' }))
  assert.equal((await h.client.send(new DescribeRuleCommand({ Name: 'toggle' }))).State, 'DISABLED')
  await h.client.send(new EnableRuleCommand({ Name: 'toggle' }))
  assert.equal((await h.client.send(new DescribeRuleCommand({ Name: 'toggle' }))).State, 'ENABLED')
})

test('ListRules filters by prefix and pages', async () => {
  for (const n of ['list-1', 'list-2', 'list-3']) await h.client.send(new PutRuleCommand({ Name: n, EventPattern: '{"source":["a"]}' }))
  const first = await h.client.send(new ListRulesCommand({ NamePrefix: 'list-', Limit: 2 }))
  assert.deepEqual(first.Rules!.map(r => r.Name), ['list-1', 'list-2'])
  const rest = await h.client.send(new ListRulesCommand({ NamePrefix: 'list-', NextToken: first.NextToken }))
  assert.deepEqual(rest.Rules!.map(r => r.Name), ['list-3'])
})

test('a rule with targets cannot be deleted until they are removed', async () => {
  await h.client.send(new PutRuleCommand({ Name: 'with-targets', EventPattern: '{"source":["a"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'with-targets', Targets: [{ Id: 't', Arn: 'arn:aws:sqs:us-east-1:123456789012:q1' }] }))
  const names = await h.client.send(new ListRuleNamesByTargetCommand({ TargetArn: 'arn:aws:sqs:us-east-1:123456789012:q1' }))
  assert.deepEqual(names.RuleNames, ['with-targets'])
  await assert.rejects(h.client.send(new DeleteRuleCommand({ Name: 'with-targets' })), { name: 'ValidationException', message: 'Rule can\'t be deleted since it has targets.' })
  await h.client.send(new RemoveTargetsCommand({ Rule: 'with-targets', Ids: ['t'] }))
  await h.client.send(new DeleteRuleCommand({ Name: 'with-targets' }))
  await assert.rejects(h.client.send(new DescribeRuleCommand({ Name: 'with-targets' })), { name: 'ResourceNotFoundException', message: 'Rule with-targets does not exist on EventBus default.' })
})

test('rules survive a restart', async () => {
  await h.client.send(new PutRuleCommand({ Name: 'kept', EventPattern: '{"source":["k"]}', State: 'DISABLED' }))
  await h.restart()
  const rule = await h.client.send(new DescribeRuleCommand({ Name: 'kept' }))
  assert.equal(rule.State, 'DISABLED')
  assert.equal(rule.EventPattern, '{"source":["k"]}')
})
