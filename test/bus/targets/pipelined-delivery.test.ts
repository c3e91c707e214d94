// Deliveries to topic targets are pipelined: a step's appends are written, the dispatcher reads on
// while their fsyncs run, and its committed cursor passes an event only once every target partition
// the event went to is durable. These tests hold one target's fsyncs open by hand (a file system
// whose sync waits on a gate), so what happens meanwhile is deterministic.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge'
import { ACCOUNT, REGION, eventually, startBus, type BusHarness } from '../harness.js'
import { FaultyFs, realFs, type FileHandle } from '../../../src/log/fs.js'
import { LogManager } from '../../../src/log/index.js'
import { EventBus } from '../../../src/bus/index.js'
import { BusStorage } from '../../../src/bus/storage.js'

const queue = (n: string): string => `arn:aws:sqs:us-east-1:123456789012:${n}`

/** FaultyFs (for the power cut) whose fsyncs of matching files wait until released. */
class HeldSyncFs extends FaultyFs {
  private gate: Promise<void> | null = null
  private open_ = (): void => {}
  heldSyncs = 0

  constructor (private readonly held: (path: string) => boolean) { super(realFs) }

  hold (): void { this.gate = new Promise(resolve => { this.open_ = resolve }) }
  release (): void { this.gate = null; this.open_() }

  override async open (path: string, create: boolean): Promise<FileHandle> {
    const fh = await super.open(path, create)
    if (!this.held(path)) return fh
    return {
      writev: async (buffers, position) => await fh.writev(buffers, position),
      read: async (buffer, offset, length, position) => await fh.read(buffer, offset, length, position),
      sync: async () => {
        if (this.gate !== null) { this.heldSyncs++; await this.gate }
        await fh.sync()
      },
      truncate: async (length) => await fh.truncate(length),
      size: async () => await fh.size(),
      close: async () => await fh.close(),
    }
  }
}

async function twoQueues (h: BusHarness): Promise<void> {
  for (const name of ['slow', 'fast']) {
    await h.client.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ 'detail-type': [name] }) }))
    await h.client.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'q', Arn: queue(`${name}-queue`) }] }))
  }
  // Both target topics exist (created at their first delivery) before any fsync is held.
  await h.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'slow', Detail: '{"n":0}' }, { Source: 's', DetailType: 'fast', Detail: '{"n":0}' }] }))
  await eventually(async () => (await h.readTopic('slow-queue')).length === 1 && (await h.readTopic('fast-queue')).length === 1 ? true : undefined)
}

test('a target partition whose fsync is slow holds up neither deliveries to other targets nor reading on, and the committed cursor waits for it', async (t) => {
  const fs = new HeldSyncFs(path => path.includes('slow-queue-0'))
  const h = await startBus({}, { fs })
  t.after(() => h.close())
  await twoQueues(h)
  const slow = h.log.partition('slow-queue', 0)!
  fs.hold()
  await h.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'slow', Detail: '{"n":1}' }] }))
  // The dispatcher wrote it; its fsync is held.
  await eventually(() => slow.logEndOffset === 2 && fs.heldSyncs > 0 ? true : undefined)
  await h.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'fast', Detail: '{"n":1}' }] }))
  const fast = await eventually(async () => { const r = await h.readTopic('fast-queue'); return r.length === 2 ? r : undefined })
  assert.equal(JSON.parse(fast[1]!.value!.toString()).detail.n, 1)
  // Bus topic: 0 and 1 the first two events, 2 the slow one, 3 the fast one.
  assert.equal(h.bus.dispatcher('default')!.committedOffset, 2, 'the cursor stays before the event whose delivery is not durable')
  fs.release()
  await eventually(() => h.bus.dispatcher('default')!.committedOffset === 4 ? true : undefined)
  assert.deepEqual((await h.readTopic('slow-queue')).map(r => JSON.parse(r.value!.toString()).detail.n), [0, 1])
})

test('a power cut before a target partition is durable re-delivers its events after the restart', async () => {
  const fs = new HeldSyncFs(path => path.includes('slow-queue-0'))
  const h = await startBus({}, { fs })
  await twoQueues(h)
  const slow = h.log.partition('slow-queue', 0)!
  fs.hold()
  await h.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'slow', Detail: '{"n":1}' }] }))
  await eventually(() => slow.logEndOffset === 2 && fs.heldSyncs > 0 ? true : undefined)
  await h.client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'fast', Detail: '{"n":1}' }] }))
  await eventually(async () => (await h.readTopic('fast-queue')).length === 2 ? true : undefined)
  // The power goes: what was not fsynced is gone, the slow queue's event among it.
  await fs.powerLoss()
  fs.release()
  h.client.destroy()
  await h.app.close()
  await h.bus.close().catch(() => undefined)
  await h.log.close().catch(() => undefined)

  const log = await LogManager.open(h.dir)
  const bus = new EventBus({ dataDir: h.dir, log, accountId: ACCOUNT, region: REGION })
  try {
    await bus.open()
    const storage = new BusStorage(log)
    const slowEvents = await eventually(async () => {
      const { records } = await storage.read('slow-queue', 0)
      return records.some(r => JSON.parse(r.value!.toString()).detail.n === 1) ? records : undefined
    }, 'the slow queue to get its event again')
    // At least once: the first event may come again too, if the cut took the cursor's last commit.
    assert.deepEqual([...new Set(slowEvents.map(r => JSON.parse(r.value!.toString()).detail.n))], [0, 1])
  } finally {
    await bus.close()
    await log.close()
    await rm(h.dir, { recursive: true, force: true })
  }
})
