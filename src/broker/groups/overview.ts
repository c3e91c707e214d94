// A read-only view of every live group for monitoring (/metrics reads it at
// scrape time): state, member count, the topics it consumes and its committed
// offsets. Plain numbers and strings, so nothing outside can change a group.
import type { CoordinatorCore } from './core.js'
import { GroupState } from './state.js'

export interface GroupOverview {
  groupId: string
  state: string
  members: number
  generationId: number
  /** Topics the members subscribe to (consumer protocol), whether or not anything is committed yet. */
  subscribedTopics: string[]
  /** topic -> partition -> committed offset (durable commits only). */
  committed: Map<string, Map<number, number>>
}

export function groupOverview (core: CoordinatorCore): GroupOverview[] {
  const out: GroupOverview[] = []
  for (const group of core.groups.values()) {
    if (group.is(GroupState.Dead)) continue
    const committed = new Map<string, Map<number, number>>()
    for (const [topic, partitions] of group.offsets) {
      const byPartition = new Map<number, number>()
      for (const [partition, c] of partitions) byPartition.set(partition, Number(c.offset))
      committed.set(topic, byPartition)
    }
    out.push({
      groupId: group.groupId,
      state: group.state,
      members: group.members.size,
      generationId: group.generationId,
      subscribedTopics: group.subscribedTopics === null ? [] : [...group.subscribedTopics],
      committed
    })
  }
  return out
}
