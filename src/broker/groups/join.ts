// JoinGroup: a member arrives or comes back. New dynamic members on v4+ first
// get MEMBER_ID_REQUIRED with the id to rejoin with; static members
// (group.instance.id) take over their instance's slot and fence the previous
// holder. The answer is parked until the join phase completes (rebalance.ts).
import { randomUUID } from 'node:crypto'
import { ErrorCode } from '../../protocol/errors.js'
import { deferred, groupIdError, type CoordinatorCore } from './core.js'
import { Group } from './group.js'
import { joinError, Member, syncError, type JoinResult, type MemberProtocol } from './member.js'
import { persistGroup } from './persistence.js'
import { dropIfUnused, maybeCompleteJoin, maybePrepareRebalance, prepareRebalance, scheduleHeartbeat } from './rebalance.js'
import { GroupState } from './state.js'

export interface JoinRequest {
  groupId: string
  /** '' for a member's first join. */
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  protocolType: string
  protocols: MemberProtocol[]
  /** JoinGroup v4+: a first join gets MEMBER_ID_REQUIRED and an id. */
  requireKnownMemberId: boolean
  /** JoinGroup v9+: a returning static leader may skip the assignment. */
  supportSkippingAssignment: boolean
  reason: string | null
}

export function joinGroup (core: CoordinatorCore, req: JoinRequest): Promise<JoinResult> {
  const idError = groupIdError(core, req.groupId)
  if (idError !== ErrorCode.NONE) return answer(joinError(req.memberId, idError))
  if (req.sessionTimeoutMs < core.opts.minSessionTimeoutMs || req.sessionTimeoutMs > core.opts.maxSessionTimeoutMs) {
    return answer(joinError(req.memberId, ErrorCode.INVALID_SESSION_TIMEOUT))
  }
  const isNewMember = req.memberId === ''
  let group = core.groups.get(req.groupId)
  if (group === undefined) {
    if (!isNewMember) return answer(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID))
    if (req.protocolType.length === 0 || req.protocols.length === 0) return answer(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
    group = new Group(req.groupId, core.clock.now())
    core.groups.set(req.groupId, group)
  }
  const result = isNewMember ? newMemberJoin(core, group, req) : currentMemberJoin(core, group, req)
  if (group.is(GroupState.PreparingRebalance)) maybeCompleteJoin(core, group)
  return result
}

function answer (result: JoinResult): Promise<JoinResult> {
  return Promise.resolve(result)
}

function newMemberJoin (core: CoordinatorCore, group: Group, req: JoinRequest): Promise<JoinResult> {
  if (group.is(GroupState.Dead)) return answer(joinError('', ErrorCode.COORDINATOR_NOT_AVAILABLE))
  if (!group.supportsProtocols(req.protocolType, req.protocols)) return answer(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
  const newMemberId = `${req.groupInstanceId ?? req.clientId}-${randomUUID()}`
  if (req.groupInstanceId !== null) {
    const previous = group.staticMemberId(req.groupInstanceId)
    if (previous !== undefined) return replaceStaticMember(core, group, previous, newMemberId, req)
    return addMemberAndRebalance(core, group, newMemberId, req)
  }
  if (req.requireKnownMemberId) {
    addPendingMember(core, group, newMemberId, req.sessionTimeoutMs)
    return answer(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED))
  }
  return addMemberAndRebalance(core, group, newMemberId, req)
}

function currentMemberJoin (core: CoordinatorCore, group: Group, req: JoinRequest): Promise<JoinResult> {
  const memberId = req.memberId
  if (group.is(GroupState.Dead)) return answer(joinError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE))
  if (!group.supportsProtocols(req.protocolType, req.protocols)) return answer(joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL))
  if (group.pendingMembers.has(memberId)) {
    // Pending ids are only handed to dynamic members; a static join with one starts over.
    if (req.groupInstanceId !== null) return answer(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID))
    return addMemberAndRebalance(core, group, memberId, req)
  }
  if (group.isStaticMemberFenced(req.groupInstanceId, memberId)) return answer(joinError(memberId, ErrorCode.FENCED_INSTANCE_ID))
  const member = group.get(memberId)
  const instanceUnknown = req.groupInstanceId !== null && group.staticMemberId(req.groupInstanceId) === undefined
  if (member === undefined || instanceUnknown) return answer(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID))
  switch (group.state) {
    case GroupState.PreparingRebalance:
      return updateMemberAndRebalance(core, group, member, req, 'member rejoined during the rebalance')
    case GroupState.CompletingRebalance:
      // Same metadata: it most likely lost the JoinGroup answer, so give it again.
      if (member.matches(req.protocols)) return answer(currentGeneration(group, member, group.isLeader(memberId)))
      return updateMemberAndRebalance(core, group, member, req, 'member changed its metadata')
    case GroupState.Stable:
      // The leader rejoining forces a rebalance (it may see topic changes the metadata does not show).
      if (group.isLeader(memberId)) return updateMemberAndRebalance(core, group, member, req, 'leader rejoined')
      if (!member.matches(req.protocols)) return updateMemberAndRebalance(core, group, member, req, 'member changed its metadata')
      return answer(currentGeneration(group, member, false))
    default:
      return answer(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID))
  }
}

function currentGeneration (group: Group, member: Member, withMembers: boolean): JoinResult {
  return {
    errorCode: ErrorCode.NONE,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leaderId: group.leaderId ?? '',
    memberId: member.memberId,
    members: withMembers ? group.currentMemberMetadata() : [],
    skipAssignment: false
  }
}

function addPendingMember (core: CoordinatorCore, group: Group, memberId: string, sessionTimeoutMs: number): void {
  group.pendingMembers.set(memberId, core.clock.setTimer(sessionTimeoutMs, () => {
    if (!group.pendingMembers.delete(memberId)) return
    if (group.is(GroupState.PreparingRebalance)) maybeCompleteJoin(core, group)
    dropIfUnused(core, group)
  }))
}

function addMemberAndRebalance (core: CoordinatorCore, group: Group, memberId: string, req: JoinRequest): Promise<JoinResult> {
  const pendingTimer = group.pendingMembers.get(memberId)
  if (pendingTimer !== undefined) {
    core.clock.clearTimer(pendingTimer)
    group.pendingMembers.delete(memberId)
  }
  const member = new Member(memberId, req.groupInstanceId, req.clientId, req.clientHost, req.rebalanceTimeoutMs, req.sessionTimeoutMs, req.protocolType, req.protocols)
  member.isNew = true
  if (group.is(GroupState.PreparingRebalance) && group.initialDelay !== null) group.initialDelay.newMemberAdded = true
  const parked = deferred<JoinResult>()
  group.add(member, parked.resolve)
  // A new member cannot heartbeat before its first answer; it gets a long,
  // separate deadline so abandoned joins do not pile up (Kafka's NewMemberJoinTimeoutMs).
  scheduleHeartbeat(core, group, member, core.opts.newMemberJoinTimeoutMs)
  maybePrepareRebalance(core, group, `new member ${memberId} joined`)
  return parked.promise
}

function updateMemberAndRebalance (core: CoordinatorCore, group: Group, member: Member, req: JoinRequest, reason: string): Promise<JoinResult> {
  group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs)
  // A second JoinGroup supersedes a parked one (e.g. the client retried on a new connection).
  member.answerJoin(joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS))
  const parked = deferred<JoinResult>()
  member.joinWaiter = parked.resolve
  maybePrepareRebalance(core, group, reason)
  return parked.promise
}

/**
 * A static member rejoined without its member id (e.g. after a restart): it
 * takes a new id and the old one is fenced. A stable group whose protocol
 * choice does not change keeps its assignment and does not rebalance.
 */
function replaceStaticMember (core: CoordinatorCore, group: Group, oldMemberId: string, newMemberId: string, req: JoinRequest): Promise<JoinResult> {
  const member = group.get(oldMemberId) as Member
  const previousLeader = group.leaderId ?? ''
  member.answerJoin(joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID))
  member.answerSync(syncError(ErrorCode.FENCED_INSTANCE_ID))
  group.replaceStaticMember(member, newMemberId)
  member.clientId = req.clientId
  member.clientHost = req.clientHost
  scheduleHeartbeat(core, group, member)
  group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs)
  const parked = deferred<JoinResult>()
  member.joinWaiter = parked.resolve
  switch (group.state) {
    case GroupState.Stable:
      if (group.selectProtocol() === group.protocolName) {
        persistGroup(core, group).then(() => {
          if (req.supportSkippingAssignment && group.isLeader(newMemberId)) {
            member.answerJoin({ ...currentGeneration(group, member, true), leaderId: newMemberId, skipAssignment: true })
          } else {
            // The old leader id is answered on purpose: the new member id does not
            // match it, so a returning leader does not run a pointless assignment.
            member.answerJoin({ ...currentGeneration(group, member, false), leaderId: previousLeader })
          }
        }, err => {
          core.logger?.error({ err, group: group.groupId }, 'could not store static member replacement')
          member.answerJoin(joinError(newMemberId, ErrorCode.COORDINATOR_NOT_AVAILABLE))
        })
      } else {
        maybePrepareRebalance(core, group, `static member ${req.groupInstanceId ?? ''} rejoined with other protocols`)
      }
      break
    case GroupState.CompletingRebalance:
      // Everyone must learn the new member id.
      prepareRebalance(core, group, `static member ${req.groupInstanceId ?? ''} rejoined`)
      break
    default:
      // PreparingRebalance: it simply waits with the others.
      break
  }
  return parked.promise
}
