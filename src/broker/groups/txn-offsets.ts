// Offsets committed inside a transaction (TxnOffsetCommit). The transaction
// coordinator (src/broker/txn) keeps them staged in its own durable log and
// hands them here only when the transaction commits, so an aborted
// transaction's offsets are never visible. The producer's epoch was checked
// when they were staged; the group membership check is Kafka's for
// TxnOffsetCommit v3+ (generation -1 with no member skips it, as older clients send).
import { ErrorCode } from '../../protocol/errors.js'
import { currentMemberError, groupIdError, type CoordinatorCore } from './core.js'
import { Group } from './group.js'
import { GroupState } from './state.js'
import { RecordType, type OffsetEntry } from './store-records.js'

export interface TxnOffset {
  topic: string
  partition: number
  offset: bigint
  leaderEpoch: number
  metadata: string
}

/** Error code for staging a transactional commit for this group and member (NONE if allowed). */
export function txnOffsetCommitError (core: CoordinatorCore, groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): number {
  const idError = groupIdError(core, groupId)
  if (idError !== ErrorCode.NONE) return idError
  const group = core.groups.get(groupId)
  if (group === undefined || (generationId < 0 && memberId === '' && groupInstanceId === null)) return ErrorCode.NONE
  if (group.is(GroupState.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE
  const memberError = currentMemberError(group, memberId, groupInstanceId)
  if (memberError !== ErrorCode.NONE) return memberError
  return generationId === group.generationId ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION
}

/** Makes a committed transaction's offsets the group's committed offsets; resolves once journaled. */
export async function applyTxnOffsets (core: CoordinatorCore, groupId: string, offsets: TxnOffset[]): Promise<void> {
  if (offsets.length === 0) return
  const now = core.clock.now()
  let group = core.groups.get(groupId)
  if (group === undefined || group.is(GroupState.Dead)) {
    group = new Group(groupId, now)
    core.groups.set(groupId, group)
  }
  const entries: OffsetEntry[] = offsets.map(o => ({
    topic: o.topic,
    partition: o.partition,
    offset: o.offset,
    leaderEpoch: o.leaderEpoch,
    metadata: o.metadata,
    commitTimestamp: now,
    expireTimestamp: -1
  }))
  for (const e of entries) group.setOffset(e.topic, e.partition, e)
  await core.store.append({ type: RecordType.Offsets, groupId, entries })
}
