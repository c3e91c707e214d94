// SyncGroup: after the join phase every member asks for its assignment; the
// leader's request carries everyone's. The answers wait until the leader's
// assignment is stored durably, then the group is Stable.
import { ErrorCode } from '../../protocol/errors.js'
import { currentMemberError, deferred, groupIdError, type CoordinatorCore } from './core.js'
import { syncError, type Member, type SyncResult } from './member.js'
import { persistGroup } from './persistence.js'
import { maybePrepareRebalance, memberSynced, resetAndPropagateAssignmentError, scheduleHeartbeat, setAndPropagateAssignment } from './rebalance.js'
import { GroupState } from './state.js'
import type { Group } from './group.js'
import type { RequestOf } from '../../protocol/messages/api-types.js'

/**
 * The SyncGroup request as decoded. Fields a version lacks hold their defaults:
 * groupInstanceId, protocolType and protocolName are null before v3/v5 (the
 * last two, when given, must match the group's).
 */
export type SyncRequest = RequestOf<'SyncGroup'>

export function syncGroup (core: CoordinatorCore, req: SyncRequest): Promise<SyncResult> {
  const error = validateSync(core, req)
  if (error !== ErrorCode.NONE) return Promise.resolve(syncError(error))
  const group = core.groups.get(req.groupId) as Group
  const member = group.get(req.memberId) as Member
  switch (group.state) {
    case GroupState.CompletingRebalance: {
      member.answerSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS))
      const parked = deferred<SyncResult>()
      member.syncWaiter = parked.resolve
      memberSynced(core, group, member.memberId)
      if (group.isLeader(member.memberId)) storeAssignment(core, group, req)
      return parked.promise
    }
    case GroupState.Stable:
      memberSynced(core, group, member.memberId)
      scheduleHeartbeat(core, group, member)
      return Promise.resolve({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment })
    case GroupState.PreparingRebalance:
      return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS))
    default:
      return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID))
  }
}

function validateSync (core: CoordinatorCore, req: SyncRequest): number {
  const idError = groupIdError(core, req.groupId)
  if (idError !== ErrorCode.NONE) return idError
  const group = core.groups.get(req.groupId)
  if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
  if (group.is(GroupState.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE
  const memberError = currentMemberError(group, req.memberId, req.groupInstanceId)
  if (memberError !== ErrorCode.NONE) return memberError
  if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
  if (req.protocolType !== null && req.protocolType !== group.protocolType) return ErrorCode.INCONSISTENT_GROUP_PROTOCOL
  if (req.protocolName !== null && req.protocolName !== group.protocolName) return ErrorCode.INCONSISTENT_GROUP_PROTOCOL
  return ErrorCode.NONE
}

/** Stores the leader's assignment, then hands each member its share (missing members get an empty one). */
function storeAssignment (core: CoordinatorCore, group: Group, req: SyncRequest): void {
  const assignment = new Map<string, Buffer>()
  for (const a of req.assignments) if (group.has(a.memberId)) assignment.set(a.memberId, a.assignment)
  const generation = group.generationId
  // Another member may join while the write is in flight; only the same generation still in CompletingRebalance settles.
  const stillCurrent = (): boolean => group.is(GroupState.CompletingRebalance) && group.generationId === generation
  persistGroup(core, group, assignment).then(() => {
    if (!stillCurrent()) return
    setAndPropagateAssignment(core, group, assignment)
    group.transitionTo(GroupState.Stable, core.clock.now())
    core.logger?.info({ group: group.groupId, generation, members: group.members.size }, 'group is stable')
  }, err => {
    core.logger?.error({ err, group: group.groupId }, 'could not store group assignment')
    if (!stillCurrent()) return
    resetAndPropagateAssignmentError(group, ErrorCode.COORDINATOR_NOT_AVAILABLE)
    maybePrepareRebalance(core, group, 'storing the assignment failed')
  })
}
