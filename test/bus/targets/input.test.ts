import { test } from 'node:test'
import assert from 'node:assert/strict'
import { renderTargetInput, renderTemplate, type InputContext } from '../../../src/bus/targets/input.js'
import type { EventEnvelope } from '../../../src/bus/model.js'

const event: EventEnvelope = {
  version: '0',
  id: 'e1',
  'detail-type': 'Order Created',
  source: 'orders',
  account: '1',
  time: '2024-01-01T00:00:00Z',
  region: 'r',
  resources: [],
  detail: { id: 7, name: 'say "hi"\n', tags: ['a', 'b'], nested: { k: 'v' }, nothing: null },
}
const ctx: InputContext = { event, eventText: JSON.stringify(event), ruleArn: 'arn:rule', ruleName: 'rule', ingestionTime: '2024-01-01T00:00:01.000Z' }
const paths = { id: '$.detail.id', name: '$.detail.name', tags: '$.detail.tags', nested: '$.detail.nested', nothing: '$.detail.nothing', missing: '$.detail.missing' }

test('without Input options the target receives the event as stored', () => {
  assert.equal(renderTargetInput({ Id: 't', Arn: 'a' }, ctx), ctx.eventText)
})

test('Input is sent as is and InputPath selects part of the event', () => {
  assert.equal(renderTargetInput({ Id: 't', Arn: 'a', Input: '{"c":1}' }, ctx), '{"c":1}')
  assert.equal(renderTargetInput({ Id: 't', Arn: 'a', InputPath: '$.detail.nested' }, ctx), '{"k":"v"}')
  assert.equal(renderTargetInput({ Id: 't', Arn: 'a', InputPath: '$.detail.tags[1]' }, ctx), '"b"')
})

test('outside quotes values are written as JSON; strings get their quotes', () => {
  const out = renderTemplate('{"id": <id>, "name": <name>, "tags": <tags>, "nested": <nested>, "nothing": <nothing>, "missing": <missing>}', paths, ctx)
  assert.deepEqual(JSON.parse(out), { id: 7, name: 'say "hi"\n', tags: ['a', 'b'], nested: { k: 'v' }, nothing: null, missing: null })
})

test('inside quotes values are escaped so the JSON stays valid', () => {
  const out = renderTemplate('{"text": "<name> has id <id> and <nested>", "empty": "<missing>"}', paths, ctx)
  assert.deepEqual(JSON.parse(out), { text: 'say "hi"\n has id 7 and {"k":"v"}', empty: '' })
})

test('a quoted string template stays one valid JSON string', () => {
  const out = renderTemplate('"Order <id> by <name>"', paths, ctx)
  assert.equal(JSON.parse(out), 'Order 7 by say "hi"\n')
})

test('a free-text template gets raw values', () => {
  assert.equal(renderTemplate('order <id> tags <tags>', paths, ctx), 'order 7 tags ["a","b"]')
})

test('the predefined aws.events variables are available', () => {
  const out = JSON.parse(renderTemplate('{"arn": "<aws.events.rule-arn>", "name": <aws.events.rule-name>, "at": "<aws.events.event.ingestion-time>", "e": <aws.events.event>, "full": <aws.events.event.json>}', {}, ctx))
  assert.equal(out.arn, 'arn:rule')
  assert.equal(out.name, 'rule')
  assert.equal(out.at, '2024-01-01T00:00:01.000Z')
  assert.equal(out.e.detail, undefined)
  assert.equal(out.e.id, 'e1')
  assert.deepEqual(out.full, event)
})

test('angle brackets that are not variables are left alone, and escaped quotes do not flip the string state', () => {
  const out = renderTemplate('{"a": "x \\" <id>", "b": "<notvar>", "c": <id>}', paths, ctx)
  assert.deepEqual(JSON.parse(out), { a: 'x " 7', b: '<notvar>', c: 7 })
})
