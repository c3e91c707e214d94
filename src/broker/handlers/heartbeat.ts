// Heartbeat (key 12), versions 0-4.
//
// Keeps a member's session alive (the session timeout restarts) and tells it
// to rejoin with REBALANCE_IN_PROGRESS while its group prepares a rebalance.
// Errors: UNKNOWN_MEMBER_ID (unknown member or group, or an Empty group),
// ILLEGAL_GENERATION, FENCED_INSTANCE_ID, INVALID_GROUP_ID, COORDINATOR_NOT_AVAILABLE.
//
// Version notes: v1 adds throttle time; v3 adds group.instance.id; v4 is flexible.
import { heartbeatApi } from '../../protocol/messages/heartbeat.js'
import { ErrorCode } from '../../protocol/errors.js'
import { coordinatorOf } from './group-common.js'
import type { Handler } from './types.js'

export const heartbeatHandler: Handler<'Heartbeat'> = {
  api: heartbeatApi,
  handle (request, ctx) {
    const groups = coordinatorOf(ctx)
    const errorCode = groups === null
      ? ErrorCode.COORDINATOR_NOT_AVAILABLE
      : groups.heartbeat({
        groupId: request.groupId,
        generationId: request.generationId,
        memberId: request.memberId,
        groupInstanceId: ctx.apiVersion >= 3 ? request.groupInstanceId : null
      })
    return { throttleTimeMs: 0, errorCode }
  }
}
