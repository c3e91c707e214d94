// The bus's EventBridge-named metrics after known PutEvents through the real
// HTTP API (AWS SDK client) of a Tributary built by the composition root.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge'
import { eventually, startTributary, type RunningTributary } from './tributary-harness.js'
import { sampleValue, type Family } from './prometheus-text.js'
import { TargetServer } from '../bus/harness.js'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

describe('bus metrics with EventBridge\'s names', () => {
  let t: RunningTributary
  let client: EventBridgeClient
  const refusing = new TargetServer()

  before(async () => {
    t = await startTributary()
    // Created up front: concurrent first deliveries racing to create a target's topic fail
    // and are retried (a bus issue of its own), which would add attempts to the counts.
    await t.app.components.log.createTopic('big-orders', 1)
    client = new EventBridgeClient({ region: 'us-east-1', endpoint: t.httpUrl, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 })
    await client.send(new PutRuleCommand({ Name: 'big-orders', EventPattern: JSON.stringify({ source: ['shop'], detail: { total: [{ numeric: ['>', 100] }] } }) }))
    await client.send(new PutTargetsCommand({ Rule: 'big-orders', Targets: [{ Id: 'queue', Arn: 'arn:aws:sqs:us-east-1:000000000000:big-orders' }] }))
    await client.send(new PutRuleCommand({ Name: 'no-targets', EventPattern: JSON.stringify({ source: ['shop'] }) }))
  })

  after(async () => {
    client?.destroy()
    await t?.close()
    await refusing.close()
  })

  test('three matching events delivered to a topic target count as three matches, triggers, attempts and invocations', async () => {
    const entries = [150, 200, 50, 300].map(total => ({ Source: 'shop', DetailType: 'order', Detail: JSON.stringify({ total }) }))
    const put = await client.send(new PutEventsCommand({ Entries: entries }))
    assert.equal(put.FailedEntryCount, 0)
    // The target topic receives the three big orders; the counters follow each delivery.
    let m = new Map<string, Family>()
    const labels = { bus: 'default', rule: 'big-orders' }
    await eventually('three invocations of big-orders', async () => {
      m = await t.scrape()
      return sampleValue(m, 'tributary_bus_invocations_total', labels) === 3
    })
    assert.equal(t.app.components.log.partition('big-orders', 0)?.highWatermark, 3)
    assert.equal(sampleValue(m, 'tributary_bus_matched_events_total', labels), 3)
    assert.equal(sampleValue(m, 'tributary_bus_triggered_rules_total', labels), 3)
    assert.equal(sampleValue(m, 'tributary_bus_invocation_attempts_total', labels), 3)
    assert.equal(sampleValue(m, 'tributary_bus_failed_invocations_total', labels), undefined)
    assert.equal(sampleValue(m, 'tributary_bus_dead_letter_invocations_total', labels), undefined)
    assert.equal(sampleValue(m, 'tributary_bus_ingestion_to_invocation_start_latency_seconds_count', labels), 3)
    // A rule without targets matches all four events but triggers nothing.
    const idle = { bus: 'default', rule: 'no-targets' }
    assert.equal(sampleValue(m, 'tributary_bus_matched_events_total', idle), 4)
    assert.equal(sampleValue(m, 'tributary_bus_triggered_rules_total', idle), undefined)
    assert.equal(sampleValue(m, 'tributary_bus_invocations_total', idle), undefined)
  })

  test('a target that refuses for good counts a failed invocation, and a dead-letter one when it has a queue', async () => {
    refusing.respond = () => 400 // a client error: not retried
    await refusing.start()
    await t.app.components.log.createTopic('refused-dlq', 1)
    await client.send(new PutRuleCommand({ Name: 'refunds', EventPattern: JSON.stringify({ source: ['refunds'] }) }))
    await client.send(new PutTargetsCommand({
      Rule: 'refunds',
      Targets: [
        { Id: 'with-dlq', Arn: `${refusing.url}/a`, DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:refused-dlq' } },
        { Id: 'without', Arn: `${refusing.url}/b` }
      ]
    }))
    await client.send(new PutEventsCommand({ Entries: [{ Source: 'refunds', DetailType: 'refund', Detail: '{}' }] }))
    const labels = { bus: 'default', rule: 'refunds' }
    let m = new Map<string, Family>()
    await eventually('two invocations of refunds', async () => {
      m = await t.scrape()
      return sampleValue(m, 'tributary_bus_invocations_total', labels) === 2
    })
    assert.equal(sampleValue(m, 'tributary_bus_matched_events_total', labels), 1)
    assert.equal(sampleValue(m, 'tributary_bus_invocation_attempts_total', labels), 2)
    assert.equal(sampleValue(m, 'tributary_bus_failed_invocations_total', labels), 2)
    assert.equal(sampleValue(m, 'tributary_bus_dead_letter_invocations_total', labels), 1)
    assert.equal(t.app.components.log.partition('refused-dlq', 0)?.highWatermark, 1)
  })
})
