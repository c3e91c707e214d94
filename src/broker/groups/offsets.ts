// OffsetCommit and OffsetFetch. A commit is checked as Kafka checks it
// (generation and member of a managed group; generation -1 with no member for
// simple and admin use while the group is Empty), written to the journal, and
// made visible (kept in memory) and answered only once fsynced; a failed write
// leaves the previous committed offset in place.
import { ErrorCode } from '../../protocol/errors.js'
import { currentMemberError, groupIdError, type CoordinatorCore } from './core.js'
import { Group } from './group.js'
import { dropIfUnused, scheduleHeartbeat } from './rebalance.js'
import { GroupState } from './state.js'
import { RecordType, type OffsetEntry } from './store-records.js'

export interface CommitPartition {
  partitionIndex: number
  committedOffset: bigint
  /** v6+; -1 when unknown. */
  committedLeaderEpoch?: number
  /** v1 only; -1 means "now". */
  commitTimestamp?: bigint | number
  committedMetadata: string | null
}

export interface CommitRequest {
  groupId: string
  /** -1 (and v0) for commits from outside group management. */
  generationId: number
  memberId: string
  groupInstanceId: string | null
  /** v2-4; -1 means the broker's retention. */
  retentionTimeMs: bigint | number
  topics: Array<{ name: string, partitions: CommitPartition[] }>
}

export interface CommitTopicResult {
  name: string
  partitions: Array<{ partitionIndex: number, errorCode: number }>
}

export async function commitOffsets (core: CoordinatorCore, req: CommitRequest): Promise<CommitTopicResult[]> {
  // Each requested partition beside its answer, so the passes below need no parallel indexes.
  const slots = req.topics.map(t => ({
    topic: t,
    partitions: t.partitions.map(p => {
      const answer: CommitTopicResult['partitions'][number] = { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE }
      return { request: p, answer }
    }),
  }))
  const result: CommitTopicResult[] = slots.map(t => ({ name: t.topic.name, partitions: t.partitions.map(p => p.answer) }))
  const fail = (code: number): CommitTopicResult[] => {
    for (const t of result) for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE) p.errorCode = code
    return result
  }
  const idError = groupIdError(core, req.groupId, true)
  if (idError !== ErrorCode.NONE) return fail(idError)

  // Unknown partitions are answered before the group is looked at, as Kafka's request handler does.
  let known = 0
  for (const { topic, partitions } of slots) {
    for (const { request, answer } of partitions) {
      if (core.opts.topicPartitionExists(topic.name, request.partitionIndex)) known++
      else answer.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    }
  }
  if (known === 0) return result

  let group = core.groups.get(req.groupId)
  if (group === undefined) {
    // A group that is only used to store offsets; any other generation is from a group that is gone.
    if (req.generationId >= 0) return fail(ErrorCode.ILLEGAL_GENERATION)
    group = new Group(req.groupId, core.clock.now())
    core.groups.set(req.groupId, group)
  }
  const groupError = validateCommit(group, req)
  if (groupError !== ErrorCode.NONE) return fail(groupError)
  if (group.is(GroupState.CompletingRebalance)) return fail(ErrorCode.REBALANCE_IN_PROGRESS)
  if (!group.is(GroupState.Empty)) {
    // A commit from a member is as good as a heartbeat (commits during PreparingRebalance are allowed).
    const member = group.get(req.memberId)
    if (member !== undefined) scheduleHeartbeat(core, group, member)
  }

  const now = core.clock.now()
  const retention = Number(req.retentionTimeMs)
  const expireTimestamp = retention >= 0 ? now + retention : -1
  const entries: OffsetEntry[] = []
  for (const { topic, partitions } of slots) {
    for (const { request: p, answer: out } of partitions) {
      if (out.errorCode !== ErrorCode.NONE) continue
      const metadata = p.committedMetadata ?? ''
      if (metadata.length > core.opts.offsetMetadataMaxBytes) { out.errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE; continue }
      const requestedTime = p.commitTimestamp === undefined ? -1 : Number(p.commitTimestamp)
      const entry: OffsetEntry = {
        topic: topic.name,
        partition: p.partitionIndex,
        offset: BigInt(p.committedOffset),
        leaderEpoch: p.committedLeaderEpoch ?? -1,
        metadata,
        commitTimestamp: requestedTime === -1 ? now : requestedTime,
        expireTimestamp
      }
      entries.push(entry)
      group.prepareOffsetCommit(entry.topic, entry.partition, entry)
    }
  }
  if (entries.length === 0) {
    dropIfUnused(core, group)
    return result
  }
  try {
    await core.store.append({ type: RecordType.Offsets, groupId: req.groupId, entries })
  } catch (err) {
    core.logger?.error({ err, group: req.groupId }, 'could not store committed offsets')
    for (const e of entries) group.failOffsetCommit(e.topic, e.partition, e)
    dropIfUnused(core, group)
    return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE)
  }
  for (const e of entries) group.completeOffsetCommit(e.topic, e.partition, e)
  return result
}

/** Kafka's validateOffsetCommit (non-transactional). */
function validateCommit (group: Group, req: CommitRequest): number {
  if (group.is(GroupState.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE
  if (req.generationId >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
    const memberError = currentMemberError(group, req.memberId, req.groupInstanceId)
    if (memberError !== ErrorCode.NONE) return memberError
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    return ErrorCode.NONE
  }
  // Outside group management: only while nobody is a member.
  return group.is(GroupState.Empty) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID
}

export interface FetchedPartition {
  partitionIndex: number
  committedOffset: bigint
  committedLeaderEpoch: number
  metadata: string | null
  errorCode: number
}

export interface FetchedTopic { name: string, partitions: FetchedPartition[] }

export interface FetchResult { errorCode: number, topics: FetchedTopic[] }

/** Committed offsets of one group; `topics` null means every committed partition. Missing ones are -1. */
export function fetchOffsets (core: CoordinatorCore, groupId: string, topics: Array<{ name: string, partitionIndexes: number[] }> | null): FetchResult {
  const idError = groupIdError(core, groupId, true)
  if (idError !== ErrorCode.NONE) return { errorCode: idError, topics: [] }
  const group = core.groups.get(groupId)
  const live = group !== undefined && !group.is(GroupState.Dead) ? group : undefined
  if (topics === null) {
    const all: FetchedTopic[] = []
    if (live !== undefined) {
      for (const [name, partitions] of live.offsets) {
        const fetched: FetchedPartition[] = []
        for (const [partitionIndex, c] of partitions) {
          fetched.push({ partitionIndex, committedOffset: c.offset, committedLeaderEpoch: c.leaderEpoch, metadata: c.metadata, errorCode: ErrorCode.NONE })
        }
        all.push({ name, partitions: fetched })
      }
    }
    return { errorCode: ErrorCode.NONE, topics: all }
  }
  return {
    errorCode: ErrorCode.NONE,
    topics: topics.map(t => ({
      name: t.name,
      partitions: t.partitionIndexes.map(partitionIndex => {
        const c = live?.offset(t.name, partitionIndex)
        return c === undefined
          ? { partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE }
          : { partitionIndex, committedOffset: c.offset, committedLeaderEpoch: c.leaderEpoch, metadata: c.metadata, errorCode: ErrorCode.NONE }
      })
    }))
  }
}
