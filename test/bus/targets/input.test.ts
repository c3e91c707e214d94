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
  const out = renderTemplate('{"id": <id>, "name": <name>, "tags": <tags>, "nested": <nested>, "nothing": <nothing>}', paths, ctx)
  assert.deepEqual(JSON.parse(out), { id: 7, name: 'say "hi"\n', tags: ['a', 'b'], nested: { k: 'v' }, nothing: null })
})

test('a missing path becomes an empty string, inside quotes or out (AWS does not write null)', () => {
  assert.equal(renderTemplate('{"empty": "<missing>", "bare": <missing>}', paths, ctx), '{"empty": "", "bare": }')
  assert.equal(renderTemplate('order <missing>!', paths, ctx), 'order !')
})

test('inside quotes strings are escaped, and objects and lists take AWS\'s unquoted form', () => {
  const out = renderTemplate('{"text": "<name> has id <id> and <nested>", "list": "tags: <tags>"}', paths, ctx)
  assert.deepEqual(JSON.parse(out), { text: 'say "hi"\n has id 7 and {k:v}', list: 'tags: [a,b]' })
})

test('AWS\'s documented unquoted forms: an object, a one-element list and a two-element list inside strings', () => {
  const e = { ...event, detail: { ids: { acc_id: '0a787ecb-4015', sf_id: 'baz' }, one: ['HIGH'], two: ['ACTIVE', 'INACTIVE'] } }
  const c = { ...ctx, event: e, eventText: JSON.stringify(e) }
  const out = renderTemplate('{"a": "<ids>", "b": "<one>", "c": "<two>"}', { ids: '$.detail.ids', one: '$.detail.one', two: '$.detail.two' }, c)
  assert.deepEqual(JSON.parse(out), { a: '{acc_id:0a787ecb-4015,sf_id:baz}', b: '[HIGH]', c: '[ACTIVE,INACTIVE]' })
})

test('a multi-line template of quoted strings gets the unquoted form too', () => {
  const out = renderTemplate('"Order <id> tags <tags>"\n"Nested <nested>"', paths, ctx)
  assert.equal(out, '"Order 7 tags [a,b]"\n"Nested {k:v}"')
})

test('an object template whose result is not JSON is an invalid transformed input, not delivered', () => {
  const target = { Id: 'bad', Arn: 'a', InputTransformer: { InputPathsMap: paths, InputTemplate: '{"bare": <missing>}' } }
  assert.throws(() => renderTargetInput(target, ctx), { name: 'DeliveryError', errorCode: 'InvalidTransformedInput', retryable: false })
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
  assert.equal(out.e.detailType, 'Order Created', 'AWS names it detailType there')
  assert.equal(out.e['detail-type'], undefined)
  const { 'detail-type': detailType, ...rest } = event
  assert.deepEqual(out.full, { ...rest, detailType })
})

test('angle brackets that are not variables are left alone, and escaped quotes do not flip the string state', () => {
  const out = renderTemplate('{"a": "x \\" <id>", "b": "<notvar>", "c": <id>}', paths, ctx)
  assert.deepEqual(JSON.parse(out), { a: 'x " 7', b: '<notvar>', c: 7 })
})
