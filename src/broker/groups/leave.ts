// LeaveGroup: one member (v0-2) or a batch (v3+, also administrative removal
// of static members by group.instance.id alone) leaves; the rest rebalance.
import { ErrorCode } from '../../protocol/errors.js'
import { currentMemberError, groupIdError, type CoordinatorCore } from './core.js'
import type { Group } from './group.js'
import { dropIfUnused, maybeCompleteJoin, removeMemberAndUpdateGroup } from './rebalance.js'
import { GroupState } from './state.js'

export interface LeavingMember { memberId: string, groupInstanceId: string | null }

export interface LeaveResult {
  errorCode: number
  members: Array<{ memberId: string, groupInstanceId: string | null, errorCode: number }>
}

export function leaveGroup (core: CoordinatorCore, groupId: string, leaving: LeavingMember[]): LeaveResult {
  const idError = groupIdError(core, groupId)
  if (idError !== ErrorCode.NONE) return { errorCode: idError, members: [] }
  const group = core.groups.get(groupId)
  if (group === undefined) {
    return { errorCode: ErrorCode.NONE, members: leaving.map(m => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) }
  }
  if (group.is(GroupState.Dead)) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] }
  const members = leaving.map(m => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: leaveOne(core, group, m) }))
  dropIfUnused(core, group)
  return { errorCode: ErrorCode.NONE, members }
}

function leaveOne (core: CoordinatorCore, group: Group, leaving: LeavingMember): number {
  if (leaving.memberId === '') {
    // Administrative removal by instance id alone.
    const holder = leaving.groupInstanceId === null ? undefined : group.staticMemberId(leaving.groupInstanceId)
    if (holder === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    removeMember(core, group, holder)
    return ErrorCode.NONE
  }
  const pendingTimer = group.pendingMembers.get(leaving.memberId)
  if (pendingTimer !== undefined) {
    core.clock.clearTimer(pendingTimer)
    group.pendingMembers.delete(leaving.memberId)
    if (group.is(GroupState.PreparingRebalance)) maybeCompleteJoin(core, group)
    return ErrorCode.NONE
  }
  const error = currentMemberError(group, leaving.memberId, leaving.groupInstanceId)
  if (error !== ErrorCode.NONE) return error
  removeMember(core, group, leaving.memberId)
  return ErrorCode.NONE
}

function removeMember (core: CoordinatorCore, group: Group, memberId: string): void {
  const member = group.get(memberId)
  if (member === undefined) return
  core.logger?.info({ group: group.groupId, member: memberId }, 'member left')
  removeMemberAndUpdateGroup(core, group, member, `member ${memberId} left`)
}
