// DeleteGroups (key 42), versions 0-2.
//
// Deletes groups with their committed offsets, durably (tombstones fsynced
// before the answer). Only groups without members can go: NON_EMPTY_GROUP
// otherwise; GROUP_ID_NOT_FOUND for unknown groups; INVALID_GROUP_ID for
// over-long ids (the empty id is a group like any other, as in Kafka).
//
// Version notes: v1 is the same as v0; v2 is flexible.
import { deleteGroupsApi } from '../../protocol/messages/delete-groups.js'
import { ErrorCode } from '../../protocol/errors.js'
import { coordinatorOf } from './group-common.js'
import type { Handler } from './types.js'

export const deleteGroupsHandler: Handler<'DeleteGroups'> = {
  api: deleteGroupsApi,
  async handle (request, ctx) {
    const groups = coordinatorOf(ctx)
    const results = groups === null
      ? request.groupsNames.map(groupId => ({ groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }))
      : await groups.deleteGroups(request.groupsNames)
    return { throttleTimeMs: 0, results }
  }
}
