// Consumer groups with kafkajs against a real broker process: every group sees every event (fan-out),
// members of one group split the partitions, and when a member leaves (LeaveGroup) or dies (SIGKILL,
// no LeaveGroup; its session expires) the others take over and the group misses nothing.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs'
import { BrokerProcess } from '../helpers/broker-process.js'
import { Deliveries, describeAssignments, MemberView, splitsPartitions, Watch } from '../helpers/group-consumers.js'
import { spawnMember } from '../helpers/kafkajs-member-process.js'

const partitions = 6

/** Keyed JSON events spread over every partition; the value names the event. */
function events (prefix: string, count: number): Array<{ key: string, value: string, partition: number }> {
  return Array.from({ length: count }, (_, i) => ({ key: `${prefix}-${i}`, value: `${prefix}-${i}`, partition: i % partitions }))
}

/** Positions received more than once, as "topic/partition@offset". */
function redelivered (deliveries: Deliveries): Array<{ partition: number, offset: number }> {
  return [...deliveries.timesByPosition()].filter(([, times]) => times > 1).map(([position]) => {
    const [, rest] = position.split('/')
    const [partition, offset] = rest!.split('@')
    return { partition: Number(partition), offset: Number(offset) }
  })
}

describe('kafkajs consumer groups: fan-out across groups, shared work within a group', { timeout: 90_000 }, () => {
  let broker: BrokerProcess
  let kafka: Kafka
  let admin: Admin
  let producer: Producer
  const consumers: Consumer[] = []

  before(async () => {
    broker = await BrokerProcess.start({ env: { TRIBUTARY_GROUP_INITIAL_REBALANCE_DELAY_MS: '100' } })
    kafka = new Kafka({ clientId: 'my-app', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    admin = kafka.admin()
    await admin.connect()
    producer = kafka.producer()
    await producer.connect()
  })

  after(async () => {
    await Promise.allSettled(consumers.map(c => c.disconnect()))
    await producer?.disconnect()
    await admin?.disconnect()
    await broker?.cleanup()
  })

  function member (name: string, groupId: string, watch: Watch, sessionTimeout = 10_000): { consumer: Consumer, view: MemberView } {
    const consumer = kafka.consumer({ groupId, sessionTimeout, heartbeatInterval: 500, maxWaitTimeInMs: 250 })
    consumers.push(consumer)
    return { consumer, view: new MemberView(name, consumer, watch) }
  }

  async function startMember (consumer: Consumer, name: string, topic: string, deliveries: Deliveries): Promise<void> {
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        deliveries.add({ member: name, topic, partition, offset: Number(message.offset), key: message.key?.toString() ?? null, value: message.value!.toString() })
      }
    })
  }

  test('the issue\'s snippet: email-service, analytics-service and order-processors each receive every one of 60 order.created events', () => broker.explain(async () => {
    await admin.createTopics({ topics: [{ topic: 'order.created', numPartitions: 3 }] })
    const watch = new Watch()
    const received: Record<string, Array<{ topic: string, partition: number, key: string, order: { orderId: string, userId: string, items: string[], amount: number } }>> = {
      'email-service': [], 'analytics-service': [], 'order-processors': []
    }
    const views: MemberView[] = []
    for (const groupId of Object.keys(received)) {
      // As users write it: no fromBeginning, so each group starts at the end and sees what is sent after it joined.
      const consumer = kafka.consumer({ groupId })
      consumers.push(consumer)
      views.push(new MemberView(groupId, consumer, watch))
      await consumer.connect()
      await consumer.subscribe({ topic: 'order.created' })
      await consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          received[groupId]!.push({ topic, partition, key: message.key!.toString(), order: JSON.parse(message.value!.toString()) })
          watch.changed()
        }
      })
    }
    // A completed fetch means the starting ("latest") offsets are resolved: from here on nothing is missed.
    await watch.until(() => views.every(v => v.fetches > 0), 'a first fetch by each group')

    const count = 60
    const sent: Array<{ orderId: string, userId: string, items: string[], amount: number }> = []
    for (let i = 0; i < count; i++) {
      const orderId = `order-${i}`
      const userId = `user-${i % 7}`
      const items = [`sku-${i}`, `sku-${i + 1}`]
      const amount = 10 + i
      await producer.send({ topic: 'order.created', messages: [{ key: orderId, value: JSON.stringify({ orderId, userId, items, amount }) }] })
      sent.push({ orderId, userId, items, amount })
    }

    await watch.until(() => Object.values(received).every(list => list.length >= count), 'every group receiving every event',
      () => JSON.stringify(Object.fromEntries(Object.entries(received).map(([g, l]) => [g, l.length]))))
    for (const [groupId, list] of Object.entries(received)) {
      assert.equal(list.length, count, `${groupId} received each event once`)
      const byOrder = [...list].sort((a, b) => Number(a.order.orderId.slice(6)) - Number(b.order.orderId.slice(6)))
      assert.deepEqual(byOrder.map(m => m.order), sent, `${groupId} received every event intact`)
      assert.ok(list.every(m => m.key === m.order.orderId && m.topic === 'order.created'))
      // Records with one key land in one partition and arrive in the order sent.
      const firstPartition = new Map<string, number>()
      for (const m of list) assert.equal(firstPartition.get(m.key) ?? m.partition, m.partition)
    }
  }))

  test('three members split six partitions; when one disconnects the other two take its partitions and the group misses no event', () => broker.explain(async () => {
    const topic = 'shipments'
    const groupId = 'warehouse-service'
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
    const watch = new Watch()
    const deliveries = new Deliveries(watch)
    const members = ['a', 'b', 'c'].map(name => ({ name, ...member(name, groupId, watch) }))
    const views = members.map(m => m.view)
    for (const m of members) await startMember(m.consumer, m.name, topic, deliveries)
    await watch.until(() => splitsPartitions(views, topic, partitions), 'three members splitting six partitions', () => describeAssignments(views, topic))

    const first = events('first', 60)
    await producer.send({ topic, acks: -1, messages: first })
    await deliveries.untilAll(first.map(e => e.value), 'the group receiving the first 60 events')
    for (const d of deliveries.list) {
      const owner = views.find(v => v.name === d.member)!
      assert.ok(owner.partitionsOf(topic).includes(d.partition), `${d.member} read partition ${d.partition} it was not assigned ${describeAssignments(views, topic)}`)
    }
    assert.equal(redelivered(deliveries).length, 0, 'no rebalance, no redelivery')

    const leaving = members[2]!
    const leftPartitions = leaving.view.partitionsOf(topic)
    await leaving.consumer.disconnect()
    const stayers = views.slice(0, 2)
    await watch.until(() => splitsPartitions(stayers, topic, partitions), 'the two remaining members covering all six partitions', () => describeAssignments(stayers, topic))

    const second = events('second', 60)
    await producer.send({ topic, acks: -1, messages: second })
    await deliveries.untilAll([...first, ...second].map(e => e.value), 'the group receiving all 120 events')
    assert.deepEqual(deliveries.missing(second.map(e => e.value), d => d.member !== 'c'), [], 'the remaining members read every later event')
    for (const { partition, offset } of redelivered(deliveries)) {
      assert.ok(leftPartitions.includes(partition), `offset ${offset} of partition ${partition} was redelivered though it never changed hands`)
      const committed = leaving.view.committed.get(`${topic}/${partition}`) ?? 0
      assert.ok(offset >= committed, `offset ${offset} of partition ${partition} was redelivered below the leaver's commit ${committed}`)
    }
  }))

  test('a member killed without LeaveGroup is expired by its session timeout and the others finish its partitions', () => broker.explain(async () => {
    const topic = 'invoices'
    const groupId = 'billing-service'
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
    const watch = new Watch()
    const deliveries = new Deliveries(watch)
    const inProcess = ['a', 'b'].map(name => ({ name, ...member(name, groupId, watch) }))
    for (const m of inProcess) await startMember(m.consumer, m.name, topic, deliveries)
    const sessionTimeoutMs = 6000
    const doomed = spawnMember('killed', { bootstrap: broker.bootstrap, groupId, topic, sessionTimeoutMs }, deliveries, watch)
    const doomedView = { name: 'killed', partitionsOf: (t: string) => [...(doomed.assignment?.[t] ?? [])].sort((x, y) => x - y) } as MemberView
    const all = [...inProcess.map(m => m.view), doomedView]
    await watch.until(() => splitsPartitions(all, topic, partitions), 'three members (one in a child process) splitting six partitions',
      () => describeAssignments(all, topic) + doomed.stderr())

    const first = events('before-kill', 60)
    await producer.send({ topic, acks: -1, messages: first })
    await deliveries.untilAll(first.map(e => e.value), 'the group receiving the first 60 events')
    const doomedPartitions = doomedView.partitionsOf(topic)
    await watch.until(() => doomedPartitions.every(p => (doomed.committed.get(`${topic}/${p}`) ?? 0) > 0), 'the child member committing its partitions')
    await doomed.kill()
    const killedAt = Date.now()
    const commitsAtDeath = new Map(doomed.committed)

    // Sent while the dead member still holds its partitions: they wait for the takeover.
    const second = events('after-kill', 60)
    await producer.send({ topic, acks: -1, messages: second })
    const stayers = inProcess.map(m => m.view)
    await watch.until(() => splitsPartitions(stayers, topic, partitions), 'the two remaining members covering all six partitions',
      () => describeAssignments(stayers, topic))
    const takeoverMs = Date.now() - killedAt
    assert.ok(takeoverMs >= sessionTimeoutMs - 1000, `the dead member was dropped after ${takeoverMs} ms, before its ${sessionTimeoutMs} ms session could expire`)

    await deliveries.untilAll([...first, ...second].map(e => e.value), 'the group receiving all 120 events')
    assert.deepEqual(deliveries.missing(second.map(e => e.value), d => d.member !== 'killed'), [], 'the survivors read every event sent after the kill')
    for (const { partition, offset } of redelivered(deliveries)) {
      assert.ok(doomedPartitions.includes(partition), `offset ${offset} of partition ${partition} was redelivered though it never changed hands`)
      const committed = commitsAtDeath.get(`${topic}/${partition}`) ?? 0
      assert.ok(offset >= committed, `offset ${offset} of partition ${partition} was redelivered below the dead member's commit ${committed}`)
    }
  }))
})
