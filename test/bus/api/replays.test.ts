import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  CancelReplayCommand, CreateArchiveCommand, CreateEventBusCommand, DescribeReplayCommand, ListReplaysCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand, StartReplayCommand,
} from '@aws-sdk/client-eventbridge'
import { eventually, startBus, TargetServer } from '../harness.js'

const BUS_ARN = 'arn:aws:events:us-east-1:123456789012:event-bus/default'
const ARCHIVE_ARN = 'arn:aws:events:us-east-1:123456789012:archive/all'

test('a replay re-delivers the archived events of its time window, marked with replay-name, and does not archive them again', async (t) => {
  const h = await startBus()
  const target = await new TargetServer().start()
  t.after(async () => { await target.close(); await h.close() })
  await h.client.send(new CreateArchiveCommand({ ArchiveName: 'all', EventSourceArn: BUS_ARN }))
  await h.client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["orders"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'hook', Arn: target.url }] }))
  const at = (s: string): Date => new Date(`2024-03-01T${s}Z`)
  await h.client.send(new PutEventsCommand({
    Entries: [
      { Source: 'orders', DetailType: 'd', Detail: '{"n":1}', Time: at('10:00:00') },
      { Source: 'orders', DetailType: 'd', Detail: '{"n":2}', Time: at('11:00:00') },
      { Source: 'orders', DetailType: 'd', Detail: '{"n":3}', Time: at('12:00:00') },
    ]
  }))
  await target.waitFor(3)
  await eventually(async () => (await h.readTopic('__bus.archive.all')).length === 3 || undefined)

  const started = await h.client.send(new StartReplayCommand({
    ReplayName: 'window', EventSourceArn: ARCHIVE_ARN, EventStartTime: at('10:30:00'), EventEndTime: at('12:30:00'), Destination: { Arn: BUS_ARN },
  }))
  assert.equal(started.State, 'STARTING')
  assert.equal(started.ReplayArn, 'arn:aws:events:us-east-1:123456789012:replay/window')
  await target.waitFor(5)
  const replayed = target.received.slice(3).map(r => JSON.parse(r.body))
  assert.deepEqual(replayed.map(e => e.detail.n).sort(), [2, 3])
  assert.ok(replayed.every(e => e['replay-name'] === 'window'))
  const done = await eventually(async () => {
    const d = await h.client.send(new DescribeReplayCommand({ ReplayName: 'window' }))
    return d.State === 'COMPLETED' ? d : undefined
  })
  assert.deepEqual(done.EventLastReplayedTime, at('12:00:00'))
  await eventually(() => h.bus.dispatcher('default')!.committedOffset >= 5 || undefined)
  assert.equal((await h.readTopic('__bus.archive.all')).length, 3)
  assert.deepEqual((await h.client.send(new ListReplaysCommand({}))).Replays!.map(r => r.ReplayName), ['window'])
  assert.equal(target.received.length, 5)
})

test('FilterArns limits a replay to the listed rules', async (t) => {
  const h = await startBus()
  t.after(() => h.close())
  await h.client.send(new CreateArchiveCommand({ ArchiveName: 'all', EventSourceArn: BUS_ARN }))
  const { RuleArn } = await h.client.send(new PutRuleCommand({ Name: 'a', EventPattern: '{"source":["s"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'a', Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:123456789012:qa' }] }))
  await h.client.send(new PutRuleCommand({ Name: 'b', EventPattern: '{"source":["s"]}' }))
  await h.client.send(new PutTargetsCommand({ Rule: 'b', Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:123456789012:qb' }] }))
  await h.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }))
  await eventually(async () => (await h.readTopic('__bus.archive.all')).length === 1 || undefined)
  await h.client.send(new StartReplayCommand({
    ReplayName: 'only-a', EventSourceArn: ARCHIVE_ARN, EventStartTime: new Date(Date.now() - 3_600_000), EventEndTime: new Date(Date.now() + 60_000), Destination: { Arn: BUS_ARN, FilterArns: [RuleArn!] },
  }))
  await eventually(async () => (await h.readTopic('qa')).length === 2 || undefined)
  await eventually(async () => (await h.client.send(new DescribeReplayCommand({ ReplayName: 'only-a' }))).State === 'COMPLETED' || undefined)
  await eventually(() => h.bus.dispatcher('default')!.committedOffset >= 2 || undefined)
  assert.equal((await h.readTopic('qb')).length, 1)
})

test('StartReplay checks its window, its destination and its name', async (t) => {
  const h = await startBus()
  t.after(() => h.close())
  await h.client.send(new CreateArchiveCommand({ ArchiveName: 'all', EventSourceArn: BUS_ARN }))
  await h.client.send(new CreateEventBusCommand({ Name: 'other' }))
  const base = { EventSourceArn: ARCHIVE_ARN, Destination: { Arn: BUS_ARN } }
  await assert.rejects(h.client.send(new StartReplayCommand({ ...base, ReplayName: 'x', EventStartTime: new Date(2000), EventEndTime: new Date(1000) })), {
    name: 'ValidationException', message: 'Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.',
  })
  await assert.rejects(h.client.send(new StartReplayCommand({ ...base, ReplayName: 'x', EventStartTime: new Date(1000), EventEndTime: new Date(2000), Destination: { Arn: 'arn:aws:events:us-east-1:123456789012:event-bus/other' } })), {
    name: 'ValidationException', message: 'Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.',
  })
  await h.client.send(new StartReplayCommand({ ...base, ReplayName: 'once', EventStartTime: new Date(1000), EventEndTime: new Date(2000) }))
  await assert.rejects(h.client.send(new StartReplayCommand({ ...base, ReplayName: 'once', EventStartTime: new Date(1000), EventEndTime: new Date(2000) })), { name: 'ResourceAlreadyExistsException' })
})

test('a finished replay cannot be cancelled', async (t) => {
  const h = await startBus()
  t.after(() => h.close())
  await h.client.send(new CreateArchiveCommand({ ArchiveName: 'all', EventSourceArn: BUS_ARN }))
  await h.client.send(new StartReplayCommand({ ReplayName: 'quick', EventSourceArn: ARCHIVE_ARN, EventStartTime: new Date(1000), EventEndTime: new Date(2000), Destination: { Arn: BUS_ARN } }))
  await h.bus.replays.settled('quick')
  assert.equal((await h.client.send(new DescribeReplayCommand({ ReplayName: 'quick' }))).State, 'COMPLETED')
  await assert.rejects(h.client.send(new CancelReplayCommand({ ReplayName: 'quick' })), { name: 'IllegalStatusException' })
})
