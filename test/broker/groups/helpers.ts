// Shared set-up for coordinator tests: a real coordinator on a temp directory,
// driven by a manual clock, and short-hands for the requests members send.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GroupCoordinator, encodeSubscription, type GroupCoordinatorOptions, type JoinRequest, type JoinResult, type SyncResult } from '../../../src/broker/groups/index.js'
import { ManualClock } from './manual-clock.js'
import { at, exactly, type Tuple } from '../../helpers/at.js'

export interface Harness {
  coordinator: GroupCoordinator
  clock: ManualClock
  dir: string
  /** topic -> partition count, what topicPartitionExists answers from. */
  topics: Map<string, number>
  /** Opens a second coordinator on the same directory, as a restart (or a crash, if close() was not called) would. */
  reopen: (options?: Partial<GroupCoordinatorOptions>) => Promise<GroupCoordinator>
  cleanup: () => Promise<void>
}

export async function openHarness (options: Partial<GroupCoordinatorOptions> = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-groups-'))
  const clock = new ManualClock()
  const topics = new Map<string, number>([['orders', 3], ['payments', 2]])
  const opened: GroupCoordinator[] = []
  const make = async (extra: Partial<GroupCoordinatorOptions> = {}): Promise<GroupCoordinator> => {
    const c = new GroupCoordinator({
      dataDir: dir,
      nodeId: 1,
      clock,
      initialRebalanceDelayMs: 0,
      minSessionTimeoutMs: 1000,
      topicPartitionExists: (topic, partition) => partition >= 0 && partition < (topics.get(topic) ?? 0),
      ...options,
      ...extra
    })
    await c.open()
    opened.push(c)
    return c
  }
  const harness: Harness = {
    coordinator: await make(),
    clock,
    dir,
    topics,
    reopen: make,
    async cleanup () {
      for (const c of opened) await c.close().catch(() => {})
      await rm(dir, { recursive: true, force: true })
    }
  }
  return harness
}

export const subscription = (topics: string[] = ['orders']): Buffer => encodeSubscription(topics)

export function joinRequest (groupId: string, overrides: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId,
    memberId: '',
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription() }],
    requireKnownMemberId: false,
    supportSkippingAssignment: false,
    reason: null,
    ...overrides
  }
}

/** Tracks whether a promise has settled, so a test can assert an answer is still held back. */
export function track<T> (promise: Promise<T>): { promise: Promise<T>, settled: () => boolean } {
  let done = false
  promise.then(() => { done = true }, () => { done = true })
  return { promise, settled: () => done }
}

/** For a request whose answer stays held for the rest of the test (close() answers it). */
export function leaveHeld (answer: Promise<unknown>): void {
  answer.catch(() => {})
}

/** Lets resolved promises' continuations run. */
export async function flushMicrotasks (): Promise<void> {
  await new Promise(resolve => setImmediate(resolve))
}

export interface StableMember { memberId: string, generationId: number, join: JoinResult, sync: SyncResult }

/**
 * Brings `count` members into a Stable group: all join (the join phase
 * completes when the clock passes the initial delay), the leader assigns each
 * member a buffer naming it, and everyone syncs.
 */
export async function stableGroup<N extends number> (h: Harness, groupId: string, count: N, overrides: Array<Partial<JoinRequest>> = []): Promise<Tuple<StableMember, N>> {
  const joins = Array.from({ length: count }, (_, i) => h.coordinator.join(joinRequest(groupId, { clientId: `client-${i}`, ...overrides[i] })))
  h.clock.advance(h.coordinator.options.initialRebalanceDelayMs)
  const joined = await Promise.all(joins)
  for (const j of joined) if (j.errorCode !== 0) throw new Error(`join failed with ${j.errorCode}`)
  const leader = joined.find(j => j.leaderId === j.memberId)
  if (leader === undefined) throw new Error('no leader')
  const syncs = joined.map(j => h.coordinator.sync({
    groupId,
    generationId: j.generationId,
    memberId: j.memberId,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: j === leader ? joined.map(m => ({ memberId: m.memberId, assignment: Buffer.from(`assigned:${m.memberId}`) })) : []
  }))
  const synced = await Promise.all(syncs)
  return exactly(joined.map((j, i) => ({ memberId: j.memberId, generationId: j.generationId, join: j, sync: at(synced, i) })), count)
}
