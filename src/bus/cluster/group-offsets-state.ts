// Delivery cursors as the bus's consumer group's committed offsets, committed
// under the generation in which the partition was assigned: Kafka's own fencing.
// A worker that stalls past its session timeout (a long GC pause, SIGSTOP, a
// frozen VM) and then resumes still believes it holds its partitions for a
// moment; every cursor it then commits carries its old generation (or a member
// id the coordinator has forgotten), so the coordinator refuses it
// (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS) and the new
// owner's cursor stands. Only the public OffsetCommit / OffsetFetch are used.
//
// Keys (deliveryStateKey, retryPositionKey) map to one topic partition each: the
// bus topic's partition p (the delivery cursor) and the retry topic's partition p
// (the lowest unfinished retry). Cursors committed by earlier versions to the
// compacted delivery-state topic are read when the group has none (an upgrade),
// and old retry queues found there are moved to the retry topic by the dispatcher.
import type { Logger } from 'pino'
import { GroupAdmin } from '../../client/admin-groups.js'
import { KafkaResponseError, checkErrorCode } from '../../client/errors.js'
import { heartbeatApi } from '../../protocol/messages/heartbeat.js'
import { ErrorCode } from '../../protocol/errors.js'
import { BusError } from '../errors.js'
import { TributaryErrorCode } from '../../errors.js'
import type { DeliveryState, DeliveryStateStore } from '../targets/delivery-store.js'
import type { ClusterLink } from './link.js'
import type { DeliveryStateTopic } from './delivery-state-topic.js'

/** What a member holds a partition with: the generation it was assigned in. */
export interface PartitionLease {
  groupId: string
  generationId: number
  memberId: string
  /** Cluster name of the topic whose offset the key is. */
  topic: string
  partition: number
}

/** How long a lease confirmed by the coordinator is taken as current without asking again. */
const LEASE_CHECK_MS = 250

const FENCED_CODES: number[] = [ErrorCode.ILLEGAL_GENERATION, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.FENCED_INSTANCE_ID]

export class GroupOffsetsState implements DeliveryStateStore {
  private readonly leases = new Map<string, PartitionLease>()
  private readonly fetched = new Map<string, number>()
  /** Commits the coordinator refused because the partition had moved on (tests and logs read it). */
  fencedCommits = 0
  /** Appends refused by checkLease (a stalled worker's retry entries). */
  fencedAppends = 0
  /** When each lease was last confirmed by the coordinator (performance.now()). */
  private readonly checkedAt = new WeakMap<PartitionLease, number>()

  /** @param endOffset the end offset of a partition, by its topic's cluster name */
  constructor (private readonly link: ClusterLink, private readonly legacy: DeliveryStateTopic, private readonly endOffset: (topic: string, partition: number) => Promise<number>, private readonly logger?: Logger) {}

  async open (): Promise<void> { await this.legacy.open() }
  async refresh (): Promise<void> { await this.legacy.refresh() }

  /**
   * Takes over `keys` for one assignment: reads the group's committed offsets of
   * their partitions (the previous owner's cursors) and remembers the generation
   * every later commit must carry.
   */
  async grant (leases: Map<string, PartitionLease>): Promise<void> {
    const first = [...leases.values()][0]
    if (first === undefined) return
    const byTopic = new Map<string, number[]>()
    for (const lease of leases.values()) byTopic.set(lease.topic, [...(byTopic.get(lease.topic) ?? []), lease.partition])
    const committed = await this.link.use(async client => await new GroupAdmin(client).committed(first.groupId, [...byTopic].map(([topic, partitions]) => ({ topic, partitions }))))
    for (const [key, lease] of leases) {
      let offset = committed.find(c => c.topic === lease.topic && c.partition === lease.partition)?.offset
      // Past the end: the offset of a bus deleted and created again under its name (its topic restarted at 0).
      if (offset !== undefined && offset > await this.endOffset(lease.topic, lease.partition)) {
        this.logger?.warn({ topic: lease.topic, partition: lease.partition, offset }, `ignoring the committed offset ${offset} of ${lease.topic}/${lease.partition}: it is past the partition's end (the topic was created again)`)
        offset = 0
      }
      if (offset === undefined) this.fetched.delete(key)
      else this.fetched.set(key, offset)
      this.leases.set(key, lease)
    }
  }

  /** Gives the keys up (after their dispatchers have stopped): nothing is committed for them any more. */
  revoke (keys: Iterable<string>): void {
    for (const key of keys) { this.leases.delete(key); this.fetched.delete(key) }
  }

  saved (key: string): DeliveryState | undefined {
    const offset = this.fetched.get(key)
    if (offset !== undefined) return { cursor: offset, retries: this.legacy.saved(key)?.retries ?? [] }
    return this.legacy.saved(key)
  }

  async save (key: string, state: DeliveryState): Promise<void> {
    const lease = this.leases.get(key)
    if (lease === undefined) throw new BusError(TributaryErrorCode.BUS_DELIVERY_FENCED, `not committing the cursor of ${key.split('\u0000').join('/')}: this worker no longer holds it`)
    try {
      await this.link.use(async client => await new GroupAdmin(client).commit(lease.groupId, [{ topic: lease.topic, partition: lease.partition, offset: state.cursor }], lease))
    } catch (err) {
      if (!(err instanceof KafkaResponseError) || !FENCED_CODES.includes(err.errorCode)) throw err
      this.fencedCommits++
      this.logger?.warn({ group: lease.groupId, topic: lease.topic, partition: lease.partition, generation: lease.generationId, offset: state.cursor },
        `fenced: the coordinator refused the cursor ${state.cursor} of ${lease.topic}/${lease.partition} from generation ${lease.generationId} (the partition has moved on)`)
      throw new BusError(TributaryErrorCode.BUS_DELIVERY_FENCED, `the cursor of ${lease.topic}/${lease.partition} was fenced: generation ${lease.generationId} is over`, { cause: err })
    }
    // Old retries found in the legacy record have moved to the retry topic: drop them there.
    if ((this.legacy.saved(key)?.retries.length ?? 0) > 0) await this.legacy.save(key, { cursor: state.cursor, retries: [] })
  }

  /**
   * Throws TRIB_ERR_BUS_DELIVERY_FENCED unless this worker still holds `key`'s
   * partition in the generation it was given it in: a Heartbeat with that
   * generation and member id, which the coordinator refuses once the partition
   * may have moved. Called before a worker appends a record only the partition's
   * holder may append (a retry entry), so a worker that stalled past its session
   * timeout does not add retries for events its successor delivers. A check
   * answered less than LEASE_CHECK_MS ago stands (a stall long enough to be fenced
   * is longer than that, and a monotonic clock runs on through it).
   */
  async checkLease (key: string): Promise<void> {
    const lease = this.leases.get(key)
    if (lease === undefined) throw new BusError(TributaryErrorCode.BUS_DELIVERY_FENCED, `${key.split('\u0000').join('/')}: this worker no longer holds the partition`)
    const now = performance.now()
    if (now - (this.checkedAt.get(lease) ?? -Infinity) < LEASE_CHECK_MS) return
    const { body } = await this.link.use(async client => await (await client.coordinator(lease.groupId)).request(heartbeatApi, { groupId: lease.groupId, generationId: lease.generationId, memberId: lease.memberId, groupInstanceId: null }))
    // A rebalance in progress is not the end of this generation: the member holds its
    // partitions until it gives them up (its dispatchers' commits go through then).
    if (body.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) { this.checkedAt.set(lease, now); return }
    if (FENCED_CODES.includes(body.errorCode)) {
      this.fencedAppends++
      this.logger?.warn({ group: lease.groupId, topic: lease.topic, partition: lease.partition, generation: lease.generationId },
        `fenced: not appending for ${lease.topic}/${lease.partition}: generation ${lease.generationId} is over (the partition has moved on)`)
      throw new BusError(TributaryErrorCode.BUS_DELIVERY_FENCED, `${lease.topic}/${lease.partition} was fenced: generation ${lease.generationId} is over`)
    }
    checkErrorCode(body.errorCode, `heartbeat of group ${lease.groupId}`)
    this.checkedAt.set(lease, now)
  }

  async forget (key: string): Promise<void> {
    this.fetched.delete(key)
    await this.legacy.forget(key)
  }

  async close (): Promise<void> {}
}
