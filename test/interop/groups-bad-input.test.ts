/* eslint-disable @typescript-eslint/no-explicit-any -- raw wire answers are decoded untyped (the API is chosen per call) and read field by field */
// Bad group requests over a raw socket, encoded with the project's codec at real protocol versions
// (non-flexible as kafkajs sends them, flexible as @platformatic/kafka does): each gets Kafka's error
// code, and none of them changes another group - not in memory, and not in what a restart reads back.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel } from 'kafkajs'
import { describeGroupsApi } from '../../src/protocol/messages/describe-groups.js'
import { heartbeatApi } from '../../src/protocol/messages/heartbeat.js'
import { joinGroupApi } from '../../src/protocol/messages/join-group.js'
import { leaveGroupApi } from '../../src/protocol/messages/leave-group.js'
import { listGroupsApi } from '../../src/protocol/messages/list-groups.js'
import { offsetCommitApi } from '../../src/protocol/messages/offset-commit.js'
import { offsetFetchApi } from '../../src/protocol/messages/offset-fetch.js'
import { syncGroupApi } from '../../src/protocol/messages/sync-group.js'
import type { ApiSpec } from '../../src/protocol/messages/spec.js'
import { decodeResponse, encodeRequest } from '../../src/protocol/headers.js'
import { kafkaErrorName } from '../../src/protocol/errors.js'
import { BrokerProcess } from '../helpers/broker-process.js'
import { RawKafkaConnection } from '../helpers/raw-kafka.js'

const topic = 'orders'

/** One connection speaking whole requests: encode with the codec, send, decode the answer at the same version. */
class GroupWire {
  private correlationId = 0
  private constructor (private readonly connection: RawKafkaConnection) {}

  static async open (broker: BrokerProcess): Promise<GroupWire> {
    return new GroupWire(await RawKafkaConnection.open(broker.host, broker.kafkaPort))
  }

  async call (api: ApiSpec, version: number, body: object): Promise<any> {
    const correlationId = ++this.correlationId
    this.connection.write(Buffer.concat(encodeRequest(api, version, correlationId, 'bad-input-test', body)))
    const { header, body: answer } = decodeResponse(await this.connection.nextFrame(), api, version)
    assert.equal(header.correlationId, correlationId)
    return answer
  }

  close (): void { this.connection.destroy() }
}

const names = (codes: number[]): string[] => codes.map(kafkaErrorName)

interface Joined { groupId: string, memberId: string, generationId: number }

/** A one-member group, joined the way kafkajs joins (JoinGroup v5: MEMBER_ID_REQUIRED, then again), synced, with a long session. */
async function joinAlone (wire: GroupWire, groupId: string): Promise<Joined> {
  const join = (memberId: string): Promise<any> => wire.call(joinGroupApi, 5, {
    groupId,
    sessionTimeoutMs: 300_000,
    rebalanceTimeoutMs: 10_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('subscription of ' + groupId) }]
  })
  const first = await join('')
  assert.equal(kafkaErrorName(first.errorCode), 'MEMBER_ID_REQUIRED')
  const joined = await join(first.memberId)
  assert.equal(joined.errorCode, 0)
  assert.equal(joined.leader, first.memberId)
  const synced = await wire.call(syncGroupApi, 3, {
    groupId,
    generationId: joined.generationId,
    memberId: first.memberId,
    groupInstanceId: null,
    assignments: [{ memberId: first.memberId, assignment: Buffer.from('all of ' + topic) }]
  })
  assert.equal(synced.errorCode, 0)
  return { groupId, memberId: first.memberId, generationId: joined.generationId }
}

async function commit (wire: GroupWire, version: number, group: Joined, partitions: Array<{ topic?: string, partition: number, offset: number, metadata?: string }>): Promise<Array<[string, number, string]>> {
  const byTopic = new Map<string, Array<{ partitionIndex: number, committedOffset: bigint, committedMetadata: string }>>()
  for (const p of partitions) {
    const name = p.topic ?? topic
    byTopic.set(name, [...(byTopic.get(name) ?? []), { partitionIndex: p.partition, committedOffset: BigInt(p.offset), committedMetadata: p.metadata ?? '' }])
  }
  const answer = await wire.call(offsetCommitApi, version, {
    groupId: group.groupId,
    generationIdOrMemberEpoch: group.generationId,
    memberId: group.memberId,
    groupInstanceId: null,
    topics: [...byTopic].map(([name, parts]) => ({ name, partitions: parts }))
  })
  return answer.topics.flatMap((t: any) => t.partitions.map((p: any) => [t.name, p.partitionIndex, kafkaErrorName(p.errorCode)]))
}

/** Committed offsets and metadata of partitions 0 and 1, through OffsetFetch v5. */
async function fetchCommitted (wire: GroupWire, groupId: string): Promise<Array<[number, number, string | null]>> {
  const answer = await wire.call(offsetFetchApi, 5, { groupId, topics: [{ name: topic, partitionIndexes: [0, 1] }] })
  assert.equal(answer.errorCode, 0)
  return answer.topics[0].partitions.map((p: any) => [p.partitionIndex, Number(p.committedOffset), p.metadata])
}

async function describeOne (wire: GroupWire, groupId: string): Promise<{ state: string, members: string[], protocol: string }> {
  const answer = await wire.call(describeGroupsApi, 2, { groups: [groupId] })
  const g = answer.groups[0]
  assert.equal(g.errorCode, 0)
  return { state: g.groupState, members: g.members.map((m: any) => m.memberId), protocol: g.protocolData }
}

describe('bad consumer-group requests get Kafka\'s error codes and leave other groups alone', { timeout: 90_000 }, () => {
  let broker: BrokerProcess
  let wire: GroupWire
  let bystander: Joined
  let target: Joined
  const bystanderOffsets: Array<[number, number, string | null]> = [[0, 5, 'bystander checkpoint'], [1, 7, '']]

  before(async () => {
    broker = await BrokerProcess.start({ env: { TRIBUTARY_GROUP_INITIAL_REBALANCE_DELAY_MS: '0' } })
    const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })
    await admin.disconnect()
    wire = await GroupWire.open(broker)
    bystander = await joinAlone(wire, 'bystanders')
    assert.deepEqual(await commit(wire, 5, bystander, [{ partition: 0, offset: 5, metadata: 'bystander checkpoint' }, { partition: 1, offset: 7 }]),
      [[topic, 0, 'NONE'], [topic, 1, 'NONE']])
    target = await joinAlone(wire, 'targets')
    assert.deepEqual(await commit(wire, 5, target, [{ partition: 0, offset: 1 }, { partition: 1, offset: 1 }]), [[topic, 0, 'NONE'], [topic, 1, 'NONE']])
  })

  after(async () => {
    wire?.close()
    await broker?.cleanup()
  })

  test('an empty or a 256-character group id is INVALID_GROUP_ID for JoinGroup, SyncGroup, Heartbeat and LeaveGroup', () => broker.explain(async () => {
    for (const groupId of ['', 'g'.repeat(256)]) {
      const joined = await wire.call(joinGroupApi, 5, { groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] })
      const flexibleJoin = await wire.call(joinGroupApi, 9, { groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], reason: null })
      const synced = await wire.call(syncGroupApi, 3, { groupId, generationId: 1, memberId: 'm', assignments: [] })
      const beat = await wire.call(heartbeatApi, 4, { groupId, generationId: 1, memberId: 'm' })
      const left = await wire.call(leaveGroupApi, 3, { groupId, members: [{ memberId: 'm' }] })
      assert.deepEqual(names([joined.errorCode, flexibleJoin.errorCode, synced.errorCode, beat.errorCode, left.errorCode]),
        Array(5).fill('INVALID_GROUP_ID'), `group id of ${groupId.length} characters`)
    }
    const tooLong = { ...target, groupId: 'g'.repeat(256) }
    assert.deepEqual(await commit(wire, 5, tooLong, [{ partition: 0, offset: 3 }]), [[topic, 0, 'INVALID_GROUP_ID']])
    const listed = await wire.call(listGroupsApi, 2, {})
    assert.deepEqual(listed.groups.map((g: any) => g.groupId).sort(), ['bystanders', 'targets'], 'no group was created by the bad ids')
  }))

  test('commits for an unknown topic or partition are UNKNOWN_TOPIC_OR_PARTITION per partition; the known partition in the same request is stored', () => broker.explain(async () => {
    assert.deepEqual(await commit(wire, 5, target, [{ partition: 0, offset: 11 }, { partition: 99, offset: 4 }, { topic: 'no-such-topic', partition: 0, offset: 3 }]),
      [[topic, 0, 'NONE'], [topic, 99, 'UNKNOWN_TOPIC_OR_PARTITION'], ['no-such-topic', 0, 'UNKNOWN_TOPIC_OR_PARTITION']])
    assert.deepEqual(await fetchCommitted(wire, 'targets'), [[0, 11, ''], [1, 1, '']])
    const everything = await wire.call(offsetFetchApi, 5, { groupId: 'targets', topics: null })
    assert.deepEqual(everything.topics.map((t: any) => t.name), [topic], 'nothing was stored for the unknown topic')
  }))

  test('a wrong generation is ILLEGAL_GENERATION for OffsetCommit, Heartbeat and SyncGroup, and stores nothing', () => broker.explain(async () => {
    const stale = { ...target, generationId: target.generationId + 5 }
    assert.deepEqual(await commit(wire, 5, stale, [{ partition: 0, offset: 99 }, { partition: 1, offset: 99 }]), [[topic, 0, 'ILLEGAL_GENERATION'], [topic, 1, 'ILLEGAL_GENERATION']])
    assert.deepEqual(await commit(wire, 8, stale, [{ partition: 0, offset: 99 }]), [[topic, 0, 'ILLEGAL_GENERATION']], 'flexible OffsetCommit v8')
    const beat = await wire.call(heartbeatApi, 3, { groupId: 'targets', generationId: stale.generationId, memberId: target.memberId, groupInstanceId: null })
    const flexibleBeat = await wire.call(heartbeatApi, 4, { groupId: 'targets', generationId: stale.generationId, memberId: target.memberId, groupInstanceId: null })
    const synced = await wire.call(syncGroupApi, 3, { groupId: 'targets', generationId: stale.generationId, memberId: target.memberId, assignments: [] })
    assert.deepEqual(names([beat.errorCode, flexibleBeat.errorCode, synced.errorCode]), ['ILLEGAL_GENERATION', 'ILLEGAL_GENERATION', 'ILLEGAL_GENERATION'])
    assert.deepEqual(await fetchCommitted(wire, 'targets'), [[0, 11, ''], [1, 1, '']])
    const heartbeat = await wire.call(heartbeatApi, 3, { groupId: 'targets', generationId: target.generationId, memberId: target.memberId, groupInstanceId: null })
    assert.equal(kafkaErrorName(heartbeat.errorCode), 'NONE', 'the real member of the real generation is still fine')
  }))

  test('an unknown member is UNKNOWN_MEMBER_ID for OffsetCommit, Heartbeat, SyncGroup and LeaveGroup, and the group keeps its member', () => broker.explain(async () => {
    const ghost = { ...target, memberId: 'ghost-member' }
    assert.deepEqual(await commit(wire, 5, ghost, [{ partition: 0, offset: 42 }]), [[topic, 0, 'UNKNOWN_MEMBER_ID']])
    const beat = await wire.call(heartbeatApi, 3, { groupId: 'targets', generationId: target.generationId, memberId: 'ghost-member', groupInstanceId: null })
    const synced = await wire.call(syncGroupApi, 3, { groupId: 'targets', generationId: target.generationId, memberId: 'ghost-member', assignments: [] })
    const left = await wire.call(leaveGroupApi, 3, { groupId: 'targets', members: [{ memberId: 'ghost-member', groupInstanceId: null }] })
    assert.deepEqual(names([beat.errorCode, synced.errorCode]), ['UNKNOWN_MEMBER_ID', 'UNKNOWN_MEMBER_ID'])
    assert.equal(kafkaErrorName(left.errorCode), 'NONE', 'LeaveGroup v3+ answers per member')
    assert.deepEqual(left.members.map((m: any) => [m.memberId, kafkaErrorName(m.errorCode)]), [['ghost-member', 'UNKNOWN_MEMBER_ID']])
    // A group that does not exist: no member can be in it, and a generation >= 0 cannot be current.
    const noGroupBeat = await wire.call(heartbeatApi, 3, { groupId: 'never-made', generationId: 1, memberId: 'ghost-member', groupInstanceId: null })
    assert.equal(kafkaErrorName(noGroupBeat.errorCode), 'UNKNOWN_MEMBER_ID')
    assert.deepEqual(await commit(wire, 5, { groupId: 'never-made', memberId: 'ghost-member', generationId: 1 }, [{ partition: 0, offset: 1 }]), [[topic, 0, 'ILLEGAL_GENERATION']])
    assert.equal((await describeOne(wire, 'never-made')).state, 'Dead', 'the refused requests created no group')

    assert.deepEqual(await describeOne(wire, 'targets'), { state: 'Stable', members: [target.memberId], protocol: 'range' })
    assert.deepEqual(await fetchCommitted(wire, 'targets'), [[0, 11, ''], [1, 1, '']])
  }))

  test('commit metadata over 4096 characters is OFFSET_METADATA_TOO_LARGE for that partition only', () => broker.explain(async () => {
    assert.deepEqual(await commit(wire, 5, target, [{ partition: 0, offset: 20, metadata: 'm'.repeat(4097) }, { partition: 1, offset: 21, metadata: 'small' }]),
      [[topic, 0, 'OFFSET_METADATA_TOO_LARGE'], [topic, 1, 'NONE']])
    assert.deepEqual(await commit(wire, 8, target, [{ partition: 0, offset: 22, metadata: 'x'.repeat(10_000) }]), [[topic, 0, 'OFFSET_METADATA_TOO_LARGE']], 'flexible OffsetCommit v8')
    assert.deepEqual(await commit(wire, 5, target, [{ partition: 0, offset: 23, metadata: 'k'.repeat(4096) }]), [[topic, 0, 'NONE']], 'exactly 4096 characters is allowed')
    assert.deepEqual(await fetchCommitted(wire, 'targets'), [[0, 23, 'k'.repeat(4096)], [1, 21, 'small']])
  }))

  test('a join with another protocol or a session timeout out of bounds is refused and the group keeps its generation', () => broker.explain(async () => {
    const other = await wire.call(joinGroupApi, 3, { groupId: 'targets', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'some-other-assignor', metadata: Buffer.alloc(0) }] })
    assert.equal(kafkaErrorName(other.errorCode), 'INCONSISTENT_GROUP_PROTOCOL')
    const short = await wire.call(joinGroupApi, 3, { groupId: 'targets', sessionTimeoutMs: 1000, rebalanceTimeoutMs: 10_000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] })
    assert.equal(kafkaErrorName(short.errorCode), 'INVALID_SESSION_TIMEOUT')
    assert.deepEqual(await describeOne(wire, 'targets'), { state: 'Stable', members: [target.memberId], protocol: 'range' })
    const heartbeat = await wire.call(heartbeatApi, 3, { groupId: 'targets', generationId: target.generationId, memberId: target.memberId, groupInstanceId: null })
    assert.equal(kafkaErrorName(heartbeat.errorCode), 'NONE', 'no rebalance was started')
  }))

  test('after all that, the bystander group is untouched, in memory and after a restart, and the target kept only its accepted commits', () => broker.explain(async () => {
    assert.deepEqual(await describeOne(wire, 'bystanders'), { state: 'Stable', members: [bystander.memberId], protocol: 'range' })
    assert.deepEqual(await fetchCommitted(wire, 'bystanders'), bystanderOffsets)
    wire.close()
    assert.equal(await broker.stop(), 0)
    await broker.restart()
    wire = await GroupWire.open(broker)
    assert.deepEqual(await fetchCommitted(wire, 'bystanders'), bystanderOffsets)
    assert.deepEqual(await fetchCommitted(wire, 'targets'), [[0, 23, 'k'.repeat(4096)], [1, 21, 'small']])
    const listed = await wire.call(listGroupsApi, 2, {})
    assert.deepEqual(listed.groups.map((g: any) => g.groupId).sort(), ['bystanders', 'targets'])
  }))
})
