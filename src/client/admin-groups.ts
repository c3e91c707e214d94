// Consumer-group administration: list, describe (members and their
// assignments), committed offsets, committing offsets as an admin (generation -1,
// no member: Kafka accepts that only while the group has no members), delete.
import { listGroupsApi } from '../protocol/messages/list-groups.js'
import { describeGroupsApi } from '../protocol/messages/describe-groups.js'
import { offsetFetchApi } from '../protocol/messages/offset-fetch.js'
import { offsetCommitApi } from '../protocol/messages/offset-commit.js'
import { deleteGroupsApi } from '../protocol/messages/delete-groups.js'
import type { KafkaClient } from './client.js'
import { checkErrorCode, onlyEntry } from './errors.js'
import { decodeAssignment, type Assignment } from './consumer-protocol.js'

export interface GroupListing { groupId: string, protocolType: string, state: string | null }

export interface GroupMemberDescription {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  assignment: Assignment
}

export interface GroupDescription {
  groupId: string
  /** Empty, PreparingRebalance, CompletingRebalance, Stable, or Dead (Kafka's answer for an unknown group). */
  state: string
  protocolType: string
  protocol: string
  members: GroupMemberDescription[]
}

export interface CommittedOffset { topic: string, partition: number, offset: number, metadata: string | null }

export class GroupAdmin {
  constructor (private readonly client: KafkaClient) {}

  async list (): Promise<GroupListing[]> {
    const { body } = await this.client.any.request(listGroupsApi, { statesFilter: [] })
    checkErrorCode(body.errorCode, 'list groups')
    return body.groups
      .map(g => ({ groupId: g.groupId, protocolType: g.protocolType, state: g.groupState === '' ? null : g.groupState }))
      .sort((a, b) => a.groupId.localeCompare(b.groupId))
  }

  async describe (groupId: string): Promise<GroupDescription> {
    const connection = await this.client.coordinator(groupId)
    const { body } = await connection.request(describeGroupsApi, { groups: [groupId], includeAuthorizedOperations: false })
    const g = onlyEntry(body.groups, `describe group "${groupId}"`)
    checkErrorCode(g.errorCode, `describe group "${groupId}"`)
    return {
      groupId: g.groupId,
      state: g.groupState,
      protocolType: g.protocolType,
      protocol: g.protocolData,
      members: g.members.map(m => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        assignment: g.protocolType === 'consumer' ? decodeAssignment(m.memberAssignment) : {}
      }))
    }
  }

  /** Committed offsets of the group (topics null: every topic it has committed for). */
  async committed (groupId: string, topics: Array<{ topic: string, partitions: number[] }> | null = null): Promise<CommittedOffset[]> {
    const connection = await this.client.coordinator(groupId)
    const wanted = topics?.map(t => ({ name: t.topic, partitionIndexes: t.partitions })) ?? null
    const { body, version } = await connection.request(offsetFetchApi, {
      groupId,
      topics: wanted,
      groups: [{ groupId, memberId: null, memberEpoch: -1, topics: wanted }],
      requireStable: true
    }, { minVersion: 2 }) // v2+: a null topic list means all
    const answer = version >= 8 ? onlyEntry(body.groups, `fetch offsets of group "${groupId}"`) : body
    checkErrorCode(answer.errorCode, `fetch offsets of group "${groupId}"`)
    const out: CommittedOffset[] = []
    for (const t of answer.topics) {
      for (const p of t.partitions) {
        checkErrorCode(p.errorCode, `fetch offset of group "${groupId}" for ${t.name}/${p.partitionIndex}`)
        if (Number(p.committedOffset) >= 0) out.push({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset), metadata: p.metadata })
      }
    }
    return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
  }

  /** Commits offsets as a group member (generation and member id) or, with the defaults, as an admin. */
  async commit (groupId: string, offsets: Array<{ topic: string, partition: number, offset: number }>, member: { generationId: number, memberId: string } = { generationId: -1, memberId: '' }): Promise<void> {
    const connection = await this.client.coordinator(groupId)
    const byTopic = new Map<string, Array<{ partitionIndex: number, committedOffset: number, committedMetadata: string | null }>>()
    for (const o of offsets) {
      const list = byTopic.get(o.topic) ?? []
      list.push({ partitionIndex: o.partition, committedOffset: o.offset, committedMetadata: null })
      byTopic.set(o.topic, list)
    }
    const { body } = await connection.request(offsetCommitApi, {
      groupId,
      generationIdOrMemberEpoch: member.generationId,
      memberId: member.memberId,
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions }))
    }, { minVersion: 2, maxVersion: 8 }) // v9 is the KIP-848 protocol
    for (const t of body.topics) {
      for (const p of t.partitions) checkErrorCode(p.errorCode, `commit offset of group "${groupId}" for ${t.name}/${p.partitionIndex}`)
    }
  }

  async delete (groupId: string): Promise<void> {
    const connection = await this.client.coordinator(groupId)
    const { body } = await connection.request(deleteGroupsApi, { groupsNames: [groupId] })
    checkErrorCode(onlyEntry(body.results, `delete group "${groupId}"`).errorCode, `delete group "${groupId}"`)
  }
}
