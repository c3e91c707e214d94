// Which bus partitions this process delivers: one classic consumer group per bus
// (`<prefix>bus.<name>`), subscribed to the bus topic, partitions assigned by the
// range assignor. Per bus rather than per rule (the issue leaves the choice):
// - an event is read once per process that holds its partition and matched
//   against every rule in one pass of the bus's automaton, as in embedded mode;
//   per-rule groups would read every event once per rule and keep one group
//   membership (heartbeats, rebalances) per rule per process;
// - partition p of the bus's retry topic goes with bus partition p (retry-topic.ts),
//   so retries are handed over exactly as first attempts are.
// A partition's cursors (delivery, retry position) are the group's committed
// offsets, committed under the generation it was assigned in
// (group-offsets-state.ts): a member whose generation is over is refused.
// A rebalance stops the dispatchers of the partitions held (each commits its
// cursor), rejoins, reads the offsets other members committed, and starts the
// partitions now assigned. Events in flight around a rebalance may be delivered
// by two workers; the tests count them.
import type { Logger } from 'pino'
import { GroupMember } from '../../client/group-member.js'
import type { DeliveryPlacement } from '../index.js'
import { ClusterLink, type ClusterLinkOptions } from './link.js'
import { pause } from './compacted-topic.js'
import type { GroupOffsetsState, PartitionLease } from './group-offsets-state.js'
import { deliveryStateKey } from '../targets/dispatcher.js'
import { retryPositionKey, retryTopic } from './retry-topic.js'

type Handlers = Parameters<DeliveryPlacement['follow']>[2]

export interface GroupPlacementOptions extends ClusterLinkOptions {
  /** Group ids are `<groupPrefix>bus.<name>`. */
  groupPrefix: string
  /** The cluster name of a bus topic (prefixed). */
  clusterTopic: (topic: string) => string
  state: GroupOffsetsState
  sessionTimeoutMs?: number
  heartbeatIntervalMs?: number
  logger?: Logger
}

/** How often the member's "rejoin needed" flag (set by its heartbeats) is looked at. */
const REBALANCE_CHECK_MS = 100

class BusMembership {
  private readonly abort = new AbortController()
  private readonly link: ClusterLink
  private readonly loop: Promise<void>
  private held: number[] = []
  /** Keys whose cursors this member commits, under the generation it was given them in. */
  private leased: string[] = []
  /** Partitions this process holds now (tests and metrics read it). */
  get partitions (): number[] { return this.held }

  constructor (private readonly options: GroupPlacementOptions, readonly busName: string, private readonly topic: string, private readonly handlers: Handlers) {
    this.link = new ClusterLink({ ...options, clientId: `${options.clientId ?? 'tributary-bus'}-group` })
    this.loop = this.run()
  }

  async close (): Promise<void> {
    this.abort.abort()
    await this.loop
    this.link.close()
  }

  private async run (): Promise<void> {
    const signal = this.abort.signal
    const groupId = `${this.options.groupPrefix}bus.${this.busName}`
    const clusterTopic = this.options.clusterTopic(this.topic)
    while (!signal.aborted) {
      let member: GroupMember | null = null
      try {
        member = await this.link.use(async client => new GroupMember(client, groupId, [clusterTopic], {
          sessionTimeoutMs: this.options.sessionTimeoutMs ?? 6000,
          heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 1000,
          rebalanceTimeoutMs: 30_000,
        }))
        while (!signal.aborted) {
          const assignment = await this.link.use(async () => await member!.join())
          await this.options.state.refresh()
          const partitions = assignment[clusterTopic] ?? []
          await this.lease(member, groupId, clusterTopic, partitions)
          for (const p of partitions) {
            await this.handlers.start(p)
            this.held.push(p)
          }
          this.options.logger?.info({ bus: this.busName, partitions, generation: member.generationId }, `bus ${this.busName}: delivering partitions [${partitions.join(',')}]`)
          while (!signal.aborted && !member.rejoinNeeded) await pause(REBALANCE_CHECK_MS, signal)
          await this.stopHeld()
        }
      } catch (err) {
        await this.stopHeld()
        if (signal.aborted) break
        this.options.logger?.warn({ err, bus: this.busName, group: groupId }, `bus ${this.busName}: consumer group membership failed; joining again`)
        await pause(1000, signal)
      }
      if (signal.aborted && member !== null) await member.leave().catch(() => {})
    }
    await this.stopHeld()
  }

  /**
   * The partitions' cursors are the group's committed offsets (bus topic: the
   * delivery cursor; retry topic: the retry position), committed under this
   * generation only (group-offsets-state.ts): lag is ordinary consumer-group lag,
   * and a member whose generation is over cannot move them.
   */
  private async lease (member: GroupMember, groupId: string, clusterTopic: string, partitions: number[]): Promise<void> {
    const leases = new Map<string, PartitionLease>()
    const retries = this.options.clusterTopic(retryTopic(this.busName))
    for (const partition of partitions) {
      const lease = { groupId, generationId: member.generationId, memberId: member.memberId, partition }
      leases.set(deliveryStateKey(this.busName, partition), { ...lease, topic: clusterTopic })
      leases.set(retryPositionKey(this.busName, partition), { ...lease, topic: retries })
    }
    await this.options.state.grant(leases)
    this.leased = [...leases.keys()]
  }

  private async stopHeld (): Promise<void> {
    const held = this.held
    this.held = []
    for (const p of held) {
      await this.handlers.stop(p).catch(err => this.options.logger?.error({ err, bus: this.busName, partition: p }, 'could not stop a partition dispatcher'))
    }
    this.options.state.revoke(this.leased)
    this.leased = []
  }
}

export class GroupPlacement implements DeliveryPlacement {
  private readonly memberships = new Map<string, BusMembership>()

  constructor (private readonly options: GroupPlacementOptions) {}

  async follow (busName: string, topic: string, handlers: Handlers): Promise<void> {
    if (this.memberships.has(busName)) return
    this.memberships.set(busName, new BusMembership(this.options, busName, topic, handlers))
  }

  async unfollow (busName: string): Promise<void> {
    const membership = this.memberships.get(busName)
    this.memberships.delete(busName)
    await membership?.close()
  }

  /** The partitions of `busName` this process delivers now. */
  held (busName: string): number[] {
    return this.memberships.get(busName)?.partitions ?? []
  }

  async close (): Promise<void> {
    const all = [...this.memberships.values()]
    this.memberships.clear()
    await Promise.all(all.map(m => m.close()))
  }
}
