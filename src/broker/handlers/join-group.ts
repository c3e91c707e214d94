// JoinGroup (key 11), versions 0-9.
//
// A member joins a classic group; the answer is held until the join phase
// completes (every known member rejoined, the rebalance timeout passed, or the
// initial rebalance delay of an empty group ran out), then carries the new
// generation, the chosen protocol, the leader and, for the leader only, every
// member's metadata. The broker picks a protocol all members support (by
// votes, as Kafka) and never looks inside assignments.
// Errors: INVALID_GROUP_ID, INVALID_SESSION_TIMEOUT, INCONSISTENT_GROUP_PROTOCOL,
// UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, MEMBER_ID_REQUIRED, COORDINATOR_NOT_AVAILABLE.
//
// Version notes: v0 has no rebalance timeout (the session timeout is used);
// v4+ answers a first join without member id with MEMBER_ID_REQUIRED and the
// id to rejoin with; v5 adds group.instance.id (static membership); v6 is
// flexible; v7 answers protocolType and a nullable protocolName; v8 adds a
// reason; v9 adds skipAssignment.
import { joinGroupApi } from '../../protocol/messages/join-group.js'
import { ErrorCode } from '../../protocol/errors.js'
import { coordinatorOf, kafkaClientHost, ownBytes } from './group-common.js'
import type { Handler } from './types.js'
import type { JoinResult } from '../groups/index.js'
import type { ResponseInput } from '../../protocol/messages/api-types.js'

export const joinGroupHandler: Handler<'JoinGroup'> = {
  api: joinGroupApi,
  async handle (request, ctx) {
    const v = ctx.apiVersion
    const groups = coordinatorOf(ctx)
    if (groups === null) return encode(joinErrorAnswer(request.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE), v)
    const result = await groups.join({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: v >= 5 ? request.groupInstanceId : null,
      clientId: ctx.clientId ?? '',
      clientHost: kafkaClientHost(ctx.clientHost),
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: v >= 1 && request.rebalanceTimeoutMs >= 0 ? request.rebalanceTimeoutMs : request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols.map(p => ({ name: p.name, metadata: ownBytes(p.metadata) })),
      requireKnownMemberId: v >= 4,
      supportSkippingAssignment: v >= 9,
      reason: v >= 8 ? request.reason : null
    })
    return encode(result, v)
  }
}

function joinErrorAnswer (memberId: string, errorCode: number): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leaderId: '', memberId, members: [], skipAssignment: false }
}

function encode (result: JoinResult, version: number): ResponseInput<'JoinGroup'> {
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    generationId: result.generationId,
    protocolType: result.protocolType,
    // Before v7 the protocol name is not nullable: "" stands for none.
    protocolName: version >= 7 ? result.protocolName : result.protocolName ?? '',
    leader: result.leaderId,
    skipAssignment: result.skipAssignment,
    memberId: result.memberId,
    members: result.members
  }
}
