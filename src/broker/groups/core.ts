// What every group operation shares: the options with Kafka's defaults filled
// in, the group table, the clock and the store. The operations are plain
// functions over this core (join.ts, sync.ts, ...); GroupCoordinator in
// ./index.ts is the facade the handlers call.
import { ErrorCode } from '../../protocol/errors.js'
import type { Clock } from './clock.js'
import type { Group } from './group.js'
import type { GroupStore } from './store.js'
import type { FileSystem } from '../../log/fs.js'

export interface GroupLogger {
  debug: (obj: object, msg?: string) => void
  info: (obj: object, msg?: string) => void
  warn: (obj: object, msg?: string) => void
  error: (obj: object, msg?: string) => void
}

export interface GroupCoordinatorOptions {
  dataDir: string
  nodeId: number
  /** Where clients reach this coordinator (FindCoordinator). */
  advertised?: () => { host: string, port: number }
  /** group.initial.rebalance.delay.ms (Kafka: 3000). */
  initialRebalanceDelayMs?: number
  /** offsets.retention.minutes in ms (Kafka: 7 days). */
  offsetsRetentionMs?: number
  /** offsets.retention.check.interval.ms (Kafka: 10 minutes). */
  offsetsRetentionCheckIntervalMs?: number
  /** group.min.session.timeout.ms (Kafka: 6000). */
  minSessionTimeoutMs?: number
  /** group.max.session.timeout.ms (Kafka: 1800000). */
  maxSessionTimeoutMs?: number
  /** How long a new member's JoinGroup may wait before it is dropped (Kafka: 5 minutes). */
  newMemberJoinTimeoutMs?: number
  /** offset.metadata.max.bytes (Kafka: 4096). */
  offsetMetadataMaxBytes?: number
  /** Longer group ids are INVALID_GROUP_ID. */
  maxGroupIdLength?: number
  /** No journal compaction below this size. */
  compactAfterBytes?: number
  /** The file system under the journal (default: the real one; tests inject faults). */
  fs?: FileSystem
  topicPartitionExists: (topic: string, partition: number) => boolean
  now?: () => number
  /** Replaces `now` and Node's timers (tests drive time with a manual clock). */
  clock?: Clock
  logger?: GroupLogger
  /** Called each time a rebalance completes (the generation advanced); for metrics. */
  onRebalance?: (groupId: string, generationId: number) => void
}

export interface ResolvedOptions {
  initialRebalanceDelayMs: number
  offsetsRetentionMs: number
  offsetsRetentionCheckIntervalMs: number
  minSessionTimeoutMs: number
  maxSessionTimeoutMs: number
  newMemberJoinTimeoutMs: number
  offsetMetadataMaxBytes: number
  maxGroupIdLength: number
  topicPartitionExists: (topic: string, partition: number) => boolean
  onRebalance: ((groupId: string, generationId: number) => void) | undefined
}

export function resolveOptions (o: GroupCoordinatorOptions): ResolvedOptions {
  return {
    initialRebalanceDelayMs: o.initialRebalanceDelayMs ?? 3000,
    offsetsRetentionMs: o.offsetsRetentionMs ?? 7 * 24 * 3600 * 1000,
    offsetsRetentionCheckIntervalMs: o.offsetsRetentionCheckIntervalMs ?? 600_000,
    minSessionTimeoutMs: o.minSessionTimeoutMs ?? 6000,
    maxSessionTimeoutMs: o.maxSessionTimeoutMs ?? 1_800_000,
    newMemberJoinTimeoutMs: o.newMemberJoinTimeoutMs ?? 300_000,
    offsetMetadataMaxBytes: o.offsetMetadataMaxBytes ?? 4096,
    maxGroupIdLength: o.maxGroupIdLength ?? 255,
    topicPartitionExists: o.topicPartitionExists,
    onRebalance: o.onRebalance
  }
}

export interface CoordinatorCore {
  readonly opts: ResolvedOptions
  readonly clock: Clock
  readonly groups: Map<string, Group>
  readonly store: GroupStore
  readonly logger: GroupLogger | undefined
  /** False before open() and from close(): every request is COORDINATOR_NOT_AVAILABLE. */
  active: boolean
}

/**
 * Kafka's validateGroupStatus: NONE, or the error that answers the whole request.
 * `allowEmpty` is Kafka's isValidGroupId exception: OffsetCommit, OffsetFetch,
 * DescribeGroups and DeleteGroups accept the empty group id (old clients
 * committed under it); every other API needs a non-empty one. Ids longer than
 * maxGroupIdLength are our own limit.
 */
export function groupIdError (core: CoordinatorCore, groupId: string | null, allowEmpty = false): number {
  if (!core.active) return ErrorCode.COORDINATOR_NOT_AVAILABLE
  if (groupId === null || (groupId.length === 0 && !allowEmpty) || groupId.length > core.opts.maxGroupIdLength) return ErrorCode.INVALID_GROUP_ID
  return ErrorCode.NONE
}

/**
 * Kafka's validateCurrentMember: a static member must hold its instance id
 * (else FENCED_INSTANCE_ID, or UNKNOWN_MEMBER_ID if nobody does), and the
 * member id must be in the group.
 */
export function currentMemberError (group: Group, memberId: string, groupInstanceId: string | null): number {
  if (groupInstanceId !== null) {
    const holder = group.staticMemberId(groupInstanceId)
    if (holder === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
    if (holder !== memberId) return ErrorCode.FENCED_INSTANCE_ID
  }
  return group.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID
}

export interface Deferred<T> { promise: Promise<T>, resolve: (value: T) => void }

export function deferred<T> (): Deferred<T> {
  let resolve!: (value: T) => void
  const promise = new Promise<T>(_resolve => { resolve = _resolve })
  return { promise, resolve }
}
