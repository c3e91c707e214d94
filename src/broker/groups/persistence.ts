// Between the in-memory groups and the journal: the records a change writes,
// and how replayed records rebuild the groups. A group's metadata is written
// when a generation's assignment is settled (leader's SyncGroup) and when the group empties, as Kafka does;
// `stored` keeps exactly what was written, so a restart never resumes a
// half-finished rebalance.
import type { CoordinatorCore } from './core.js'
import { Group } from './group.js'
import { Member } from './member.js'
import { GroupState } from './state.js'
import { RecordType, type StoredGroup, type StoreRecord } from './store-records.js'

const stored = new WeakMap<Group, StoredGroup>()

export function storedGroupOf (group: Group, assignment?: Map<string, Buffer>): StoredGroup {
  const protocol = group.protocolName ?? ''
  return {
    type: RecordType.Group,
    groupId: group.groupId,
    protocolType: group.protocolType,
    generationId: group.generationId,
    protocolName: group.protocolName,
    leaderId: group.leaderId,
    stateTimestamp: group.stateTimestamp,
    members: [...group.members.values()].map(m => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      sessionTimeoutMs: m.sessionTimeoutMs,
      subscription: m.metadataFor(protocol),
      assignment: assignment?.get(m.memberId) ?? m.assignment
    }))
  }
}

/** Writes the group's metadata durably; resolves once fsynced. */
export function persistGroup (core: CoordinatorCore, group: Group, assignment?: Map<string, Buffer>): Promise<void> {
  const record = storedGroupOf(group, assignment)
  stored.set(group, record)
  return core.store.append(record)
}

/** Like persistGroup, for changes nobody waits on: a failure is logged, and the next write supersedes it. */
export function persistGroupInBackground (core: CoordinatorCore, group: Group): void {
  persistGroup(core, group).catch(err => core.logger?.error({ err, group: group.groupId }, 'could not store group metadata'))
}

export function forgetStoredGroup (group: Group): void {
  stored.delete(group)
}

/** Applies one replayed record to the group table (groups get their members in materialize()). */
export function applyRecord (groups: Map<string, Group>, record: StoreRecord, now: number): void {
  if (record.type === RecordType.GroupDelete) {
    groups.delete(record.groupId)
    return
  }
  let group = groups.get(record.groupId)
  if (group === undefined) {
    if (record.type === RecordType.OffsetDeletes) return
    group = new Group(record.groupId, now)
    groups.set(record.groupId, group)
  }
  switch (record.type) {
    case RecordType.Offsets:
      for (const e of record.entries) {
        group.setOffset(e.topic, e.partition, { offset: e.offset, leaderEpoch: e.leaderEpoch, metadata: e.metadata, commitTimestamp: e.commitTimestamp, expireTimestamp: e.expireTimestamp })
      }
      break
    case RecordType.OffsetDeletes:
      for (const e of record.entries) group.deleteOffset(e.topic, e.partition)
      break
    case RecordType.Group:
      stored.set(group, record)
      break
  }
}

/**
 * Turns a replayed group's last stored metadata into live state: a group that
 * had members comes back Stable with them (their sessions restart now, so
 * members that reconnect carry on without a rebalance and the others expire);
 * one without members comes back Empty.
 */
export function materialize (group: Group, now: number): void {
  const record = stored.get(group)
  if (record === undefined) return
  group.generationId = record.generationId
  group.protocolType = record.protocolType
  group.protocolName = record.protocolName
  group.stateTimestamp = record.stateTimestamp
  if (record.members.length === 0 || record.protocolName === null) return
  for (const m of record.members) {
    const member = new Member(m.memberId, m.groupInstanceId, m.clientId, m.clientHost, m.rebalanceTimeoutMs, m.sessionTimeoutMs,
      record.protocolType ?? '', [{ name: record.protocolName, metadata: m.subscription }])
    member.assignment = m.assignment
    group.add(member, null)
  }
  group.leaderId = record.leaderId !== null && group.has(record.leaderId) ? record.leaderId : group.leaderId
  group.state = GroupState.Stable
  group.stateTimestamp = now
  group.computeSubscribedTopics()
}
