// LeaveGroup (key 13), versions 0-5.
//
// Members leave their group, which rebalances without them. v3+ takes a
// batch, and a static member may be removed by group.instance.id alone (empty
// member id), as Kafka's admin client does. Each member gets its own error
// (UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID); the request-level error is for the
// group (INVALID_GROUP_ID, COORDINATOR_NOT_AVAILABLE).
//
// Version notes: v0-2 carry one member id and answer one error code (the
// member's error when the group's is NONE); v1 adds throttle time; v3 batches
// members; v4 is flexible; v5 adds a reason per member.
import { leaveGroupApi } from '../../protocol/messages/leave-group.js'
import { ErrorCode } from '../../protocol/errors.js'
import { coordinatorOf } from './group-common.js'
import type { Handler } from './types.js'

export const leaveGroupHandler: Handler<'LeaveGroup'> = {
  api: leaveGroupApi,
  handle (request, ctx) {
    const v = ctx.apiVersion
    const leaving = v >= 3
      ? request.members.map(m => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
      : [{ memberId: request.memberId, groupInstanceId: null }]
    const groups = coordinatorOf(ctx)
    const result = groups === null
      ? { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] }
      : groups.leave(request.groupId, leaving)
    if (v >= 3) return { throttleTimeMs: 0, errorCode: result.errorCode, members: result.members }
    const memberError = result.members[0]?.errorCode ?? ErrorCode.NONE
    return { throttleTimeMs: 0, errorCode: result.errorCode !== ErrorCode.NONE ? result.errorCode : memberError, members: [] }
  }
}
