import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { ListTargetsByRuleCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge'
import { startBus, type BusHarness } from '../harness.js'
import { at } from '../../helpers/at.js'

let h: BusHarness
before(async () => {
  h = await startBus()
  await h.client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["a"]}' }))
})
after(async () => { await h.close() })

const queue = (n: string): string => `arn:aws:sqs:us-east-1:123456789012:${n}`

test('PutTargets stores targets with their options and ListTargetsByRule answers them', async () => {
  const put = await h.client.send(new PutTargetsCommand({
    Rule: 'r',
    Targets: [
      { Id: 'q', Arn: queue('q'), RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 60 }, DeadLetterConfig: { Arn: queue('dlq') } },
      { Id: 't', Arn: queue('t'), InputTransformer: { InputPathsMap: { id: '$.detail.id' }, InputTemplate: '{"id": <id>}' } },
    ],
  }))
  assert.equal(put.FailedEntryCount, 0)
  const list = await h.client.send(new ListTargetsByRuleCommand({ Rule: 'r' }))
  assert.deepEqual(list.Targets!.map(t => t.Id), ['q', 't'])
  assert.deepEqual(at(list.Targets ?? [], 0).RetryPolicy, { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 60 })
  assert.equal(at(list.Targets ?? [], 1).InputTransformer!.InputTemplate, '{"id": <id>}')
})

test('PutTargets with an existing Id replaces that target', async () => {
  await h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'q', Arn: queue('q2') }] }))
  const list = await h.client.send(new ListTargetsByRuleCommand({ Rule: 'r' }))
  assert.equal(list.Targets!.find(t => t.Id === 'q')!.Arn, queue('q2'))
})

test('more than five targets on a rule is LimitExceededException', async () => {
  const targets = ['a', 'b', 'c', 'd'].map(id => ({ Id: id, Arn: queue(id) }))
  await assert.rejects(h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: targets })), { name: 'LimitExceededException' })
})

test('two input forms on one target are refused', async () => {
  await assert.rejects(h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'x', Arn: queue('x'), Input: '{}', InputPath: '$.detail' }] })), {
    name: 'ValidationException', message: 'Only one of Input, InputPath, or InputTransformer must be provided for target x',
  })
})

test('retry bounds are checked naming the member path', async () => {
  await assert.rejects(h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'x', Arn: queue('x'), RetryPolicy: { MaximumRetryAttempts: 186 } }] })), {
    name: 'ValidationException', message: /at 'targets.1.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185/,
  })
  await assert.rejects(h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'x', Arn: queue('x'), RetryPolicy: { MaximumEventAgeInSeconds: 10 } }] })), {
    name: 'ValidationException', message: /'targets.1.member.retryPolicy.maximumEventAgeInSeconds'.*greater than or equal to 60/,
  })
})

test('a target id with a space is refused naming targets.N.member.id', async () => {
  await assert.rejects(h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'a b', Arn: queue('x') }] })), {
    name: 'ValidationException', message: /Value 'a b' at 'targets.1.member.id' failed to satisfy constraint/,
  })
})

test('targets on a missing rule are ResourceNotFoundException', async () => {
  await assert.rejects(h.client.send(new PutTargetsCommand({ Rule: 'nope', Targets: [{ Id: 'x', Arn: queue('x') }] })), { name: 'ResourceNotFoundException' })
})

test('RemoveTargets removes by id', async () => {
  await h.client.send(new RemoveTargetsCommand({ Rule: 'r', Ids: ['t'] }))
  const list = await h.client.send(new ListTargetsByRuleCommand({ Rule: 'r' }))
  assert.deepEqual(list.Targets!.map(t => t.Id), ['q'])
})
