import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { CreateEventBusCommand, ListTagsForResourceCommand, PutRuleCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-eventbridge'
import { startBus, type BusHarness } from '../harness.js'

let h: BusHarness
before(async () => { h = await startBus() })
after(async () => { await h.close() })

test('tags given at creation and by TagResource are listed, and UntagResource removes them', async () => {
  const { EventBusArn } = await h.client.send(new CreateEventBusCommand({ Name: 'tagged', Tags: [{ Key: 'team', Value: 'a' }] }))
  await h.client.send(new TagResourceCommand({ ResourceARN: EventBusArn, Tags: [{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'b' }] }))
  const tags = await h.client.send(new ListTagsForResourceCommand({ ResourceARN: EventBusArn }))
  assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'b' }, { Key: 'env', Value: 'dev' }])
  await h.client.send(new UntagResourceCommand({ ResourceARN: EventBusArn, TagKeys: ['team'] }))
  assert.deepEqual((await h.client.send(new ListTagsForResourceCommand({ ResourceARN: EventBusArn }))).Tags, [{ Key: 'env', Value: 'dev' }])
})

test('rules are taggable by their ARN', async () => {
  const { RuleArn } = await h.client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["a"]}', Tags: [{ Key: 'k', Value: 'v' }] }))
  assert.deepEqual((await h.client.send(new ListTagsForResourceCommand({ ResourceARN: RuleArn }))).Tags, [{ Key: 'k', Value: 'v' }])
})

test('tagging something that does not exist is ResourceNotFoundException', async () => {
  await assert.rejects(h.client.send(new TagResourceCommand({ ResourceARN: 'arn:aws:events:us-east-1:123456789012:rule/none', Tags: [{ Key: 'a', Value: 'b' }] })), { name: 'ResourceNotFoundException' })
})
