import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { CreateArchiveCommand, DeleteArchiveCommand, DescribeArchiveCommand, ListArchivesCommand, PutEventsCommand, UpdateArchiveCommand } from '@aws-sdk/client-eventbridge'
import { eventually, startBus, type BusHarness } from '../harness.js'

const BUS_ARN = 'arn:aws:events:us-east-1:123456789012:event-bus/default'
let h: BusHarness
before(async () => { h = await startBus() })
after(async () => { await h.close() })

test('an archive keeps the events of its bus that match its pattern', async () => {
  const created = await h.client.send(new CreateArchiveCommand({ ArchiveName: 'orders', EventSourceArn: BUS_ARN, EventPattern: '{"source":["orders"]}', RetentionDays: 7 }))
  assert.equal(created.ArchiveArn, 'arn:aws:events:us-east-1:123456789012:archive/orders')
  assert.equal(created.State, 'ENABLED')
  await h.client.send(new PutEventsCommand({
    Entries: [
      { Source: 'orders', DetailType: 'd', Detail: '{"n":1}' },
      { Source: 'other', DetailType: 'd', Detail: '{"n":2}' },
      { Source: 'orders', DetailType: 'd', Detail: '{"n":3}' },
    ]
  }))
  const described = await eventually(async () => {
    const d = await h.client.send(new DescribeArchiveCommand({ ArchiveName: 'orders' }))
    return d.EventCount === 2 ? d : undefined
  })
  assert.equal(described.RetentionDays, 7)
  assert.equal(described.EventPattern, '{"source":["orders"]}')
  assert.ok(described.SizeBytes! > 0)
  const archived = await h.readTopic('__bus.archive.orders')
  assert.deepEqual(archived.map(r => JSON.parse(r.value!.toString()).detail.n), [1, 3])
})

test('UpdateArchive changes the pattern and retention', async () => {
  await h.client.send(new UpdateArchiveCommand({ ArchiveName: 'orders', RetentionDays: 0, Description: 'all time' }))
  const d = await h.client.send(new DescribeArchiveCommand({ ArchiveName: 'orders' }))
  assert.equal(d.RetentionDays, 0)
  assert.equal(d.Description, 'all time')
})

test('archives are listed by prefix and by source', async () => {
  await h.client.send(new CreateArchiveCommand({ ArchiveName: 'everything', EventSourceArn: BUS_ARN }))
  const list = await h.client.send(new ListArchivesCommand({ EventSourceArn: BUS_ARN }))
  assert.deepEqual(list.Archives!.map(a => a.ArchiveName), ['everything', 'orders'])
  assert.deepEqual((await h.client.send(new ListArchivesCommand({ NamePrefix: 'ord' }))).Archives!.map(a => a.ArchiveName), ['orders'])
})

test('an archive of a missing bus, a duplicate, or a bad pattern is refused', async () => {
  await assert.rejects(h.client.send(new CreateArchiveCommand({ ArchiveName: 'x', EventSourceArn: 'arn:aws:events:us-east-1:123456789012:event-bus/none' })), { name: 'ResourceNotFoundException' })
  await assert.rejects(h.client.send(new CreateArchiveCommand({ ArchiveName: 'orders', EventSourceArn: BUS_ARN })), { name: 'ResourceAlreadyExistsException' })
  await assert.rejects(h.client.send(new CreateArchiveCommand({ ArchiveName: 'y', EventSourceArn: BUS_ARN, EventPattern: '{"source":"x"}' })), { name: 'InvalidEventPatternException' })
})

test('DeleteArchive removes it and its topic', async () => {
  await h.client.send(new DeleteArchiveCommand({ ArchiveName: 'everything' }))
  await assert.rejects(h.client.send(new DescribeArchiveCommand({ ArchiveName: 'everything' })), { name: 'ResourceNotFoundException', message: 'Archive everything does not exist.' })
  assert.equal(h.log.topic('__bus.archive.everything'), undefined)
})
