// ListGroups (key 16), versions 0-4.
//
// Every group this coordinator knows, with its protocol type ("" for groups
// that only store offsets). v4 adds a states filter (matched
// case-insensitively; empty = all) and each group's state in the answer.
//
// Version notes: v1 adds throttle time; v3 is flexible; v4 adds statesFilter
// and groupState.
import { listGroupsApi } from '../../protocol/messages/list-groups.js'
import { ErrorCode } from '../../protocol/errors.js'
import { coordinatorOf } from './group-common.js'
import type { Handler } from './types.js'

export const listGroupsHandler: Handler<'ListGroups'> = {
  api: listGroupsApi,
  handle (request, ctx) {
    const groups = coordinatorOf(ctx)
    if (groups === null) return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] }
    const filter = ctx.apiVersion >= 4 ? request.statesFilter ?? [] : []
    return { throttleTimeMs: 0, ...groups.listGroups(filter) }
  }
}
