// A member of a classic consumer group: FindCoordinator, JoinGroup with the
// "consumer" protocol (range assignment computed here when we are the leader),
// SyncGroup, Heartbeat in the background, OffsetCommit with our generation, and
// LeaveGroup on close. Works alone or alongside other members (any Kafka client's).
//
// A rebalance shows up as REBALANCE_IN_PROGRESS on a heartbeat or a commit;
// `rejoinNeeded` then turns true and the owner commits what it has and calls
// join() again, as Kafka's consumer does between polls.
import { joinGroupApi } from '../protocol/messages/join-group.js'
import { syncGroupApi } from '../protocol/messages/sync-group.js'
import { heartbeatApi } from '../protocol/messages/heartbeat.js'
import { leaveGroupApi } from '../protocol/messages/leave-group.js'
import type { KafkaClient } from './client.js'
import type { KafkaConnection } from './connection.js'
import { GroupAdmin } from './admin-groups.js'
import { KafkaResponseError, checkErrorCode } from './errors.js'
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, rangeAssign, type Assignment } from './consumer-protocol.js'

const MEMBER_ID_REQUIRED = 79
const REBALANCE_IN_PROGRESS = 27
const UNKNOWN_MEMBER_ID = 25
const ILLEGAL_GENERATION = 22

export interface GroupMemberOptions {
  sessionTimeoutMs?: number
  rebalanceTimeoutMs?: number
  heartbeatIntervalMs?: number
}

export class GroupMember {
  memberId = ''
  generationId = -1
  assignment: Assignment = {}
  isLeader = false
  /** Set when the coordinator tells us the group is rebalancing. */
  rejoinNeeded = false
  private connection: KafkaConnection | null = null
  private heartbeatTimer: NodeJS.Timeout | null = null
  private readonly options: Required<GroupMemberOptions>

  constructor (private readonly client: KafkaClient, readonly groupId: string, readonly topics: string[], options: GroupMemberOptions = {}) {
    this.options = { sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000, heartbeatIntervalMs: 3_000, ...options }
  }

  /** Joins (or rejoins) the group and resolves with this member's assignment. */
  async join (): Promise<Assignment> {
    this.stopHeartbeats()
    this.connection ??= await this.client.coordinator(this.groupId)
    const connection = this.connection
    for (;;) {
      const { body: joined } = await connection.request(joinGroupApi, {
        groupId: this.groupId,
        sessionTimeoutMs: this.options.sessionTimeoutMs,
        rebalanceTimeoutMs: this.options.rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: encodeSubscription(this.topics) }],
        reason: null
      })
      if (joined.errorCode === MEMBER_ID_REQUIRED) { this.memberId = joined.memberId; continue }
      if (joined.errorCode === UNKNOWN_MEMBER_ID) { this.memberId = ''; continue }
      checkErrorCode(joined.errorCode, `join group "${this.groupId}"`)
      this.memberId = joined.memberId
      this.generationId = joined.generationId
      this.isLeader = joined.leader === joined.memberId
      const assignments = this.isLeader && joined.skipAssignment !== true ? await this.assign(joined.members) : []
      const { body: synced } = await connection.request(syncGroupApi, {
        groupId: this.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: joined.protocolName,
        assignments
      })
      if (synced.errorCode === REBALANCE_IN_PROGRESS) continue
      checkErrorCode(synced.errorCode, `sync group "${this.groupId}"`)
      this.assignment = decodeAssignment(synced.assignment)
      this.rejoinNeeded = false
      this.startHeartbeats()
      return this.assignment
    }
  }

  /** Commits offsets (the next offset to read, per partition) under our generation. */
  async commit (offsets: Array<{ topic: string, partition: number, offset: number }>): Promise<void> {
    if (offsets.length === 0) return
    try {
      await new GroupAdmin(this.client).commit(this.groupId, offsets, { generationId: this.generationId, memberId: this.memberId })
    } catch (err) {
      if (err instanceof KafkaResponseError && [REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID].includes(err.errorCode)) {
        this.rejoinNeeded = true
      }
      throw err
    }
  }

  /** Leaves the group so the others rebalance at once instead of after our session times out. */
  async leave (): Promise<void> {
    this.stopHeartbeats()
    if (this.connection === null || this.memberId === '') return
    const { body } = await this.connection.request(leaveGroupApi, {
      groupId: this.groupId,
      memberId: this.memberId,
      members: [{ memberId: this.memberId, groupInstanceId: null, reason: 'the tool is done' }]
    })
    if (body.errorCode !== UNKNOWN_MEMBER_ID) checkErrorCode(body.errorCode, `leave group "${this.groupId}"`)
    this.memberId = ''
  }

  private async assign (members: Array<{ memberId: string, metadata: Buffer }>): Promise<Array<{ memberId: string, assignment: Buffer }>> {
    const subscriptions = members.map(m => ({ memberId: m.memberId, topics: decodeSubscription(m.metadata) }))
    const allTopics = [...new Set(subscriptions.flatMap(s => s.topics))]
    const metadata = await this.client.metadata(allTopics)
    const counts = new Map(metadata.topics.filter(t => t.errorCode === 0).map(t => [t.name, t.partitions.length]))
    const plan = rangeAssign(subscriptions, topic => counts.get(topic) ?? 0)
    return Object.entries(plan).map(([memberId, assignment]) => ({ memberId, assignment: encodeAssignment(assignment) }))
  }

  private startHeartbeats (): void {
    this.heartbeatTimer = setInterval(() => { this.heartbeat().catch(() => { this.rejoinNeeded = true }) }, this.options.heartbeatIntervalMs)
    this.heartbeatTimer.unref()
  }

  private stopHeartbeats (): void {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer)
    this.heartbeatTimer = null
  }

  private async heartbeat (): Promise<void> {
    if (this.connection === null) return
    const { body } = await this.connection.request(heartbeatApi, { groupId: this.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: null })
    if (body.errorCode !== 0) this.rejoinNeeded = true
  }
}
