// SyncGroup (key 14), versions 0-5.
//
// After the join phase each member asks for its assignment; the leader's
// request carries every member's. Followers' answers are held until the
// leader's assignment is durably stored, then everyone gets its share and the
// group is Stable. In a Stable group the current assignment is answered at once.
// Errors: UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, ILLEGAL_GENERATION,
// REBALANCE_IN_PROGRESS (a new rebalance started), INCONSISTENT_GROUP_PROTOCOL
// (v5 protocol type/name mismatch), COORDINATOR_NOT_AVAILABLE.
//
// Version notes: v1 adds throttle time; v3 adds group.instance.id; v4 is
// flexible; v5 adds protocolType and protocolName in request and answer.
import { syncGroupApi } from '../../protocol/messages/sync-group.js'
import { ErrorCode } from '../../protocol/errors.js'
import { coordinatorOf, ownBytes } from './group-common.js'
import type { Handler } from './types.js'

export const syncGroupHandler: Handler<'SyncGroup'> = {
  api: syncGroupApi,
  async handle (request, ctx) {
    const v = ctx.apiVersion
    const groups = coordinatorOf(ctx)
    if (groups === null) return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) }
    const result = await groups.sync({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: v >= 3 ? request.groupInstanceId : null,
      protocolType: v >= 5 ? request.protocolType : null,
      protocolName: v >= 5 ? request.protocolName : null,
      assignments: request.assignments.map(a => ({ memberId: a.memberId, assignment: ownBytes(a.assignment) }))
    })
    return { throttleTimeMs: 0, ...result }
  }
}
