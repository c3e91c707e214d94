// kafkajs consumer groups against a real broker process: fan-out across
// groups, shared work within a group, members leaving or dying, committed
// offsets across broker restarts (SIGTERM and SIGKILL), and the admin calls.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs'
import { BrokerProcess, projectRoot } from '../helpers/broker-process.js'
import { waitFor } from '../helpers/wait.js'
import { at } from '../helpers/at.js'

const fast = { sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 200 }

/** Polls a condition; interop has no event to await across a client and a broker process. */
async function until (what: string, condition: () => boolean): Promise<void> {
  await waitFor(condition, what)
}

const keys = (from: number, to: number, prefix: string): string[] => Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`)

describe('kafkajs consumer groups against Tributary', () => {
  let broker: BrokerProcess
  let kafka: Kafka
  let admin: Admin
  let producer: Producer
  const consumers: Consumer[] = []

  const consumer = (groupId: string, extra: object = {}): Consumer => {
    const c = kafka.consumer({ groupId, ...fast, ...extra })
    consumers.push(c)
    return c
  }

  /** Waits until the group is Stable with `members` members (kafkajs notices rebalances on its next heartbeat). */
  async function stableWith (groupId: string, members: number): Promise<void> {
    let seen = ''
    await waitFor(async () => {
      const group = at((await admin.describeGroups([groupId])).groups, 0)
      seen = `${group.state} with ${group.members.length} members`
      return group.state === 'Stable' && group.members.length === members
    }, `${groupId} Stable with ${members} members`, () => `(is ${seen})`)
  }

  async function send (topic: string, messageKeys: string[]): Promise<void> {
    await producer.send({ topic, messages: messageKeys.map(key => ({ key, value: JSON.stringify({ key }) })) })
  }

  before(async () => {
    broker = await BrokerProcess.start({ env: { TRIBUTARY_GROUP_INITIAL_REBALANCE_DELAY_MS: '100' } })
    kafka = new Kafka({ clientId: 'my-app', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    admin = kafka.admin()
    producer = kafka.producer()
    await admin.connect()
    await producer.connect()
  })

  after(async () => {
    for (const c of consumers) await c.disconnect().catch(() => {})
    await producer?.disconnect()
    await admin?.disconnect()
    await broker?.cleanup()
  })

  test('the issue code verbatim: each of three groups receives every event', () => broker.explain(async () => {
    const N = 60
    const received = new Map<string, Set<string>>()
    for (const groupId of ['email-service', 'analytics-service', 'order-processors']) {
      const seen = new Set<string>()
      received.set(groupId, seen)
      const groupConsumer = consumer(groupId)
      await groupConsumer.connect()
      await groupConsumer.subscribe({ topic: 'order.created' })
      await groupConsumer.run({ eachMessage: async ({ message }) => { seen.add(message.key?.toString() ?? '') } })
    }
    // Subscribed without fromBeginning (latest): every group must hold its assignment before the events exist.
    for (const groupId of received.keys()) await stableWith(groupId, 1)
    for (const orderId of keys(0, N, 'order-')) {
      await producer.send({ topic: 'order.created', messages: [{ key: orderId, value: JSON.stringify({ orderId, userId: 'u1', items: [1], amount: 10 }) }] })
    }
    await until('every group got every event', () => [...received.values()].every(s => s.size === N))
    for (const seen of received.values()) assert.deepEqual([...seen].sort(), keys(0, N, 'order-').sort())
  }))

  test('three members split the partitions; when one leaves the others take its partitions and nothing is missed', () => broker.explain(async () => {
    await admin.createTopics({ topics: [{ topic: 'split', numPartitions: 6 }] })
    const processed = new Set<string>()
    const partitionsBy = new Map<number, Set<number>>()
    const members = [0, 1, 2].map(i => {
      const c = consumer('splitters')
      partitionsBy.set(i, new Set())
      return { c, i }
    })
    for (const { c, i } of members) {
      await c.connect()
      await c.subscribe({ topic: 'split', fromBeginning: true })
      await c.run({ eachMessage: async ({ message, partition }) => { partitionsBy.get(i)?.add(partition); processed.add(message.key?.toString() ?? '') } })
    }
    await stableWith('splitters', 3)
    await send('split', keys(0, 120, 's'))
    await until('first 120 processed', () => processed.size === 120)
    const shares = [0, 1, 2].map(i => [...(partitionsBy.get(i) ?? [])])
    assert.deepEqual(shares.flat().sort(), [0, 1, 2, 3, 4, 5], `each partition read by exactly one member: ${JSON.stringify(shares)}`)
    for (const share of shares) assert.equal(share.length, 2)
    await at(members, 0).c.disconnect()
    await stableWith('splitters', 2)
    await send('split', keys(120, 240, 's'))
    await until('all 240 processed', () => processed.size === 240)
  }))

  test('a member killed without LeaveGroup is expired and the others process its share', () => broker.explain(async () => {
    await admin.createTopics({ topics: [{ topic: 'killable', numPartitions: 4 }] })
    const processed = new Set<string>()
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'test', 'interop', 'kafkajs-group-member.ts'), broker.bootstrap, 'workers', 'killable'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] })
    let childReady = false
    let buffered = ''
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        if (line === 'ready') childReady = true
        else if (line.startsWith('msg ')) processed.add(line.slice(4))
      }
    })
    try {
      await until('the child member joined', () => childReady)
      const survivor = consumer('workers')
      await survivor.connect()
      await survivor.subscribe({ topic: 'killable', fromBeginning: true })
      await survivor.run({ eachMessage: async ({ message }) => { processed.add(message.key?.toString() ?? '') } })
      await stableWith('workers', 2)
      await send('killable', keys(0, 80, 'k'))
      await until('first 80 processed', () => processed.size === 80)
      child.kill('SIGKILL')
      await send('killable', keys(80, 160, 'k'))
      await until('all 160 processed after the dead member expired', () => processed.size === 160)
      await stableWith('workers', 1)
    } finally {
      child.kill('SIGKILL')
    }
  }))

  for (const how of ['SIGTERM', 'SIGKILL'] as const) {
    test(`after a broker ${how} a consumer resumes from its committed offsets`, () => broker.explain(async () => {
      const topic = `restart-${how.toLowerCase()}`
      const groupId = `resumers-${how.toLowerCase()}`
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })
      await send(topic, keys(0, 50, 'r'))
      const firstRun = new Set<string>()
      const first = consumer(groupId)
      await first.connect()
      await first.subscribe({ topic, fromBeginning: true })
      await first.run({ eachMessage: async ({ message }) => { firstRun.add(message.key?.toString() ?? '') } })
      await until('first run processed 50', () => firstRun.size === 50)
      const committedTotal = async (): Promise<number> => at(await admin.fetchOffsets({ groupId, topics: [topic] }), 0).partitions.reduce((sum, p) => sum + Number(p.offset), 0)
      await waitFor(async () => await committedTotal() === 50, 'the first run committing all 50')
      await first.disconnect()
      await producer.disconnect()
      await admin.disconnect()

      if (how === 'SIGTERM') assert.equal(await broker.stop(), 0)
      else await broker.kill()
      await broker.restart()
      admin = kafka.admin()
      producer = kafka.producer()
      await admin.connect()
      await producer.connect()

      assert.equal(await committedTotal(), 50, 'committed offsets survived the restart')
      await send(topic, keys(50, 70, 'r'))
      const secondRun: string[] = []
      const second = consumer(groupId)
      await second.connect()
      await second.subscribe({ topic, fromBeginning: true })
      await second.run({ eachMessage: async ({ message }) => { secondRun.push(message.key?.toString() ?? '') } })
      await until('second run processed the 20 new events', () => secondRun.length >= 20)
      assert.deepEqual([...secondRun].sort(), keys(50, 70, 'r').sort(), 'nothing committed before the restart is read again')
      await second.disconnect()
    }))
  }

  test('admin: describeGroups, listGroups, fetchOffsets, resetOffsets, setOffsets, deleteGroups', () => broker.explain(async () => {
    await admin.createTopics({ topics: [{ topic: 'admin-topic', numPartitions: 2 }] })
    await send('admin-topic', keys(0, 10, 'a'))
    const seen = new Set<string>()
    const c = consumer('admin-group')
    await c.connect()
    await c.subscribe({ topic: 'admin-topic', fromBeginning: true })
    await c.run({ eachMessage: async ({ message }) => { seen.add(message.key?.toString() ?? '') } })
    await until('consumed', () => seen.size === 10)
    const described = at((await admin.describeGroups(['admin-group'])).groups, 0)
    assert.equal(described.state, 'Stable')
    assert.equal(described.protocolType, 'consumer')
    assert.equal(described.members.length, 1)
    assert.equal(at(described.members, 0).clientId, 'my-app')
    assert.ok(at(described.members, 0).memberAssignment.length > 0)
    const listed = await admin.listGroups()
    assert.ok(listed.groups.some(g => g.groupId === 'admin-group' && g.protocolType === 'consumer'))
    await c.disconnect()
    assert.equal(at((await admin.describeGroups(['admin-group'])).groups, 0).state, 'Empty')

    await admin.resetOffsets({ groupId: 'admin-group', topic: 'admin-topic', earliest: true })
    await admin.setOffsets({ groupId: 'admin-group', topic: 'admin-topic', partitions: [{ partition: 0, offset: '2' }] })
    const offsets = at(await admin.fetchOffsets({ groupId: 'admin-group', topics: ['admin-topic'] }), 0).partitions
    assert.equal(offsets.find(p => p.partition === 0)?.offset, '2')
    assert.deepEqual(await admin.deleteGroups(['admin-group']), [{ groupId: 'admin-group', errorCode: 0 }])
    assert.equal(((await admin.listGroups()).groups).some(g => g.groupId === 'admin-group'), false)
    assert.equal(at(await admin.fetchOffsets({ groupId: 'admin-group', topics: ['admin-topic'] }), 0).partitions.every(p => p.offset === '-1'), true)
  }))

  test('consumer seek, pause/resume and eachBatch', () => broker.explain(async () => {
    await admin.createTopics({ topics: [{ topic: 'batchy', numPartitions: 1 }] })
    await send('batchy', keys(0, 30, 'b'))
    const batches: string[][] = []
    const c = consumer('batchers')
    await c.connect()
    await c.subscribe({ topic: 'batchy', fromBeginning: true })
    await c.run({ eachBatch: async ({ batch }) => { batches.push(batch.messages.map(m => m.key?.toString() ?? '')) } })
    await until('30 in batches', () => batches.flat().length >= 30)
    c.pause([{ topic: 'batchy' }])
    assert.deepEqual(c.paused(), [{ topic: 'batchy', partitions: [0] }])
    await send('batchy', keys(30, 35, 'b'))
    const before = batches.flat().length
    // the consumer keeps fetching while paused: three fetches later, nothing may have arrived
    let fetches = 0
    c.on(c.events.FETCH, () => { fetches++ })
    await until('three fetches while paused', () => fetches >= 3)
    assert.equal(batches.flat().length, before, 'nothing arrives while paused')
    c.resume([{ topic: 'batchy' }])
    await until('resumed', () => batches.flat().length >= 35)
    c.seek({ topic: 'batchy', partition: 0, offset: '10' })
    await until('re-read from offset 10 after seek', () => batches.flat().length >= 35 + 25)
    assert.deepEqual(batches.flat().slice(35, 60), keys(10, 35, 'b'))
  }))
})
