// kafkajs admin on consumer groups (describeGroups, listGroups, fetchOffsets, setOffsets, resetOffsets,
// deleteGroups) and the consumer's seek, pause/resume and eachBatch, against a real broker process.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { AssignerProtocol, Kafka, logLevel, type Admin, type Consumer, type ConsumerConfig, type Producer } from 'kafkajs'
import { BrokerProcess } from '../helpers/broker-process.js'
import { Deliveries, describeAssignments, MemberView, splitsPartitions, Watch } from '../helpers/group-consumers.js'
import { errorTags, rejection } from '../helpers/kafka-errors.js'

const partitions = 3
const perPartition = 10

describe('kafkajs admin and consumer controls on groups', { timeout: 90_000 }, () => {
  let broker: BrokerProcess
  let kafka: Kafka
  let admin: Admin
  let producer: Producer
  const running: Consumer[] = []

  before(async () => {
    broker = await BrokerProcess.start({ env: { TRIBUTARY_GROUP_INITIAL_REBALANCE_DELAY_MS: '100' } })
    kafka = new Kafka({ clientId: 'admin-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    admin = kafka.admin()
    await admin.connect()
    producer = kafka.producer()
    await producer.connect()
  })

  after(async () => {
    await Promise.allSettled(running.map(c => c.disconnect()))
    await producer?.disconnect()
    await admin?.disconnect()
    await broker?.cleanup()
  })

  /** A topic of three partitions holding ten records each ("<topic>-<partition>-<i>"). */
  async function filledTopic (topic: string): Promise<void> {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
    const messages = Array.from({ length: partitions * perPartition }, (_, i) => ({ partition: i % partitions, value: `${topic}-${i % partitions}-${Math.floor(i / partitions)}` }))
    await producer.send({ topic, acks: -1, messages })
  }

  interface Member { consumer: Consumer, view: MemberView, deliveries: Deliveries, watch: Watch }

  async function startMember (name: string, groupId: string, topic: string, options: Partial<ConsumerConfig> = {}, shared?: { watch: Watch, deliveries: Deliveries }, fromBeginning = true): Promise<Member> {
    const watch = shared?.watch ?? new Watch()
    const deliveries = shared?.deliveries ?? new Deliveries(watch)
    const consumer = kafka.consumer({ groupId, heartbeatInterval: 500, maxWaitTimeInMs: 200, ...options })
    running.push(consumer)
    const view = new MemberView(name, consumer, watch)
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning })
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        deliveries.add({ member: name, topic, partition, offset: Number(message.offset), key: null, value: message.value!.toString() })
      }
    })
    return { consumer, view, deliveries, watch }
  }

  async function stopMember (member: Member): Promise<void> {
    await member.consumer.disconnect()
    running.splice(running.indexOf(member.consumer), 1)
  }

  /** Resolves once the members' acknowledged commits reach `offsets` (partition -> next offset). */
  async function untilCommitted (members: Member[], topic: string, offsets: number[]): Promise<void> {
    const reached = (): number[] => offsets.map((_, p) => Math.max(-1, ...members.map(m => m.view.committed.get(`${topic}/${p}`) ?? -1)))
    await members[0]!.watch.until(() => reached().every((o, p) => o === offsets[p]), `commits reaching ${offsets.join(',')}`, () => `(at ${reached().join(',')})`)
  }

  /** kafkajs's KafkaJSDeleteGroupsError lists each failed group with the broker's error. */
  const failedGroups = (error: unknown): Array<[string, string]> =>
    ((error as { groups?: Array<{ groupId: string, error: unknown }> }).groups ?? []).map(g => [g.groupId, errorTags(g.error)[0] ?? ''])

  const positions = (member: Member): string[] => member.deliveries.list.map(d => `${d.partition}@${d.offset}`).sort()
  const range = (partition: number, from: number, to = perPartition): string[] => Array.from({ length: to - from }, (_, i) => `${partition}@${from + i}`)

  async function committedOffsets (groupId: string, topic: string): Promise<string[]> {
    const [answer] = await admin.fetchOffsets({ groupId, topics: [topic] })
    return [...answer!.partitions].sort((a, b) => a.partition - b.partition).map(p => p.offset)
  }

  test('describeGroups, listGroups and fetchOffsets show a running group, then the same group Empty once its members leave', () => broker.explain(async () => {
    await filledTopic('audit')
    const watch = new Watch()
    const shared = { watch, deliveries: new Deliveries(watch) }
    const members = [await startMember('a', 'auditors', 'audit', {}, shared), await startMember('b', 'auditors', 'audit', {}, shared)]
    const views = members.map(m => m.view)
    await watch.until(() => splitsPartitions(views, 'audit', partitions), 'two members splitting three partitions', () => describeAssignments(views, 'audit'))
    await untilCommitted(members, 'audit', [10, 10, 10])

    const { groups: [described] } = await admin.describeGroups(['auditors'])
    assert.equal(described!.groupId, 'auditors')
    assert.equal(described!.state, 'Stable')
    assert.equal(described!.protocolType, 'consumer')
    assert.equal(described!.protocol, 'RoundRobinAssigner')
    assert.equal(described!.members.length, 2)
    const assigned = new Map<string, number[]>()
    for (const m of described!.members) {
      assert.equal(m.clientId, 'admin-test')
      assert.equal(m.clientHost, '/127.0.0.1')
      const assignment = AssignerProtocol.MemberAssignment.decode(m.memberAssignment)
      assigned.set(m.memberId, [...(assignment?.assignment.audit ?? [])].sort())
      const metadata = AssignerProtocol.MemberMetadata.decode(m.memberMetadata)
      assert.deepEqual(metadata?.topics, ['audit'])
    }
    for (const v of views) assert.deepEqual(assigned.get(v.memberId!), v.partitionsOf('audit'), `describeGroups shows ${v.name}'s assignment`)

    const { groups: [unknown] } = await admin.describeGroups(['never-existed'])
    assert.equal(unknown!.state, 'Dead')
    assert.deepEqual(unknown!.members, [])

    const { groups } = await admin.listGroups()
    assert.deepEqual(groups.filter(g => g.groupId === 'auditors'), [{ groupId: 'auditors', protocolType: 'consumer' }])
    assert.deepEqual(await committedOffsets('auditors', 'audit'), ['10', '10', '10'])

    for (const m of members) await stopMember(m)
    const { groups: [empty] } = await admin.describeGroups(['auditors'])
    assert.equal(empty!.state, 'Empty')
    assert.deepEqual(empty!.members, [])
    assert.deepEqual(await committedOffsets('auditors', 'audit'), ['10', '10', '10'], 'leaving keeps the commits')
  }))

  test('setOffsets and resetOffsets move an empty group, and its next member starts exactly there', () => broker.explain(async () => {
    await admin.setOffsets({ groupId: 'auditors', topic: 'audit', partitions: [{ partition: 0, offset: '7' }, { partition: 1, offset: '3' }, { partition: 2, offset: '8' }] })
    assert.deepEqual(await committedOffsets('auditors', 'audit'), ['7', '3', '8'])
    let member = await startMember('after-set', 'auditors', 'audit')
    await untilCommitted([member], 'audit', [10, 10, 10])
    assert.deepEqual(positions(member), [...range(0, 7), ...range(1, 3), ...range(2, 8)])
    await stopMember(member)

    await admin.resetOffsets({ groupId: 'auditors', topic: 'audit', earliest: true })
    assert.deepEqual(await committedOffsets('auditors', 'audit'), ['-2', '-2', '-2'], 'kafkajs commits -2 ("earliest") as given')
    member = await startMember('after-earliest', 'auditors', 'audit')
    await untilCommitted([member], 'audit', [10, 10, 10])
    assert.deepEqual(positions(member), [...range(0, 0), ...range(1, 0), ...range(2, 0)], 'reset to earliest: everything again')
    await stopMember(member)

    // kafkajs commits -1 ("latest"); OffsetFetch gives it back and the member treats it as no commit, so it
    // starts where auto offset reset says: the end, without fromBeginning.
    await admin.resetOffsets({ groupId: 'auditors', topic: 'audit', earliest: false })
    assert.deepEqual(await committedOffsets('auditors', 'audit'), ['-1', '-1', '-1'])
    member = await startMember('after-latest', 'auditors', 'audit', {}, undefined, false)
    await member.watch.until(() => member.view.fetches > 0, 'a first fetch')
    await producer.send({ topic: 'audit', acks: -1, messages: [0, 1, 2].map(partition => ({ partition, value: `late-${partition}` })) })
    await untilCommitted([member], 'audit', [11, 11, 11])
    assert.deepEqual(member.deliveries.list.map(d => d.value).sort(), ['late-0', 'late-1', 'late-2'], 'reset to latest: only what came after')
    await stopMember(member)
  }))

  test('deleteGroups removes an empty group and its offsets, refuses one with members, and reports an unknown one', () => broker.explain(async () => {
    const deleted = await admin.deleteGroups(['auditors'])
    assert.deepEqual(deleted.map(d => [d.groupId, d.errorCode]), [['auditors', 0]])
    assert.ok(!(await admin.listGroups()).groups.some(g => g.groupId === 'auditors'))
    assert.deepEqual(await committedOffsets('auditors', 'audit'), ['-1', '-1', '-1'])
    assert.equal((await admin.describeGroups(['auditors'])).groups[0]!.state, 'Dead')

    const member = await startMember('busy', 'busy-group', 'audit')
    await member.watch.until(() => member.view.joins > 0, 'busy-group joining')
    const busy = await rejection(admin.deleteGroups(['busy-group']))
    assert.deepEqual(failedGroups(busy), [['busy-group', 'NON_EMPTY_GROUP']])
    assert.equal((await admin.describeGroups(['busy-group'])).groups[0]!.state, 'Stable', 'the refused delete left the group alone')
    await stopMember(member)

    const unknown = await rejection(admin.deleteGroups(['no-such-group']))
    assert.deepEqual(failedGroups(unknown), [['no-such-group', 'GROUP_ID_NOT_FOUND']])
  }))

  test('consumer.seek rewinds one partition of a running member, and only that partition is read again', () => broker.explain(async () => {
    await filledTopic('rewind')
    const member = await startMember('seeker', 'seekers', 'rewind')
    await untilCommitted([member], 'rewind', [10, 10, 10])
    const before = member.deliveries.list.length
    member.consumer.seek({ topic: 'rewind', partition: 1, offset: '4' })
    await member.deliveries.watch.until(() => member.deliveries.list.length - before >= 6, 'partition 1 read again from offset 4')
    await untilCommitted([member], 'rewind', [10, 10, 10])
    assert.deepEqual(member.deliveries.list.slice(before).map(d => `${d.partition}@${d.offset}`), range(1, 4))
  }))

  test('a paused partition is not fetched while the others are; resume delivers what it missed', () => broker.explain(async () => {
    await filledTopic('pausable')
    const member = await startMember('pauser', 'pausers', 'pausable')
    await untilCommitted([member], 'pausable', [10, 10, 10])
    member.consumer.pause([{ topic: 'pausable', partitions: [0] }])
    assert.deepEqual(member.consumer.paused(), [{ topic: 'pausable', partitions: [0] }])
    await producer.send({ topic: 'pausable', acks: -1, messages: [0, 1, 2].flatMap(partition => [0, 1].map(i => ({ partition, value: `new-${partition}-${i}` }))) })
    await untilCommitted([member], 'pausable', [10, 12, 12])
    // Several more fetches come back while partition 0 holds two unread records: none of them may be delivered.
    const fetchesAfter = member.view.fetches
    await member.watch.until(() => member.view.fetches >= fetchesAfter + 3, 'three more fetches while paused')
    assert.deepEqual(member.deliveries.list.filter(d => d.value.startsWith('new-0')), [], 'nothing from the paused partition')

    member.consumer.resume([{ topic: 'pausable', partitions: [0] }])
    await untilCommitted([member], 'pausable', [12, 12, 12])
    assert.deepEqual(member.deliveries.list.filter(d => d.value.startsWith('new-0')).map(d => d.offset), [10, 11])
  }))

  test('eachBatch gets every record in order, batch by batch, with the high watermark, and resolved offsets are committed', () => broker.explain(async () => {
    const topic = 'batched'
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
    for (let send = 0; send < 5; send++) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: 12 }, (_, i) => ({ partition: i % partitions, value: `b-${send}-${i}` })) })
    }
    const watch = new Watch()
    const consumer = kafka.consumer({ groupId: 'batchers', heartbeatInterval: 500, maxWaitTimeInMs: 200 })
    running.push(consumer)
    const view = new MemberView('batcher', consumer, watch)
    const batches: Array<{ partition: number, offsets: number[], highWatermark: string }> = []
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        batches.push({ partition: batch.partition, offsets: batch.messages.map(m => Number(m.offset)), highWatermark: batch.highWatermark })
        for (const message of batch.messages) resolveOffset(message.offset)
        await heartbeat()
        watch.changed()
      }
    })
    const member = { consumer, view, deliveries: new Deliveries(watch), watch }
    await untilCommitted([member], topic, [20, 20, 20])
    for (let p = 0; p < partitions; p++) {
      const mine = batches.filter(b => b.partition === p)
      assert.deepEqual(mine.flatMap(b => b.offsets), Array.from({ length: 20 }, (_, i) => i), `partition ${p}: every offset once, in order`)
      assert.equal(mine.at(-1)!.highWatermark, '20')
    }
    assert.deepEqual(await committedOffsets('batchers', topic), ['20', '20', '20'])
  }))
})
