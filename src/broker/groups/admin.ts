// The administrative group APIs: DescribeGroups, ListGroups, DeleteGroups and
// OffsetDelete. Deletions are written to the journal (tombstones) and
// answered once fsynced.
import { ErrorCode } from '../../protocol/errors.js'
import { groupIdError, type CoordinatorCore } from './core.js'
import { CONSUMER_PROTOCOL_TYPE, type Group } from './group.js'
import { EMPTY_BYTES } from './member.js'
import { forgetStoredGroup } from './persistence.js'
import { clearGroupTimers } from './rebalance.js'
import { GroupState, parseGroupState } from './state.js'
import { RecordType, type StoreRecord } from './store-records.js'

/** DescribeGroups' authorizedOperations: READ, DELETE and DESCRIBE (no ACLs here, so everything a group allows). */
const GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8)
const NOT_REQUESTED = -2147483648

export interface DescribedGroup {
  errorCode: number
  groupId: string
  groupState: string
  protocolType: string
  protocolData: string
  members: Array<{ memberId: string, groupInstanceId: string | null, clientId: string, clientHost: string, memberMetadata: Buffer, memberAssignment: Buffer }>
  authorizedOperations: number
}

export function describeGroups (core: CoordinatorCore, groupIds: string[], includeAuthorizedOperations: boolean): DescribedGroup[] {
  const operations = includeAuthorizedOperations ? GROUP_OPERATIONS : NOT_REQUESTED
  return groupIds.map(groupId => {
    const idError = groupIdError(core, groupId, true)
    const blank = { groupId, protocolType: '', protocolData: '', members: [], authorizedOperations: operations }
    if (idError !== ErrorCode.NONE) return { ...blank, errorCode: idError, groupState: '' }
    const group = core.groups.get(groupId)
    if (group === undefined) return { ...blank, errorCode: ErrorCode.NONE, groupState: GroupState.Dead }
    // Metadata and assignments are shown only for a stable group, as Kafka does.
    const stable = group.is(GroupState.Stable)
    const protocol = stable ? group.protocolName ?? '' : ''
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      groupState: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: protocol,
      members: [...group.members.values()].map(m => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? m.metadataFor(protocol) : EMPTY_BYTES,
        memberAssignment: stable ? m.assignment : EMPTY_BYTES
      })),
      authorizedOperations: operations
    }
  })
}

export interface ListedGroup { groupId: string, protocolType: string, groupState: string }

export function listGroups (core: CoordinatorCore, statesFilter: string[]): { errorCode: number, groups: ListedGroup[] } {
  if (!core.active) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] }
  const wanted = new Set(statesFilter.map(s => parseGroupState(s) ?? s))
  const groups: ListedGroup[] = []
  for (const group of core.groups.values()) {
    if (wanted.size > 0 && !wanted.has(group.state)) continue
    groups.push({ groupId: group.groupId, protocolType: group.protocolType ?? '', groupState: group.state })
  }
  return { errorCode: ErrorCode.NONE, groups }
}

/** Removes a group and everything it stored; the caller writes the returned tombstone. */
export function removeGroup (core: CoordinatorCore, group: Group): StoreRecord {
  group.transitionTo(GroupState.Dead, core.clock.now())
  clearGroupTimers(core, group)
  forgetStoredGroup(group)
  core.groups.delete(group.groupId)
  return { type: RecordType.GroupDelete, groupId: group.groupId }
}

/** Only Empty groups can be deleted (NON_EMPTY_GROUP otherwise); their offsets go with them. */
export async function deleteGroups (core: CoordinatorCore, groupIds: string[]): Promise<Array<{ groupId: string, errorCode: number }>> {
  const tombstones: StoreRecord[] = []
  const results = groupIds.map(groupId => {
    const idError = groupIdError(core, groupId, true)
    if (idError !== ErrorCode.NONE) return { groupId, errorCode: idError }
    const group = core.groups.get(groupId)
    if (group === undefined || group.is(GroupState.Dead)) return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND }
    if (!group.is(GroupState.Empty)) return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP }
    tombstones.push(removeGroup(core, group))
    return { groupId, errorCode: ErrorCode.NONE }
  })
  if (tombstones.length > 0) {
    try {
      await core.store.append(tombstones)
    } catch (err) {
      core.logger?.error({ err, groups: results.filter(r => r.errorCode === ErrorCode.NONE).map(r => r.groupId) }, 'could not store group deletions')
      for (const r of results) if (r.errorCode === ErrorCode.NONE) r.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE
    }
  }
  return results
}

export interface OffsetDeleteResult {
  errorCode: number
  topics: Array<{ name: string, partitions: Array<{ partitionIndex: number, errorCode: number }> }>
}

/**
 * OffsetDelete: an Empty group loses the offsets; an active consumer group
 * keeps those of topics it still subscribes to (GROUP_SUBSCRIBED_TO_TOPIC).
 * A group error answers with no topics, as Kafka does.
 */
export async function deleteOffsets (core: CoordinatorCore, groupId: string, topics: Array<{ name: string, partitions: Array<{ partitionIndex: number }> }>): Promise<OffsetDeleteResult> {
  const idError = groupIdError(core, groupId)
  if (idError !== ErrorCode.NONE) return { errorCode: idError, topics: [] }
  const group = core.groups.get(groupId)
  if (group === undefined || group.is(GroupState.Dead)) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] }
  const active = !group.is(GroupState.Empty)
  if (active && group.protocolType !== CONSUMER_PROTOCOL_TYPE) return { errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] }
  const deletes: Array<{ topic: string, partition: number }> = []
  const out = topics.map(t => ({
    name: t.name,
    partitions: t.partitions.map(({ partitionIndex }) => {
      let errorCode: number = ErrorCode.NONE
      if (!core.opts.topicPartitionExists(t.name, partitionIndex)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
      else if (active && group.isSubscribedToTopic(t.name)) errorCode = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC
      else if (group.deleteOffset(t.name, partitionIndex)) deletes.push({ topic: t.name, partition: partitionIndex })
      return { partitionIndex, errorCode }
    })
  }))
  const records: StoreRecord[] = []
  if (deletes.length > 0) records.push({ type: RecordType.OffsetDeletes, groupId, entries: deletes })
  // An Empty group left without offsets is gone, as Kafka's cleanup does it.
  if (group.is(GroupState.Empty) && !group.hasOffsets()) records.push(removeGroup(core, group))
  if (records.length > 0) {
    try {
      await core.store.append(records)
    } catch (err) {
      core.logger?.error({ err, group: groupId }, 'could not store offset deletions')
      return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] }
    }
  }
  return { errorCode: ErrorCode.NONE, topics: out }
}
