// DescribeGroups (key 15), versions 0-5.
//
// Per group: state (Empty, PreparingRebalance, CompletingRebalance, Stable,
// Dead), protocol type, and members with client id and host ("/1.2.3.4").
// As in Kafka, the chosen protocol (protocolData) and each member's metadata
// and assignment are filled in only while the group is Stable. An unknown
// group (the empty id included, as Kafka allows it here) is answered as Dead
// with no error; an over-long group id gets INVALID_GROUP_ID.
//
// Version notes: v1 adds throttle time; v3 adds authorized operations (all
// group operations, as there are no ACLs; -2^31 when not asked for); v4 adds
// group.instance.id; v5 is flexible.
import { describeGroupsApi } from '../../protocol/messages/describe-groups.js'
import { ErrorCode } from '../../protocol/errors.js'
import { coordinatorOf } from './group-common.js'
import type { Handler } from './types.js'

export const describeGroupsHandler: Handler<'DescribeGroups'> = {
  api: describeGroupsApi,
  handle (request, ctx) {
    const groups = coordinatorOf(ctx)
    const include = ctx.apiVersion >= 3 && request.includeAuthorizedOperations
    if (groups === null) {
      return {
        throttleTimeMs: 0,
        groups: request.groups.map(groupId => ({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groupId, groupState: '', protocolType: '', protocolData: '', members: [] }))
      }
    }
    return { throttleTimeMs: 0, groups: groups.describeGroups(request.groups, include) }
  }
}
