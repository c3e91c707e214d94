// Heartbeat: keeps a member's session alive and tells it when to rejoin
// (REBALANCE_IN_PROGRESS while the group prepares a rebalance).
import { ErrorCode } from '../../protocol/errors.js'
import { currentMemberError, groupIdError, type CoordinatorCore } from './core.js'
import type { Member } from './member.js'
import { scheduleHeartbeat } from './rebalance.js'
import { GroupState } from './state.js'
import type { RequestOf } from '../../protocol/messages/api-types.js'

/** The Heartbeat request as decoded (groupInstanceId is null before v3). */
export type HeartbeatRequest = RequestOf<'Heartbeat'>

/** The error code to answer. */
export function heartbeat (core: CoordinatorCore, req: HeartbeatRequest): number {
  const idError = groupIdError(core, req.groupId)
  if (idError !== ErrorCode.NONE) return idError
  const group = core.groups.get(req.groupId)
  if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
  if (group.is(GroupState.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE
  const memberError = currentMemberError(group, req.memberId, req.groupInstanceId)
  if (memberError !== ErrorCode.NONE) return memberError
  if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
  const member = group.get(req.memberId) as Member
  switch (group.state) {
    case GroupState.Stable:
    case GroupState.CompletingRebalance:
      // Consumers may heartbeat between their JoinGroup and SyncGroup answers.
      scheduleHeartbeat(core, group, member)
      return ErrorCode.NONE
    case GroupState.PreparingRebalance:
      scheduleHeartbeat(core, group, member)
      return ErrorCode.REBALANCE_IN_PROGRESS
    default:
      return ErrorCode.UNKNOWN_MEMBER_ID
  }
}
