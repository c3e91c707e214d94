import { test } from 'node:test'
import assert from 'node:assert/strict'
import { resolveTargetArn } from '../../../src/bus/targets/resolve.js'

test('queue, topic and stream ARNs become Tributary topics of the same name', () => {
  assert.deepEqual(resolveTargetArn('arn:aws:sqs:us-east-1:123456789012:orders'), { kind: 'topic', topic: 'orders' })
  assert.deepEqual(resolveTargetArn('arn:aws:sqs:us-east-1:123456789012:orders.fifo'), { kind: 'topic', topic: 'orders.fifo' })
  assert.deepEqual(resolveTargetArn('arn:aws:sns:us-east-1:123456789012:fanout'), { kind: 'topic', topic: 'fanout' })
  assert.deepEqual(resolveTargetArn('arn:aws:kinesis:us-east-1:123456789012:stream/clicks'), { kind: 'topic', topic: 'clicks' })
})

test('Lambda functions, API destinations, buses and URLs resolve to their kinds', () => {
  assert.deepEqual(resolveTargetArn('arn:aws:lambda:us-east-1:123456789012:function:notify'), { kind: 'function', name: 'notify' })
  assert.deepEqual(resolveTargetArn('arn:aws:lambda:us-east-1:123456789012:function:notify:live'), { kind: 'function', name: 'notify' })
  assert.deepEqual(resolveTargetArn('arn:aws:events:us-east-1:123456789012:api-destination/crm/0d1f'), { kind: 'apiDestination', name: 'crm' })
  assert.deepEqual(resolveTargetArn('arn:aws:events:us-east-1:123456789012:event-bus/audit'), { kind: 'bus', busName: 'audit' })
  assert.deepEqual(resolveTargetArn('http://localhost:3000/hook'), { kind: 'url', url: 'http://localhost:3000/hook' })
})

test('ARNs with no local equivalent resolve to nothing', () => {
  assert.equal(resolveTargetArn('arn:aws:ecs:us-east-1:123456789012:cluster/c'), null)
  assert.equal(resolveTargetArn('not an arn'), null)
})
