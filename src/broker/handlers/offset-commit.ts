// OffsetCommit (key 8), versions 0-9 (v9 is v8 for classic groups).
//
// Stores consumed positions for a group; answered once the commit is fsynced
// (concurrent commits share an fsync). Members of a managed group must give
// their generation and member id; generation -1 with no member id is the
// simple/admin form, accepted while the group has no members (it creates an
// offsets-only group if needed). Metadata strings are kept as given (null is
// stored as "").
// Per-partition errors: UNKNOWN_TOPIC_OR_PARTITION, OFFSET_METADATA_TOO_LARGE
// (over 4096 characters); for the whole request: ILLEGAL_GENERATION,
// UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, REBALANCE_IN_PROGRESS (while the
// group awaits its assignment), INVALID_GROUP_ID (over-long id; the empty id
// is allowed, as Kafka does for old clients), COORDINATOR_NOT_AVAILABLE.
//
// Version notes: v0 has no generation or member id; v1 adds a per-partition
// commit timestamp; v2-4 add a retention time (-1 = broker default); v3 adds
// throttle time; v5 drops the retention time; v6 adds the leader epoch; v7
// adds group.instance.id; v8 is flexible.
import { offsetCommitApi } from '../../protocol/messages/offset-commit.js'
import { ErrorCode } from '../../protocol/errors.js'
import { coordinatorOf } from './group-common.js'
import type { Handler } from './types.js'

export const offsetCommitHandler: Handler<'OffsetCommit'> = {
  api: offsetCommitApi,
  async handle (request, ctx) {
    const v = ctx.apiVersion
    const groups = coordinatorOf(ctx)
    if (groups === null) {
      return {
        throttleTimeMs: 0,
        topics: request.topics.map(t => ({ name: t.name, partitions: t.partitions.map(p => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE })) }))
      }
    }
    const topics = await groups.commitOffsets({
      groupId: request.groupId,
      generationId: v >= 1 ? request.generationIdOrMemberEpoch : -1,
      memberId: v >= 1 ? request.memberId : '',
      groupInstanceId: v >= 7 ? request.groupInstanceId : null,
      retentionTimeMs: v >= 2 && v <= 4 ? request.retentionTimeMs : -1,
      topics: request.topics
    })
    return { throttleTimeMs: 0, topics }
  }
}
