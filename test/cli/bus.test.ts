/* eslint-disable @typescript-eslint/no-explicit-any -- answers read from the CLI's JSON output or decoded untyped from raw frames; tests check them field by field */
// `tributary bus ...` and `tributary status` against a real Tributary; rules,
// targets and archives are set up with the AWS SDK, as a user's application would.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand, CreateArchiveCommand } from '@aws-sdk/client-eventbridge'
import { BrokerProcess } from '../helpers/broker-process.js'
import { cliFor, json, jsonLines, runCli, type CliResult } from './cli-process.js'

let broker: BrokerProcess
let cli: ReturnType<typeof cliFor>
let aws: EventBridgeClient
let dir: string

before(async () => {
  broker = await BrokerProcess.start()
  cli = cliFor(broker)
  aws = new EventBridgeClient({ endpoint: broker.httpUrl, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } })
  dir = mkdtempSync(join(tmpdir(), 'tributary-cli-bus-'))
})
after(async () => {
  aws.destroy()
  await broker.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

function ok (result: CliResult): CliResult {
  assert.equal(result.status, 0, `exit ${result.status}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`)
  return result
}

test('list-buses, rules, describe-rule and targets show what the bus API holds', async () => {
  assert.match(ok(await cli(['bus', 'list-buses'])).stdout, /^default\s+arn:aws:events:[^:]+:\d+:event-bus\/default$/m)
  assert.deepEqual(json(ok(await cli(['bus', 'list-buses', '--json']))).map((b: any) => b.Name), ['default'])
  await aws.send(new PutRuleCommand({ Name: 'big-orders', EventPattern: JSON.stringify({ source: ['shop'], detail: { amount: [{ numeric: ['>', 100] }] } }) }))
  await aws.send(new PutTargetsCommand({ Rule: 'big-orders', Targets: [{ Id: 'to-topic', Arn: 'arn:aws:sqs:us-east-1:000000000000:big-orders' }] }))
  assert.match(ok(await cli(['bus', 'rules'])).stdout, /^big-orders\s+ENABLED\s+\{"source":\["shop"\]/m)
  assert.deepEqual(json(ok(await cli(['bus', 'rules', '--json']))).map((r: any) => r.Name), ['big-orders'])
  const rule = json(ok(await cli(['bus', 'describe-rule', 'big-orders', '--json'])))
  assert.equal(rule.State, 'ENABLED')
  assert.deepEqual(rule.Targets.map((t: any) => t.Id), ['to-topic'])
  assert.match(ok(await cli(['bus', 'describe-rule', 'big-orders'])).stdout, /^targets:\s+1$/m)
  assert.match(ok(await cli(['bus', 'targets', 'big-orders'])).stdout, /^to-topic\s+arn:aws:sqs:us-east-1:000000000000:big-orders/m)

  const noBus = await cli(['bus', 'watch', '--bus', 'ghost', '-n', '1'])
  assert.equal(noBus.status, 1)
  assert.match(noBus.stderr, /bus "ghost" does not exist/)
  const missing = await cli(['bus', 'describe-rule', 'ghost'])
  assert.equal(missing.status, 1)
  assert.match(missing.stderr, /ResourceNotFoundException: Rule ghost does not exist/)
})

test('put-events sends events that rules route and watch shows', async () => {
  ok(await cli(['topic', 'create', 'big-orders']))
  const sent = json(ok(await cli(['bus', 'put-events', '-s', 'shop', '-t', 'OrderPlaced', '-d', '{"amount":250}', '--json'])))
  assert.equal(sent.length, 1)
  assert.match(sent[0].eventId, /^[0-9a-f-]{36}$/)
  // The rule delivers the event to the topic; reading one record there waits for it.
  const delivered = jsonLines(ok(await cli(['consume', 'big-orders', '-n', '1'])))
  assert.equal(JSON.parse(delivered[0].value).id, sent[0].eventId)

  const file = join(dir, 'entries.json')
  writeFileSync(file, JSON.stringify([{ Source: 'shop', DetailType: 'OrderPlaced', Detail: { amount: 5 } }, { Source: 'shop', DetailType: 'OrderPlaced', Detail: { amount: 7 } }]))
  assert.match(ok(await cli(['bus', 'put-events', '--entries', file])).stdout, /^ENTRY\s+EVENT-ID\s+ERROR\n\s+0\s+[0-9a-f-]{36}\s+-\n\s+1\s+[0-9a-f-]{36}\s+-\n$/)

  // watch prints each event as indented JSON; with -n 1 that is one JSON document.
  const watched = json(ok(await cli(['bus', 'watch', '-o', 'start', '-n', '1', '--pattern', '{"detail":{"amount":[7]}}'])))
  assert.deepEqual(watched.value.detail, { amount: 7 })
  assert.equal(watched.topic, 'bus.default')

  const bad = await cli(['bus', 'put-events', '-s', 'shop', '-t', 'X', '-d', 'not json'])
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /invalid --detail/)
})

test('test-pattern says match or no match and which fields decided it', async () => {
  const pattern = '{"source":["shop"],"detail":{"amount":[{"numeric":[">",100]}]}}'
  const yes = ok(await cli(['bus', 'test-pattern', pattern, '{"source":"shop","detail":{"amount":250}}']))
  assert.match(yes.stdout, /^match\n {2}✓ source: pattern \["shop"\], event has "shop"\n {2}✓ detail\.amount: /)
  const no = json(ok(await cli(['bus', 'test-pattern', pattern, '{"source":"shop","detail":{"amount":5}}', '--json'])))
  assert.equal(no.matched, false)
  assert.deepEqual(no.fields.map((f: any) => [f.field, f.matched, f.eventValue]), [['source', true, 'shop'], ['detail.amount', false, 5]])
  const absent = ok(await cli(['bus', 'test-pattern', pattern, '{"source":"shop"}'])).stdout
  assert.match(absent, /✗ detail\.amount: .*the event has no such field/)

  const invalid = await cli(['bus', 'test-pattern', '{"source":"shop"}', '{}'])
  assert.equal(invalid.status, 2)
  assert.match(invalid.stderr, /invalid pattern: .*"source" must be an object or an array/)
})

test('archives lists archives and replay --wait replays a window to completion', async () => {
  await aws.send(new CreateArchiveCommand({ ArchiveName: 'everything', EventSourceArn: 'arn:aws:events:us-east-1:000000000000:event-bus/default' }))
  const from = new Date(Date.now() - 60_000).toISOString()
  ok(await cli(['bus', 'put-events', '-s', 'archived', '-t', 'T', '-d', '{"n":1}']))
  const archived = json(ok(await cli(['bus', 'archives', '--json'])))
  assert.deepEqual(archived.map((a: any) => a.ArchiveName), ['everything'])
  assert.match(ok(await cli(['bus', 'archives'])).stdout, /^everything\s+ENABLED\s+arn:aws:events/m)
  const replayed = json(ok(await cli(['bus', 'replay', '--archive', 'everything', '--from', from, '--to', '+1m', '--name', 'r1', '--wait', '--json'])))
  assert.equal(replayed.State, 'COMPLETED')
  const badTime = await cli(['bus', 'replay', '--archive', 'everything', '--from', 'last tuesday'])
  assert.equal(badTime.status, 2)
  assert.match(badTime.stderr, /invalid --from/)
})

test('status reports topics, groups and lag, rules and failed deliveries', async () => {
  ok(await cli(['topic', 'create', 'dlq']))
  await aws.send(new PutRuleCommand({ Name: 'doomed', EventPattern: JSON.stringify({ source: ['doomed'] }) }))
  await aws.send(new PutTargetsCommand({
    Rule: 'doomed',
    Targets: [{ Id: 'nowhere', Arn: 'http://127.0.0.1:9/', RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 }, DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:dlq' } }]
  }))
  ok(await cli(['bus', 'put-events', '-s', 'doomed', '-t', 'T']))
  ok(await cli(['consume', 'dlq', '-n', '1'])) // waits for the dead letter
  ok(await cli(['consume', 'big-orders', '-g', 'status-group', '-n', '1']))
  const status = json(ok(await cli(['status', '--json'])))
  assert.equal(status.version, '0.1.0')
  assert.deepEqual(status.listeners.kafka, [broker.bootstrap])
  assert.equal(status.topics, json(ok(await cli(['topic', 'list', '--json']))).length)
  assert.equal(status.groups, 1)
  assert.equal(status.totalLag, 0)
  assert.deepEqual(status.bus, { buses: 1, rules: 2, failedDeliveries: 1 })
  const text = ok(await cli(['status'])).stdout
  assert.match(text, /^bus:\s+1 bus, 2 rules, 1 failed delivery$/m)
  assert.match(text, /^groups:\s+1 \(total lag 0\)$/m)

  const down = await runCli(['status', '--endpoint', 'http://127.0.0.1:9', '--brokers', '127.0.0.1:9'])
  assert.equal(down.status, 1)
  assert.match(down.stderr, /is `tributary start` running\?/)
})
