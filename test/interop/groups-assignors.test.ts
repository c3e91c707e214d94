// The broker stays agnostic of assignors: real clients pick the protocol, their leader assigns, and the
// coordinator only selects the protocol every member supports and hands out what the leader decided.
// librdkafka 2.0.2 (Debian's python3-confluent-kafka, driven by confluent-group-member.py) with range,
// roundrobin and cooperative-sticky; kafkajs with its round-robin assigner beside one of our own; and
// static membership (group.instance.id, KIP-345): a restarted static member gets its partitions back
// without a rebalance, and a second consumer with the same instance id fences the first.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { AssignerProtocol, Kafka, PartitionAssigners, logLevel, type Admin, type Consumer, type PartitionAssigner, type Producer } from 'kafkajs'
import { BrokerProcess, projectRoot } from '../helpers/broker-process.js'
import { Deliveries, MemberView, Watch, describeAssignments, splitsPartitions } from '../helpers/group-consumers.js'
import { PATIENCE_MS } from '../helpers/wait.js'

const partitions = 6

interface MemberEvent {
  event: 'assign' | 'revoke' | 'lost' | 'message' | 'error' | 'close-failed' | 'closed'
  partitions?: number[]
  owned?: number[]
  partition?: number
  offset?: number
  value?: string
  code?: number
  name?: string
  fatal?: boolean
  reason?: string
}

// A test that throws must not leave consumers running behind it.
const liveMembers = new Set<ChildProcess>()
process.once('exit', () => { for (const child of liveMembers) child.kill('SIGKILL') })

/** One librdkafka group member in its own python process; everything it reports, as it comes. */
class ConfluentMember {
  readonly events: MemberEvent[] = []
  owned: number[] = []
  private stderr = ''
  private readonly child: ChildProcess
  private readonly exited: Promise<number | null>

  constructor (readonly name: string, bootstrap: string, group: string, topic: string, strategy: string, watch: Watch, instanceId?: string) {
    const args = [join(projectRoot, 'test', 'interop', 'confluent-group-member.py'), bootstrap, group, topic, strategy]
    if (instanceId !== undefined) args.push(instanceId)
    // Debian's interpreter: the python3 first on PATH does not see Debian's python3-confluent-kafka.
    this.child = spawn('/usr/bin/python3', args, { stdio: ['pipe', 'pipe', 'pipe'] })
    this.exited = new Promise(resolve => this.child.once('close', resolve))
    liveMembers.add(this.child)
    this.child.once('close', () => liveMembers.delete(this.child))
    let pending = ''
    this.child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8')
      const lines = pending.split('\n')
      pending = lines.pop()!
      for (const line of lines) {
        if (line.length === 0) continue
        const event = JSON.parse(line) as MemberEvent
        this.events.push(event)
        if (event.owned !== undefined) this.owned = event.owned
      }
      watch.changed()
    })
    this.child.stderr!.on('data', (chunk: Buffer) => { this.stderr += chunk.toString('utf8'); watch.changed() })
  }

  /** Events of one kind from index `from` on. */
  eventsOf (kind: MemberEvent['event'], from = 0): MemberEvent[] {
    return this.events.slice(from).filter(e => e.event === kind)
  }

  describe (): string {
    const rebalances = this.events.filter(e => e.event !== 'message').map(e => JSON.stringify(e)).join('\n  ')
    return `${this.name} owns [${this.owned.join(',')}], read ${this.eventsOf('message').length}:\n  ${rebalances}\n  ${this.stderr.slice(-2000)}`
  }

  /** Asks the consumer to close (commit; a dynamic member also leaves) and waits for the process to end. */
  async close (): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return await this.exited
    this.child.stdin!.on('error', () => { /* it may have exited on its own (fenced) */ })
    this.child.stdin!.end('close\n')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), PATIENCE_MS)
    const code = await this.exited
    clearTimeout(timer)
    return code
  }
}

const sorted = (list: number[]): number[] => [...list].sort((a, b) => a - b)

/** Each member owns a non-empty share, no partition twice, all of them together. */
function split (members: ConfluentMember[]): boolean {
  const all = members.flatMap(m => m.owned)
  return members.every(m => m.owned.length > 0) && all.length === partitions && new Set(all).size === partitions
}

/** The members' shares as a canonical string, e.g. "0,1,2|3,4,5", whichever member holds which. */
const layout = (shares: number[][]): string => shares.map(s => sorted(s).join(',')).sort().join('|')

describe('assignment strategies and static membership with real clients', { timeout: 90_000 }, () => {
  let broker: BrokerProcess
  let kafka: Kafka
  let admin: Admin
  let producer: Producer
  const members: ConfluentMember[] = []
  const kafkajsConsumers: Consumer[] = []

  before(async () => {
    broker = await BrokerProcess.start({ env: { TRIBUTARY_GROUP_INITIAL_REBALANCE_DELAY_MS: '100' } })
    kafka = new Kafka({ clientId: 'assignors-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    admin = kafka.admin()
    await admin.connect()
    producer = kafka.producer()
    await producer.connect()
  })

  after(async () => {
    await Promise.all(members.map(m => m.close()))
    for (const c of kafkajsConsumers) await c.disconnect().catch(() => {})
    await producer?.disconnect()
    await admin?.disconnect()
    await broker?.cleanup()
  })

  const member = (name: string, group: string, topic: string, strategy: string, watch: Watch, instanceId?: string): ConfluentMember => {
    const m = new ConfluentMember(name, broker.bootstrap, group, topic, strategy, watch, instanceId)
    members.push(m)
    return m
  }

  /** `perPartition` events on every partition, values "<prefix>-<partition>-<i>". */
  async function produce (topic: string, prefix: string, perPartition: number): Promise<string[]> {
    const messages = Array.from({ length: partitions * perPartition }, (_, i) => ({ partition: i % partitions, value: `${prefix}-${i % partitions}-${Math.floor(i / partitions)}` }))
    await producer.send({ topic, acks: -1, messages })
    return messages.map(m => m.value)
  }

  /** Waits until the members together read every value, and checks each read only partitions it owned. */
  async function consumedByOwners (watch: Watch, group: ConfluentMember[], values: string[], what: string): Promise<void> {
    const read = (): Set<string> => new Set(group.flatMap(m => m.eventsOf('message').map(e => e.value!)))
    await watch.until(() => values.every(v => read().has(v)), what,
      () => `(missing ${values.filter(v => !read().has(v)).length} of ${values.length})\n${group.map(m => m.describe()).join('\n')}`)
    for (const m of group) {
      for (const e of m.eventsOf('message')) {
        if (!values.includes(e.value!)) continue
        assert.equal(e.value!.split('-').at(-2), String(e.partition), 'the value names its partition')
      }
    }
  }

  async function describeGroup (groupId: string): Promise<Awaited<ReturnType<Admin['describeGroups']>>['groups'][number]> {
    return (await admin.describeGroups([groupId])).groups[0]!
  }

  for (const [strategy, expectedLayout] of [['range', '0,1,2|3,4,5'], ['roundrobin', '0,2,4|1,3,5']] as const) {
    test(`librdkafka ${strategy}: two members split six partitions as the ${strategy} assignor lays them out and read every event once`, () => broker.explain(async () => {
      const topic = `assign-${strategy}`
      const group = `${strategy}-readers`
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
      const watch = new Watch()
      const pair = [member('first', group, topic, strategy, watch), member('second', group, topic, strategy, watch)]
      await watch.until(() => split(pair), `two ${strategy} members splitting the partitions`, () => pair.map(m => m.describe()).join('\n'))
      assert.equal(layout(pair.map(m => m.owned)), expectedLayout)

      const described = await describeGroup(group)
      assert.equal(described.state, 'Stable')
      assert.equal(described.protocolType, 'consumer')
      assert.equal(described.protocol, strategy, 'the broker selected the one protocol both members offered')
      assert.equal(described.members.length, 2)

      const values = await produce(topic, strategy, 5)
      await consumedByOwners(watch, pair, values, `the ${strategy} members reading ${values.length} events`)
      const read = pair.flatMap(m => m.eventsOf('message').map(e => e.value!))
      assert.deepEqual(read.sort(), [...values].sort(), 'every event read exactly once')
      for (const m of pair) assert.ok(m.eventsOf('message').every(e => m.owned.includes(e.partition!)), `${m.name} read outside its share`)
      await Promise.all(pair.map(m => m.close()))
    }))
  }

  test('librdkafka cooperative-sticky: a third member joins incrementally, the others keep what they had and revoke only what moves', () => broker.explain(async () => {
    const topic = 'assign-cooperative'
    const group = 'cooperative-readers'
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
    const watch = new Watch()
    const early = [member('first', group, topic, 'cooperative-sticky', watch), member('second', group, topic, 'cooperative-sticky', watch)]
    await watch.until(() => split(early) && early.every(m => m.owned.length === 3), 'two cooperative members holding three partitions each',
      () => early.map(m => m.describe()).join('\n'))
    assert.equal((await describeGroup(group)).protocol, 'cooperative-sticky')
    const before = await produce(topic, 'coop-before', 5)
    await consumedByOwners(watch, early, before, 'the two members reading the first events')

    const heldBefore = early.map(m => m.owned)
    const marks = early.map(m => m.events.length)
    const third = member('third', group, topic, 'cooperative-sticky', watch)
    const all = [...early, third]
    await watch.until(() => split(all) && all.every(m => m.owned.length === 2), 'three cooperative members holding two partitions each',
      () => all.map(m => m.describe()).join('\n'))
    early.forEach((m, i) => {
      const kept = m.owned
      assert.ok(kept.every(p => heldBefore[i]!.includes(p)), `${m.name} got a partition it did not hold before: ${m.describe()}`)
      const revoked = m.eventsOf('revoke', marks[i]).flatMap(e => e.partitions!)
      assert.deepEqual(sorted(revoked), heldBefore[i]!.filter(p => !kept.includes(p)),
        `${m.name} revoked only the partition that moved (an eager rebalance revokes all three): ${m.describe()}`)
      assert.deepEqual(m.eventsOf('lost', marks[i]), [], `${m.name} lost nothing`)
    })
    assert.deepEqual(sorted(third.owned), sorted(heldBefore.flatMap((held, i) => held.filter(p => !early[i]!.owned.includes(p)))), 'the newcomer got exactly what the others gave up')

    const afterJoin = await produce(topic, 'coop-after', 5)
    await consumedByOwners(watch, all, afterJoin, 'three members reading the later events')
    for (const m of all) {
      const late = m.eventsOf('message').filter(e => e.value!.startsWith('coop-after'))
      assert.ok(late.every(e => m.owned.includes(e.partition!)), `${m.name} read a later event outside its share`)
    }
    await Promise.all(all.map(m => m.close()))
  }))

  test('kafkajs: the broker selects the assigner every member supports, by the members\' preference', () => broker.explain(async () => {
    const topic = 'assign-kafkajs'
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
    const watch = new Watch()
    const deliveries = new Deliveries(watch)
    const start = async (name: string, groupId: string, partitionAssigners: PartitionAssigner[]): Promise<MemberView> => {
      const consumer = kafka.consumer({ groupId, partitionAssigners, sessionTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: 100 })
      kafkajsConsumers.push(consumer)
      const view = new MemberView(name, consumer, watch)
      await consumer.connect()
      await consumer.subscribe({ topic, fromBeginning: true })
      await consumer.run({ eachMessage: async ({ partition, message }) => deliveries.add({ member: `${groupId}/${name}`, topic, partition, offset: Number(message.offset), key: null, value: message.value!.toString() }) })
      return view
    }
    const { roundRobin } = PartitionAssigners

    // Only round-robin is common to both members, though the first prefers the contiguous assigner.
    const onlyCommon = [await start('a', 'kafkajs-common', [contiguousAssigner, roundRobin]), await start('b', 'kafkajs-common', [roundRobin])]
    // Two of three members put the contiguous assigner first: it wins the vote.
    const byVote = [await start('c', 'kafkajs-vote', [contiguousAssigner, roundRobin]), await start('d', 'kafkajs-vote', [roundRobin, contiguousAssigner]),
      await start('e', 'kafkajs-vote', [contiguousAssigner, roundRobin])]
    for (const [views, count] of [[onlyCommon, 2], [byVote, 3]] as const) {
      await watch.until(() => splitsPartitions([...views], topic, partitions) && views.every(v => v.joins > 0 && v.memberId !== null),
        `${count} kafkajs members splitting the partitions`, () => describeAssignments([...views], topic))
    }
    const common = await describeGroup('kafkajs-common')
    assert.equal(common.protocol, 'RoundRobinAssigner')
    assert.equal(layout(onlyCommon.map(v => v.partitionsOf(topic))), '0,2,4|1,3,5')
    const vote = await describeGroup('kafkajs-vote')
    assert.equal(vote.protocol, 'ContiguousAssigner')
    assert.equal(layout(byVote.map(v => v.partitionsOf(topic))), '0,1|2,3|4,5')

    const values = await produce(topic, 'kjs', 3)
    await deliveries.untilAll(values, 'kafkajs-common reading every event', d => d.member.startsWith('kafkajs-common/'))
    await deliveries.untilAll(values, 'kafkajs-vote reading every event', d => d.member.startsWith('kafkajs-vote/'))
    for (const v of [...onlyCommon, ...byVote]) assert.deepEqual(v.crashes, [])
  }))

  test('static membership: a restarted member gets its partitions back without a rebalance, and a second instance with its id fences it', () => broker.explain(async () => {
    const topic = 'assign-static'
    const group = 'static-readers'
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] })
    const watch = new Watch()
    const a = member('a', group, topic, 'range', watch, 'instance-a')
    const b = member('b', group, topic, 'range', watch, 'instance-b')
    await watch.until(() => split([a, b]), 'two static members splitting the partitions', () => [a, b].map(m => m.describe()).join('\n'))
    const first = await produce(topic, 'static-first', 3)
    await consumedByOwners(watch, [a, b], first, 'the static members reading the first events')
    const aShare = a.owned
    const bShare = b.owned
    const beforeRestart = await describeGroup(group)
    const idOf = (described: typeof beforeRestart, share: number[]): string | undefined =>
      described.members.find(x => sorted(AssignerProtocol.MemberAssignment.decode(x.memberAssignment)?.assignment[topic] ?? []).join() === share.join())?.memberId
    const bId = idOf(beforeRestart, bShare)
    const aId = idOf(beforeRestart, aShare)
    assert.ok(aId !== undefined && bId !== undefined, `DescribeGroups shows both shares: ${JSON.stringify(beforeRestart.members.map(x => x.memberId))}`)

    // Restart a: a static member does not leave the group when it closes, so the group keeps its slot.
    const bMark = b.events.length
    assert.equal(await a.close(), 0)
    const whileAway = await describeGroup(group)
    assert.equal(whileAway.members.length, 2, 'the closed static member still holds its place')
    const a2 = member('a-restarted', group, topic, 'range', watch, 'instance-a')
    await watch.until(() => a2.owned.length > 0, 'the restarted static member getting an assignment', () => [a2, b].map(m => m.describe()).join('\n'))
    assert.deepEqual(a2.owned, aShare, 'the same partitions as before the restart')
    const second = await produce(topic, 'static-second', 3)
    await consumedByOwners(watch, [a2, b], second, 'the restarted member and the other reading new events')
    assert.deepEqual(b.events.slice(bMark).filter(e => e.event !== 'message'), [], 'the other member saw no rebalance')
    const afterRestart = await describeGroup(group)
    assert.equal(afterRestart.state, 'Stable')
    assert.equal(idOf(afterRestart, bShare), bId, 'the other member kept its member id')
    assert.notEqual(idOf(afterRestart, aShare), aId, 'the restarted member has a new member id for the same share')

    // A second consumer with instance-a takes the slot; the running one is fenced (a fatal error in librdkafka).
    const a3 = member('a-duplicate', group, topic, 'range', watch, 'instance-a')
    await watch.until(() => a3.owned.length > 0 && a2.eventsOf('error').some(e => e.fatal === true),
      'the duplicate taking the slot and the running instance being fenced', () => [a2, a3, b].map(m => m.describe()).join('\n'))
    const fatal = a2.eventsOf('error').find(e => e.fatal === true)!
    assert.match(`${fatal.name ?? ''} ${fatal.reason ?? ''}`, /fenced|FENCED_INSTANCE_ID/i, JSON.stringify(fatal))
    assert.deepEqual(a3.owned, aShare)
    // The fenced consumer closes; whatever it sends on the way out must not disturb the group.
    await watch.until(() => a2.eventsOf('closed').length > 0, 'the fenced consumer closing', () => a2.describe())
    const third = await produce(topic, 'static-third', 3)
    await consumedByOwners(watch, [a3, b], third, 'the new instance and the other reading new events')
    assert.deepEqual(b.events.slice(bMark).filter(e => e.event !== 'message'), [], 'the other member still saw no rebalance')
  }))
})

/** A real assigner of our own for kafkajs: contiguous blocks of each topic's partitions, members in id order. */
const contiguousAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'ContiguousAssigner',
  version: 0,
  async assign ({ members, topics }) {
    const ids = members.map(m => m.memberId).sort()
    const shares = new Map<string, Record<string, number[]>>(ids.map(id => [id, {}]))
    for (const topic of topics) {
      const ps = cluster.findTopicPartitionMetadata(topic).map(m => m.partitionId).sort((x, y) => x - y)
      const size = Math.ceil(ps.length / ids.length)
      ids.forEach((id, i) => { shares.get(id)![topic] = ps.slice(i * size, (i + 1) * size) })
    }
    return ids.map(memberId => ({ memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: shares.get(memberId)!, userData: Buffer.alloc(0) }) }))
  },
  protocol ({ topics }) {
    return { name: 'ContiguousAssigner', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) }
  }
})
