// The rebalance engine shared by every operation: preparing a rebalance,
// completing the join phase (new generation, protocol, leader, answers to the
// parked JoinGroups), settling assignments, and the timers that expire members
// (session timeout), slow joiners (rebalance timeout) and members that never
// sync. Follows Kafka's GroupCoordinator (classic protocol) step by step.
import { ErrorCode } from '../../protocol/errors.js'
import type { CoordinatorCore } from './core.js'
import type { Group } from './group.js'
import { EMPTY_BYTES, joinError, syncError, type Member } from './member.js'
import { persistGroupInBackground } from './persistence.js'
import { GroupState } from './state.js'

/** (Re)arms a member's session timer; by default for its session timeout. */
export function scheduleHeartbeat (core: CoordinatorCore, group: Group, member: Member, timeoutMs = member.sessionTimeoutMs): void {
  if (member.heartbeatTimer !== null) core.clock.clearTimer(member.heartbeatTimer)
  member.heartbeatTimer = core.clock.setTimer(timeoutMs, () => onHeartbeatExpired(core, group, member))
}

export function clearHeartbeat (core: CoordinatorCore, member: Member): void {
  if (member.heartbeatTimer !== null) core.clock.clearTimer(member.heartbeatTimer)
  member.heartbeatTimer = null
}

function onHeartbeatExpired (core: CoordinatorCore, group: Group, member: Member): void {
  member.heartbeatTimer = null
  if (group.get(member.memberId) !== member) return
  // A known member parked in JoinGroup or SyncGroup cannot heartbeat; the
  // rebalance and pending-sync timeouts decide its fate instead (Kafka's shouldKeepAlive).
  if ((member.isAwaitingJoin && !member.isNew) || member.isAwaitingSync) {
    scheduleHeartbeat(core, group, member)
    return
  }
  core.logger?.info({ group: group.groupId, member: member.memberId }, 'member session expired')
  removeMemberAndUpdateGroup(core, group, member, 'session timeout')
}

/** A member leaves (LeaveGroup, expiry): answer its parked requests, then rebalance or finish the join. */
export function removeMemberAndUpdateGroup (core: CoordinatorCore, group: Group, member: Member, reason: string): void {
  member.answerJoin(joinError(member.memberId, ErrorCode.UNKNOWN_MEMBER_ID))
  member.answerSync(syncError(ErrorCode.UNKNOWN_MEMBER_ID))
  clearHeartbeat(core, member)
  group.remove(member.memberId)
  switch (group.state) {
    case GroupState.Stable:
    case GroupState.CompletingRebalance:
      maybePrepareRebalance(core, group, reason)
      break
    case GroupState.PreparingRebalance:
      maybeCompleteJoin(core, group)
      break
    default:
      break
  }
}

export function maybePrepareRebalance (core: CoordinatorCore, group: Group, reason: string): void {
  if (group.is(GroupState.Stable) || group.is(GroupState.CompletingRebalance) || group.is(GroupState.Empty)) {
    prepareRebalance(core, group, reason)
  }
}

export function prepareRebalance (core: CoordinatorCore, group: Group, reason: string): void {
  // Members waiting for an assignment of the old generation must rejoin instead.
  if (group.is(GroupState.CompletingRebalance)) resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS)
  clearSyncTimer(core, group)
  clearJoinTimer(core, group)
  const wasEmpty = group.is(GroupState.Empty)
  group.transitionTo(GroupState.PreparingRebalance, core.clock.now())
  core.logger?.info({ group: group.groupId, generation: group.generationId, reason }, 'preparing to rebalance')
  const rebalanceTimeoutMs = group.rebalanceTimeoutMs()
  if (wasEmpty) {
    // Kafka's InitialDelayedJoin: give the other members of a starting group a
    // moment to arrive, extended while new ones keep coming (up to the rebalance timeout).
    const delay = core.opts.initialRebalanceDelayMs
    group.initialDelay = { remainingMs: Math.max(rebalanceTimeoutMs - delay, 0), newMemberAdded: false }
    group.joinTimer = core.clock.setTimer(delay, () => onInitialDelayExpired(core, group))
  } else {
    group.initialDelay = null
    group.joinTimer = core.clock.setTimer(rebalanceTimeoutMs, () => completeJoin(core, group))
    maybeCompleteJoin(core, group)
  }
}

function onInitialDelayExpired (core: CoordinatorCore, group: Group): void {
  group.joinTimer = null
  const pending = group.initialDelay
  if (pending !== null && pending.newMemberAdded && pending.remainingMs > 0) {
    const delay = Math.min(core.opts.initialRebalanceDelayMs, pending.remainingMs)
    group.initialDelay = { remainingMs: Math.max(pending.remainingMs - delay, 0), newMemberAdded: false }
    group.joinTimer = core.clock.setTimer(delay, () => onInitialDelayExpired(core, group))
    return
  }
  completeJoin(core, group)
}

/** Completes the join phase early once every known member has rejoined (never during the initial delay). */
export function maybeCompleteJoin (core: CoordinatorCore, group: Group): void {
  if (group.is(GroupState.PreparingRebalance) && group.initialDelay === null && group.hasAllMembersJoined()) completeJoin(core, group)
}

/**
 * Ends the join phase: members that did not rejoin are dropped, the
 * generation advances, a protocol is chosen, and every parked JoinGroup is
 * answered (the leader with every member's metadata).
 */
export function completeJoin (core: CoordinatorCore, group: Group): void {
  clearJoinTimer(core, group)
  group.initialDelay = null
  if (!group.is(GroupState.PreparingRebalance)) return
  for (const member of [...group.members.values()]) {
    if (!member.isAwaitingJoin) {
      core.logger?.info({ group: group.groupId, member: member.memberId }, 'member did not rejoin in time')
      member.answerSync(syncError(ErrorCode.UNKNOWN_MEMBER_ID))
      clearHeartbeat(core, member)
      group.remove(member.memberId)
    }
  }
  const now = core.clock.now()
  group.generationId++
  core.opts.onRebalance?.(group.groupId, group.generationId)
  group.pendingSyncMembers.clear()
  if (group.members.size === 0) {
    group.protocolName = null
    group.transitionTo(GroupState.Empty, now)
    group.computeSubscribedTopics()
    persistGroupInBackground(core, group)
    core.logger?.info({ group: group.groupId, generation: group.generationId }, 'group is empty')
    return
  }
  group.protocolName = group.selectProtocol()
  group.computeSubscribedTopics()
  group.transitionTo(GroupState.CompletingRebalance, now)
  const leaderId = group.leaderId ?? ''
  const allMembers = group.currentMemberMetadata()
  for (const member of group.members.values()) {
    group.pendingSyncMembers.add(member.memberId)
    member.isNew = false
    member.answerJoin({
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId,
      memberId: member.memberId,
      members: member.memberId === leaderId ? allMembers : [],
      skipAssignment: false
    })
    scheduleHeartbeat(core, group, member)
  }
  const generation = group.generationId
  group.syncTimer = core.clock.setTimer(group.rebalanceTimeoutMs(), () => onPendingSyncExpired(core, group, generation))
  core.logger?.info({ group: group.groupId, generation, members: group.members.size, protocol: group.protocolName }, 'join phase complete')
}

/** Members of a generation that never sent SyncGroup within the rebalance timeout are removed. */
function onPendingSyncExpired (core: CoordinatorCore, group: Group, generation: number): void {
  group.syncTimer = null
  if (generation !== group.generationId || group.pendingSyncMembers.size === 0) return
  if (!group.is(GroupState.CompletingRebalance) && !group.is(GroupState.Stable)) return
  const missing = [...group.pendingSyncMembers]
  core.logger?.info({ group: group.groupId, members: missing }, 'removing members that did not sync')
  for (const memberId of missing) {
    const member = group.get(memberId)
    if (member === undefined) continue
    member.answerJoin(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID))
    clearHeartbeat(core, member)
    group.remove(memberId)
  }
  maybePrepareRebalance(core, group, 'members did not sync in time')
}

export function memberSynced (core: CoordinatorCore, group: Group, memberId: string): void {
  group.pendingSyncMembers.delete(memberId)
  if (group.pendingSyncMembers.size === 0) clearSyncTimer(core, group)
}

export function resetAndPropagateAssignmentError (group: Group, errorCode: number): void {
  for (const member of group.members.values()) {
    member.assignment = EMPTY_BYTES
    member.answerSync(syncError(errorCode))
  }
}

export function setAndPropagateAssignment (core: CoordinatorCore, group: Group, assignment: Map<string, Buffer>): void {
  for (const member of group.members.values()) {
    member.assignment = assignment.get(member.memberId) ?? EMPTY_BYTES
    if (member.isAwaitingSync) {
      member.answerSync({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment })
      scheduleHeartbeat(core, group, member)
    }
  }
}

export function clearJoinTimer (core: CoordinatorCore, group: Group): void {
  if (group.joinTimer !== null) core.clock.clearTimer(group.joinTimer)
  group.joinTimer = null
}

export function clearSyncTimer (core: CoordinatorCore, group: Group): void {
  if (group.syncTimer !== null) core.clock.clearTimer(group.syncTimer)
  group.syncTimer = null
}

/** A group that never got past a MEMBER_ID_REQUIRED leaves no trace. */
export function dropIfUnused (core: CoordinatorCore, group: Group): void {
  if (group.is(GroupState.Empty) && group.generationId === 0 && group.members.size === 0 &&
      group.pendingMembers.size === 0 && !group.hasOffsets() && core.groups.get(group.groupId) === group) {
    core.groups.delete(group.groupId)
  }
}

/** Stops every timer of a group that is going away (deleted, coordinator closing). */
export function clearGroupTimers (core: CoordinatorCore, group: Group): void {
  clearJoinTimer(core, group)
  clearSyncTimer(core, group)
  for (const member of group.members.values()) clearHeartbeat(core, member)
  for (const timer of group.pendingMembers.values()) core.clock.clearTimer(timer)
}
