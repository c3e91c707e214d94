// OffsetFetch (key 9), versions 0-9 (v9 adds a member id and epoch that classic groups ignore).
//
// Answers a group's committed offsets: for the partitions asked, or every
// committed partition when topics is null (v2+). A partition without a
// committed offset answers offset -1, leader epoch -1 and metadata "" with no
// error; so does every partition of an unknown group.
// Group-level errors (INVALID_GROUP_ID, COORDINATOR_NOT_AVAILABLE): v0-1 put
// them on every requested partition, v2-7 answer them at the top level, v8
// per group.
//
// Version notes: v2 adds the top-level error and null topics; v3 adds throttle
// time; v5 adds the leader epoch; v6 is flexible; v7 adds requireStable (no
// pending transactional offsets exist yet, so it changes nothing); v8 batches
// groups.
import { offsetFetchApi } from '../../protocol/messages/offset-fetch.js'
import { ErrorCode } from '../../protocol/errors.js'
import { coordinatorOf } from './group-common.js'
import type { Handler } from './types.js'
import type { FetchResult, GroupCoordinator } from '../groups/index.js'
import type { RequestOf } from '../../protocol/messages/api-types.js'

type RequestedTopics = RequestOf<'OffsetFetch'>['topics']

function fetchOne (groups: GroupCoordinator | null, groupId: string, topics: RequestedTopics): FetchResult {
  if (groups === null) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] }
  return groups.fetchOffsets(groupId, topics)
}

export const offsetFetchHandler: Handler<'OffsetFetch'> = {
  api: offsetFetchApi,
  handle (request, ctx) {
    const v = ctx.apiVersion
    const groups = coordinatorOf(ctx)
    if (v >= 8) {
      return {
        throttleTimeMs: 0,
        groups: request.groups.map(g => ({ groupId: g.groupId, ...fetchOne(groups, g.groupId, g.topics) }))
      }
    }
    const result = fetchOne(groups, request.groupId, request.topics)
    if (v < 2 && result.errorCode !== ErrorCode.NONE) {
      // No top-level error before v2: the group's error goes on every requested partition.
      const topics = (request.topics ?? []).map(t => ({
        name: t.name,
        partitions: t.partitionIndexes.map(partitionIndex => ({ partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: result.errorCode }))
      }))
      return { throttleTimeMs: 0, topics, errorCode: result.errorCode }
    }
    return { throttleTimeMs: 0, topics: result.topics, errorCode: result.errorCode }
  }
}
