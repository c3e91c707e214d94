// A classic group's state: members, generation, chosen protocol, committed
// offsets, and the timers of its current rebalance. The operations that move
// it through its states live beside it (join.ts, sync.ts, rebalance.ts, ...);
// this class only keeps the bookkeeping consistent.
import { canTransition, GroupState, type GroupStateName } from './state.js'
import { subscribedTopicsOf } from './consumer-protocol.js'
import type { TimerHandle } from './clock.js'
import type { JoinResult, Member, MemberProtocol } from './member.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'

export interface CommittedOffset {
  offset: bigint
  leaderEpoch: number
  metadata: string
  commitTimestamp: number
  /** Explicit expiry from OffsetCommit v2-4 retentionTimeMs; -1 when the broker's retention applies. */
  expireTimestamp: number
}

export const CONSUMER_PROTOCOL_TYPE = 'consumer'

export class Group {
  state: GroupStateName = GroupState.Empty
  /** When the group entered its current state (Kafka's currentStateTimestamp). */
  stateTimestamp: number
  generationId = 0
  protocolType: string | null = null
  protocolName: string | null = null
  leaderId: string | null = null
  readonly members = new Map<string, Member>()
  /** Member ids handed out with MEMBER_ID_REQUIRED, not yet joined with; each expires after the session timeout. */
  readonly pendingMembers = new Map<string, TimerHandle>()
  /** group.instance.id -> the member id that currently holds it. */
  readonly staticMembers = new Map<string, string>()
  /** Members of the current generation that have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>()
  readonly offsets = new Map<string, Map<number, CommittedOffset>>()
  /**
   * Commits written to the journal but not yet durable (Kafka's
   * pendingOffsetCommits): invisible to OffsetFetch until their write
   * succeeds, and dropped by a deletion of the partition meanwhile.
   */
  private readonly pendingOffsets = new Map<string, Map<number, CommittedOffset>>()
  /** Topics the consumer-protocol members subscribe to; null when unknown (not a consumer group, or undecodable). */
  subscribedTopics: Set<string> | null = null

  /** The join phase's timer (initial delay or rebalance timeout). */
  joinTimer: TimerHandle | null = null
  /** Armed while the initial rebalance delay of an empty group runs; it never completes early. */
  initialDelay: { remainingMs: number, newMemberAdded: boolean } | null = null
  /** Removes members that never sent SyncGroup for the generation. */
  syncTimer: TimerHandle | null = null

  private readonly protocolSupport = new Map<string, number>()

  constructor (readonly groupId: string, now: number) {
    this.stateTimestamp = now
  }

  is (state: GroupStateName): boolean { return this.state === state }

  transitionTo (state: GroupStateName, now: number): void {
    if (!canTransition(this.state, state)) {
      throw new TributaryError(TributaryErrorCode.GROUP_STATE, `group ${this.groupId} cannot go from ${this.state} to ${state}`)
    }
    this.state = state
    this.stateTimestamp = now
  }

  has (memberId: string): boolean { return this.members.has(memberId) }
  get (memberId: string): Member | undefined { return this.members.get(memberId) }
  isLeader (memberId: string): boolean { return this.leaderId === memberId }
  /** Committed offsets, or commits on their way to the journal (the group must not be dropped meanwhile). */
  hasOffsets (): boolean { return this.offsets.size > 0 || this.pendingOffsets.size > 0 }

  add (member: Member, waiter: ((r: JoinResult) => void) | null): void {
    if (this.members.size === 0) this.protocolType = member.protocolType
    if (this.leaderId === null) this.leaderId = member.memberId
    this.members.set(member.memberId, member)
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId)
    this.countProtocols(member.protocols, 1)
    member.joinWaiter = waiter
  }

  /** Drops a member; a departing leader hands leadership to the longest-standing remaining member. */
  remove (memberId: string): Member | undefined {
    const member = this.members.get(memberId)
    if (member === undefined) return undefined
    this.members.delete(memberId)
    this.countProtocols(member.protocols, -1)
    this.pendingSyncMembers.delete(memberId)
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId)
    }
    if (this.leaderId === memberId) {
      const next = this.members.keys().next()
      this.leaderId = next.done === true ? null : next.value
    }
    return member
  }

  updateMember (member: Member, protocols: MemberProtocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number): void {
    this.countProtocols(member.protocols, -1)
    member.protocols = protocols
    this.countProtocols(protocols, 1)
    member.rebalanceTimeoutMs = rebalanceTimeoutMs
    member.sessionTimeoutMs = sessionTimeoutMs
  }

  /** A static member rejoining without its member id takes a new one; the old id is fenced. */
  replaceStaticMember (member: Member, newMemberId: string): void {
    const oldMemberId = member.memberId
    this.members.delete(oldMemberId)
    this.pendingSyncMembers.delete(oldMemberId)
    member.memberId = newMemberId
    this.members.set(newMemberId, member)
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, newMemberId)
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId
  }

  /** The member id holding this group.instance.id, if any. */
  staticMemberId (groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId)
  }

  /** A static member whose instance id is now held by a different member id is fenced. */
  isStaticMemberFenced (groupInstanceId: string | null, memberId: string): boolean {
    if (groupInstanceId === null) return false
    const current = this.staticMembers.get(groupInstanceId)
    return current !== undefined && current !== memberId
  }

  /** Kafka's supportsProtocols: an empty group takes any protocol; otherwise one every member supports is needed. */
  supportsProtocols (protocolType: string, protocols: MemberProtocol[]): boolean {
    if (this.is(GroupState.Empty)) return protocolType.length > 0 && protocols.length > 0
    if (this.protocolType !== protocolType) return false
    const size = this.members.size
    return protocols.some(p => this.protocolSupport.get(p.name) === size)
  }

  /** Largest rebalance timeout among members: how long a rebalance waits for rejoins. */
  rebalanceTimeoutMs (): number {
    let max = 0
    for (const m of this.members.values()) if (m.rebalanceTimeoutMs > max) max = m.rebalanceTimeoutMs
    return max
  }

  hasAllMembersJoined (): boolean {
    if (this.pendingMembers.size > 0) return false
    for (const m of this.members.values()) if (!m.isAwaitingJoin) return false
    return true
  }

  /**
   * The protocol every member supports that most members list first, as Kafka
   * votes; ties go to the protocol the leader prefers.
   */
  selectProtocol (): string {
    const size = this.members.size
    const candidates = new Set<string>()
    for (const [name, count] of this.protocolSupport) if (count === size) candidates.add(name)
    const votes = new Map<string, number>()
    for (const m of this.members.values()) {
      const vote = m.vote(candidates)
      if (vote !== undefined) votes.set(vote, (votes.get(vote) ?? 0) + 1)
    }
    const leader = this.leaderId === null ? undefined : this.members.get(this.leaderId)
    const preference = leader?.protocols.map(p => p.name) ?? [...candidates]
    let best: string | undefined
    let bestVotes = -1
    for (const name of preference) {
      const n = votes.get(name) ?? 0
      if (candidates.has(name) && n > bestVotes) { best = name; bestVotes = n }
    }
    if (best === undefined) throw new TributaryError(TributaryErrorCode.GROUP_NO_PROTOCOL, `group ${this.groupId} has no protocol all members support`)
    return best
  }

  /** Each member's metadata for the chosen protocol: what the leader assigns from. */
  currentMemberMetadata (): JoinResult['members'] {
    const protocol = this.protocolName ?? ''
    return [...this.members.values()].map(m => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(protocol) }))
  }

  /** Recomputed per generation: OffsetDelete refuses topics a consumer group still reads. */
  computeSubscribedTopics (): void {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE || this.protocolName === null) {
      this.subscribedTopics = this.members.size === 0 ? new Set() : null
      return
    }
    const topics = new Set<string>()
    for (const m of this.members.values()) {
      const memberTopics = subscribedTopicsOf(m.metadataFor(this.protocolName))
      if (memberTopics === null) { this.subscribedTopics = null; return }
      for (const t of memberTopics) topics.add(t)
    }
    this.subscribedTopics = topics
  }

  isSubscribedToTopic (topic: string): boolean {
    return this.subscribedTopics === null || this.subscribedTopics.has(topic)
  }

  offset (topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(topic)?.get(partition)
  }

  setOffset (topic: string, partition: number, committed: CommittedOffset): void {
    setIn(this.offsets, topic, partition, committed)
  }

  /** True if a committed offset or a pending commit was removed (either way the deletion must be journaled). */
  deleteOffset (topic: string, partition: number): boolean {
    const pending = removeFrom(this.pendingOffsets, topic, partition)
    return removeFrom(this.offsets, topic, partition) || pending
  }

  /** A commit whose journal write has started; see completeOffsetCommit and failOffsetCommit. */
  prepareOffsetCommit (topic: string, partition: number, committed: CommittedOffset): void {
    setIn(this.pendingOffsets, topic, partition, committed)
  }

  /**
   * The commit's journal write succeeded: it becomes the committed offset
   * unless the partition's offsets were deleted since it was prepared (that
   * deletion was journaled after it). Writes complete in journal order, so a
   * later commit of the same partition lands last.
   */
  completeOffsetCommit (topic: string, partition: number, committed: CommittedOffset): void {
    const pending = this.pendingOffsets.get(topic)?.get(partition)
    if (pending === undefined) return
    setIn(this.offsets, topic, partition, committed)
    if (pending === committed) removeFrom(this.pendingOffsets, topic, partition)
  }

  /** The commit's journal write failed: the previous committed offset stays. */
  failOffsetCommit (topic: string, partition: number, committed: CommittedOffset): void {
    if (this.pendingOffsets.get(topic)?.get(partition) === committed) removeFrom(this.pendingOffsets, topic, partition)
  }

  private countProtocols (protocols: MemberProtocol[], delta: number): void {
    // A member listing a protocol twice still supports it once (Kafka counts a set).
    const names = protocols.length === 1 ? protocols.map(p => p.name) : new Set(protocols.map(p => p.name))
    for (const name of names) {
      const n = (this.protocolSupport.get(name) ?? 0) + delta
      if (n <= 0) this.protocolSupport.delete(name)
      else this.protocolSupport.set(name, n)
    }
  }
}

function setIn (table: Map<string, Map<number, CommittedOffset>>, topic: string, partition: number, committed: CommittedOffset): void {
  let partitions = table.get(topic)
  if (partitions === undefined) { partitions = new Map(); table.set(topic, partitions) }
  partitions.set(partition, committed)
}

function removeFrom (table: Map<string, Map<number, CommittedOffset>>, topic: string, partition: number): boolean {
  const partitions = table.get(topic)
  if (partitions === undefined || !partitions.delete(partition)) return false
  if (partitions.size === 0) table.delete(topic)
  return true
}
