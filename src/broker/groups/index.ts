/**
 * The group coordinator: Kafka's classic consumer-group protocol for a
 * single-node broker, with committed offsets and group metadata kept in a
 * durable journal (<dataDir>/__groups).
 *
 * ```ts
 * const groups = new GroupCoordinator({ dataDir, nodeId: 1, topicPartitionExists: (t, p) => ..., initialRebalanceDelayMs: 300 })
 * await groups.open()                      // replays the journal
 * const joined = await groups.join({...})  // resolves when the join phase completes
 * const synced = await groups.sync({...})  // resolves when the leader's assignment is stored
 * groups.heartbeat({...})                  // -> error code
 * await groups.commitOffsets({...})        // resolves once fsynced
 * await groups.close()
 * ```
 *
 * Every method answers Kafka error codes inside its result; none throws for
 * bad input. Handlers in src/broker/handlers/ map versions onto these calls.
 */
import { join as joinPath } from 'node:path'
import { ErrorCode } from '../../protocol/errors.js'
import { describeGroups, deleteGroups, deleteOffsets, listGroups, type DescribedGroup, type ListedGroup, type OffsetDeleteResult } from './admin.js'
import { systemClock, type Clock, type TimerHandle } from './clock.js'
import { resolveOptions, type CoordinatorCore, type GroupCoordinatorOptions, type ResolvedOptions } from './core.js'
import { expireOffsets } from './expiry.js'
import type { Group } from './group.js'
import { heartbeat, type HeartbeatRequest } from './heartbeat.js'
import { joinGroup, type JoinRequest } from './join.js'
import { leaveGroup, type LeaveResult, type LeavingMember } from './leave.js'
import { joinError, syncError, type JoinResult, type SyncResult } from './member.js'
import { commitOffsets, fetchOffsets, type CommitRequest, type CommitTopicResult, type FetchResult } from './offsets.js'
import { applyRecord, materialize } from './persistence.js'
import { clearGroupTimers, scheduleHeartbeat } from './rebalance.js'
import { groupOverview, type GroupOverview } from './overview.js'
import { GroupStore, type RecoveryReport } from './store.js'
import { syncGroup, type SyncRequest } from './sync.js'
import { applyTxnOffsets, txnOffsetCommitError, type TxnOffset } from './txn-offsets.js'

export type { GroupCoordinatorOptions, GroupLogger } from './core.js'
export type { JoinRequest } from './join.js'
export type { SyncRequest } from './sync.js'
export type { HeartbeatRequest } from './heartbeat.js'
export type { LeavingMember, LeaveResult } from './leave.js'
export type { CommitRequest, CommitPartition, CommitTopicResult, FetchResult, FetchedTopic, FetchedPartition } from './offsets.js'
export type { DescribedGroup, ListedGroup, OffsetDeleteResult } from './admin.js'
export type { JoinResult, SyncResult, MemberProtocol } from './member.js'
export type { Clock, TimerHandle } from './clock.js'
export type { TxnOffset } from './txn-offsets.js'
export type { GroupOverview } from './overview.js'
export { GroupState } from './state.js'
export { subscribedTopicsOf, encodeSubscription } from './consumer-protocol.js'

export class GroupCoordinator {
  readonly nodeId: number
  private readonly core: CoordinatorCore
  private readonly advertised: (() => { host: string, port: number }) | undefined
  private expiryTimer: TimerHandle | null = null
  private recovery: RecoveryReport | null = null

  constructor (options: GroupCoordinatorOptions) {
    const clock: Clock = options.clock ?? systemClock(options.now)
    const groups = new Map<string, Group>()
    this.nodeId = options.nodeId
    this.advertised = options.advertised
    this.core = {
      opts: resolveOptions(options),
      clock,
      groups,
      logger: options.logger,
      active: false,
      store: new GroupStore({ dir: joinPath(options.dataDir, '__groups'), compactAfterBytes: options.compactAfterBytes, fs: options.fs, logger: options.logger })
    }
  }

  get options (): ResolvedOptions { return this.core.opts }
  /** What the last open() found in the journal. */
  get recovered (): RecoveryReport | null { return this.recovery }

  /** Where clients reach this coordinator, if the broker told us. */
  endpoint (): { nodeId: number, host: string, port: number } | undefined {
    const a = this.advertised?.()
    return a === undefined ? undefined : { nodeId: this.nodeId, ...a }
  }

  async open (): Promise<void> {
    const { core } = this
    const now = core.clock.now()
    this.recovery = await core.store.open(record => applyRecord(core.groups, record, now))
    for (const group of core.groups.values()) {
      materialize(group, now)
      for (const member of group.members.values()) scheduleHeartbeat(core, group, member)
    }
    core.active = true
    this.scheduleExpiry()
    core.logger?.info({ groups: core.groups.size, ...this.recovery }, 'group coordinator opened')
  }

  async close (): Promise<void> {
    const { core } = this
    core.active = false
    if (this.expiryTimer !== null) core.clock.clearTimer(this.expiryTimer)
    this.expiryTimer = null
    // Parked requests learn that this coordinator is gone, as on Kafka's unload.
    for (const group of core.groups.values()) {
      clearGroupTimers(core, group)
      for (const member of group.members.values()) {
        member.answerJoin(joinError(member.memberId, ErrorCode.NOT_COORDINATOR))
        member.answerSync(syncError(ErrorCode.NOT_COORDINATOR))
      }
    }
    await core.store.close()
  }

  join (req: JoinRequest): Promise<JoinResult> { return joinGroup(this.core, req) }
  sync (req: SyncRequest): Promise<SyncResult> { return syncGroup(this.core, req) }
  heartbeat (req: HeartbeatRequest): number { return heartbeat(this.core, req) }
  leave (groupId: string, members: LeavingMember[]): LeaveResult { return leaveGroup(this.core, groupId, members) }
  commitOffsets (req: CommitRequest): Promise<CommitTopicResult[]> { return commitOffsets(this.core, req) }
  fetchOffsets (groupId: string, topics: Array<{ name: string, partitionIndexes: number[] }> | null): FetchResult { return fetchOffsets(this.core, groupId, topics) }
  describeGroups (groupIds: string[], includeAuthorizedOperations = false): DescribedGroup[] { return describeGroups(this.core, groupIds, includeAuthorizedOperations) }
  listGroups (statesFilter: string[] = []): { errorCode: number, groups: ListedGroup[] } { return listGroups(this.core, statesFilter) }
  deleteGroups (groupIds: string[]): Promise<Array<{ groupId: string, errorCode: number }>> { return deleteGroups(this.core, groupIds) }
  deleteOffsets (groupId: string, topics: Array<{ name: string, partitions: Array<{ partitionIndex: number }> }>): Promise<OffsetDeleteResult> { return deleteOffsets(this.core, groupId, topics) }

  /** TxnOffsetCommit's group check (src/broker/txn stages the offsets). */
  txnOffsetCommitError (groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): number { return txnOffsetCommitError(this.core, groupId, generationId, memberId, groupInstanceId) }
  /** A committed transaction's offsets become the group's; resolves once journaled. */
  applyTxnOffsets (groupId: string, offsets: TxnOffset[]): Promise<void> { return applyTxnOffsets(this.core, groupId, offsets) }

  /** Applies offset retention now; resolves once the deletions are durable. */
  async expireOffsets (): Promise<void> {
    const records = expireOffsets(this.core, this.core.clock.now())
    if (records.length > 0) await this.core.store.append(records)
  }

  /** Every live group's state, members and committed offsets (read by /metrics at scrape time). */
  overview (): GroupOverview[] { return groupOverview(this.core) }

  /** Rewrites the journal as a snapshot of the live state. */
  compact (): Promise<void> { return this.core.store.compact() }

  private scheduleExpiry (): void {
    const { core } = this
    this.expiryTimer = core.clock.setTimer(core.opts.offsetsRetentionCheckIntervalMs, () => {
      this.expiryTimer = null
      if (!core.active) return
      this.expireOffsets().catch(err => core.logger?.error({ err }, 'offset expiry failed'))
      this.scheduleExpiry()
    })
  }
}
