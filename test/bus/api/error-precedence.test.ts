// Which error AWS answers when a request is wrong in more than one way, or in a
// way that could be reported as more than one error (EventBridge API reference:
// ListArchives, UpdateArchive, StartReplay).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { CreateArchiveCommand, CreateEventBusCommand, ListArchivesCommand, StartReplayCommand, UpdateArchiveCommand } from '@aws-sdk/client-eventbridge'
import { startBus, type BusHarness } from '../harness.js'

const BUS = (name: string): string => `arn:aws:events:us-east-1:123456789012:event-bus/${name}`
const ARCHIVE = (name: string): string => `arn:aws:events:us-east-1:123456789012:archive/${name}`
const WINDOW = { EventStartTime: new Date(1000), EventEndTime: new Date(2000) }

let h: BusHarness
before(async () => {
  h = await startBus()
  await h.client.send(new CreateArchiveCommand({ ArchiveName: 'kept', EventSourceArn: BUS('default') }))
  await h.client.send(new CreateEventBusCommand({ Name: 'elsewhere' }))
})
after(async () => { await h.close() })

test('ListArchives filtered by a bus that does not exist says the bus does not exist', async () => {
  await assert.rejects(h.client.send(new ListArchivesCommand({ EventSourceArn: BUS('nowhere') })), {
    name: 'ResourceNotFoundException', message: 'Event bus nowhere does not exist.',
  })
})

test('UpdateArchive with nothing to update is refused before the archive is looked up', async () => {
  await assert.rejects(h.client.send(new UpdateArchiveCommand({ ArchiveName: 'no-such-archive' })), {
    name: 'ValidationException', message: 'At least one of EventPattern, RetentionDays or Description must be provided.',
  })
  await assert.rejects(h.client.send(new UpdateArchiveCommand({ ArchiveName: 'kept' })), {
    name: 'ValidationException', message: 'At least one of EventPattern, RetentionDays or Description must be provided.',
  })
})

test('StartReplay from an archive that does not exist is a ValidationException on EventSourceArn', async () => {
  await assert.rejects(h.client.send(new StartReplayCommand({ ReplayName: 'r1', EventSourceArn: ARCHIVE('gone'), Destination: { Arn: BUS('default') }, ...WINDOW })), {
    name: 'ValidationException', message: 'Parameter EventSourceArn is not valid. Reason: Archive gone does not exist.',
  })
})

test('StartReplay to a bus that does not exist says so before refusing a cross-bus replay', async () => {
  await assert.rejects(h.client.send(new StartReplayCommand({ ReplayName: 'r2', EventSourceArn: ARCHIVE('kept'), Destination: { Arn: BUS('nowhere') }, ...WINDOW })), {
    name: 'ResourceNotFoundException', message: 'Event bus nowhere does not exist.',
  })
  await assert.rejects(h.client.send(new StartReplayCommand({ ReplayName: 'r3', EventSourceArn: ARCHIVE('kept'), Destination: { Arn: BUS('elsewhere') }, ...WINDOW })), {
    name: 'ValidationException', message: 'Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.',
  })
})
