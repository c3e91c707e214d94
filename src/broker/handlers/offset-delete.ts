// OffsetDelete (key 47), version 0.
//
// Deletes a group's committed offsets for some partitions, durably. A group
// with members keeps the offsets of topics it still subscribes to
// (GROUP_SUBSCRIBED_TO_TOPIC, read from the consumer protocol subscriptions);
// an Empty group left without offsets is removed. Errors: GROUP_ID_NOT_FOUND,
// NON_EMPTY_GROUP (active non-consumer group), INVALID_GROUP_ID at the top
// level (then no topics are answered); UNKNOWN_TOPIC_OR_PARTITION per partition.
import { offsetDeleteApi } from '../../protocol/messages/offset-delete.js'
import { ErrorCode } from '../../protocol/errors.js'
import { coordinatorOf } from './group-common.js'
import type { Handler } from './types.js'

export const offsetDeleteHandler: Handler<'OffsetDelete'> = {
  api: offsetDeleteApi,
  async handle (request, ctx) {
    const groups = coordinatorOf(ctx)
    const result = groups === null
      ? { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] }
      : await groups.deleteOffsets(request.groupId, request.topics)
    return { throttleTimeMs: 0, ...result }
  }
}
