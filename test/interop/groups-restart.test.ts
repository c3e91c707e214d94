// The broker restarts (SIGTERM, and separately kill -9) while a kafkajs group is consuming: the group
// resumes from its committed offsets. No event is lost, and the only events read twice are those after
// the last commit the broker acknowledged before it went down.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs'
import { BrokerProcess } from '../helpers/broker-process.js'
import { Deliveries, describeAssignments, MemberView, splitsPartitions, Watch } from '../helpers/group-consumers.js'

const partitions = 3
const sends = 40
const perPartitionPerSend = 5
const total = sends * partitions * perPartitionPerSend

describe('kafkajs consumer groups across broker restarts', { timeout: 90_000 }, () => {
  let broker: BrokerProcess
  let kafka: Kafka
  let admin: Admin
  let producer: Producer
  const consumers: Consumer[] = []

  before(async () => {
    broker = await BrokerProcess.start({ env: { TRIBUTARY_GROUP_INITIAL_REBALANCE_DELAY_MS: '100' } })
    // Patient retries: the broker is away for a second or two and comes back on the same port.
    kafka = new Kafka({ clientId: 'restart-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 30 } })
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

  /** Many small batches (5 records per partition), so a fetch of at most 512 bytes per partition reads a few at a time. */
  async function produceMany (topic: string, prefix: string): Promise<string[]> {
    const values: string[] = []
    for (let s = 0; s < sends; s++) {
      const messages = Array.from({ length: partitions * perPartitionPerSend }, (_, i) => ({ partition: i % partitions, value: `${prefix}-${s}-${i}` }))
      await producer.send({ topic, acks: -1, messages })
      values.push(...messages.map(m => m.value))
    }
    return values
  }

  async function consumeThroughRestart (how: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    if (!broker.running) await broker.restart()
    const topic = `ledger-${how.toLowerCase()}`
    const groupId = `ledger-readers-${how.toLowerCase()}`
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
    const watch = new Watch()
    const deliveries = new Deliveries(watch)
    const views: MemberView[] = []
    // Consumption stops at a third, mid-batch, until the broker is down: the kill lands in the middle by construction.
    let openGate!: () => void
    const gate = new Promise<void>(resolve => { openGate = resolve })
    let gateOpen = false
    for (const name of ['one', 'two']) {
      const consumer = kafka.consumer({ groupId, sessionTimeout: 15_000, heartbeatInterval: 500, maxWaitTimeInMs: 200, maxBytesPerPartition: 512 })
      consumers.push(consumer)
      views.push(new MemberView(name, consumer, watch))
      await consumer.connect()
      await consumer.subscribe({ topic, fromBeginning: true })
      await consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          if (!gateOpen && deliveries.list.length >= total / 3) await gate
          deliveries.add({ member: name, topic, partition, offset: Number(message.offset), key: null, value: message.value!.toString() })
        }
      })
    }

    // Both members hold partitions before anything is produced, so no rebalance meets the gate below.
    await watch.until(() => splitsPartitions(views, topic, partitions), 'two members splitting three partitions', () => describeAssignments(views, topic))
    const expected = await produceMany(topic, 'before')

    // In the middle: a third of the events read and some of it committed.
    await watch.until(() => deliveries.list.length >= total / 3 && views.some(v => v.committed.size > 0), 'a third of the events consumed')
    if (how === 'SIGTERM') assert.equal(await broker.stop(), 0, 'the broker exits 0 on SIGTERM')
    else await broker.kill()
    // The highest commit any member saw acknowledged, per partition: nothing below it may be read again.
    const committedAtDown = new Map<number, number>()
    for (const v of views) {
      for (const [position, offset] of v.committed) {
        const partition = Number(position.split('/')[1])
        committedAtDown.set(partition, Math.max(committedAtDown.get(partition) ?? 0, offset))
      }
    }
    const deliveredAtDown = deliveries.list.length
    // The members go on with what they had fetched; their commits and fetches now fail until the broker is back.
    gateOpen = true
    openGate()

    await broker.restart()
    expected.push(...await produceMany(topic, 'after'))
    await deliveries.untilAll(expected, `the group reading all ${expected.length} events after the ${how} restart`)

    const times = deliveries.timesByPosition()
    const again = deliveries.list.slice(deliveredAtDown).filter(d => (times.get(`${d.topic}/${d.partition}@${d.offset}`) ?? 0) > 1)
    for (const d of again) {
      const committed = committedAtDown.get(d.partition) ?? 0
      assert.ok(d.offset >= committed, `offset ${d.offset} of partition ${d.partition} was read again though ${committed} was committed before the ${how}`)
    }

    // Once everything is read, the group's committed offsets reach the end of every partition, on the restarted broker.
    await watch.until(() => {
      const reached = new Map<number, number>()
      for (const v of views) for (const [position, offset] of v.committed) reached.set(Number(position.split('/')[1]), Math.max(reached.get(Number(position.split('/')[1])) ?? 0, offset))
      return [0, 1, 2].every(p => reached.get(p) === expected.length / partitions)
    }, 'commits reaching the end of every partition')
    const fetched = await admin.fetchOffsets({ groupId, topics: [topic] })
    assert.deepEqual(fetched[0]!.partitions.map(p => [p.partition, p.offset]).sort(), [0, 1, 2].map(p => [p, String(expected.length / partitions)]))
    await Promise.all(consumers.splice(0).map(c => c.disconnect()))
  }

  test('after SIGTERM in mid-consumption the group resumes from its commits: nothing lost, nothing below a commit read again', () => broker.explain(async () => {
    await consumeThroughRestart('SIGTERM')
  }))

  test('after kill -9 in mid-consumption the group resumes from its commits: nothing lost, nothing below a commit read again', () => broker.explain(async () => {
    await consumeThroughRestart('SIGKILL')
  }))
})
