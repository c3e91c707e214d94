// Offset retention, with Kafka's semantics (KIP-211):
// - an Empty group that has been managed (has a protocol type) loses all its
//   offsets once the retention has passed since it became Empty;
// - a simple group (offsets only) loses each offset once the retention has
//   passed since that offset's last commit;
// - a Stable consumer group loses offsets of topics it no longer subscribes
//   to, counted from their last commit;
// - an offset committed with an explicit retention (OffsetCommit v2-4) expires
//   at its own deadline.
// An Empty group left without offsets is removed. Runs on a timer.
import type { CoordinatorCore } from './core.js'
import { CONSUMER_PROTOCOL_TYPE, type CommittedOffset, type Group } from './group.js'
import { removeGroup } from './admin.js'
import { GroupState } from './state.js'
import { RecordType, type StoreRecord } from './store-records.js'

export function expireOffsets (core: CoordinatorCore, now: number): StoreRecord[] {
  const records: StoreRecord[] = []
  const retention = core.opts.offsetsRetentionMs
  for (const group of [...core.groups.values()]) {
    const rule = expiryRule(group)
    if (rule !== null) {
      const expired: Array<{ topic: string, partition: number }> = []
      for (const [topic, partitions] of group.offsets) {
        if (rule.keepTopics?.has(topic) === true) continue
        for (const [partition, c] of partitions) {
          if (isExpired(c, rule.base(c), retention, now)) expired.push({ topic, partition })
        }
      }
      for (const e of expired) group.deleteOffset(e.topic, e.partition)
      if (expired.length > 0) records.push({ type: RecordType.OffsetDeletes, groupId: group.groupId, entries: expired })
    }
    if (group.is(GroupState.Empty) && !group.hasOffsets() && group.pendingMembers.size === 0) {
      records.push(removeGroup(core, group))
    }
  }
  return records
}

interface ExpiryRule {
  /** When the retention period starts for an offset. */
  base: (c: CommittedOffset) => number
  /** Topics whose offsets are kept regardless. */
  keepTopics?: Set<string>
}

function expiryRule (group: Group): ExpiryRule | null {
  if (group.protocolType === null) return { base: c => c.commitTimestamp }
  if (group.is(GroupState.Empty)) return { base: () => group.stateTimestamp }
  if (group.protocolType === CONSUMER_PROTOCOL_TYPE && group.is(GroupState.Stable) && group.subscribedTopics !== null) {
    return { base: c => c.commitTimestamp, keepTopics: group.subscribedTopics }
  }
  return null
}

function isExpired (c: CommittedOffset, base: number, retention: number, now: number): boolean {
  if (c.expireTimestamp >= 0) return now >= c.expireTimestamp
  return now - base >= retention
}
