// The "consumer" embedded protocol: what a member puts in JoinGroup's metadata
// (its subscription) and what the leader hands out in SyncGroup (assignments).
// Both are versioned structs prefixed by an int16 version, defined here the same
// declarative way as the Kafka messages so the generic codec reads and writes
// them. We write version 0; reading takes any version (newer ones only append
// fields, which a v0 reading skips).
import { decodeMessage, encodeToBuffer } from '../protocol/codec.js'
import type { MessageSpec } from '../protocol/messages/spec.js'
import { Reader } from '../protocol/primitives/reader.js'

const subscriptionSpec = {
  name: 'ConsumerProtocolSubscription',
  flexibleVersions: 'none',
  fields: [
    { name: 'topics', type: 'string', array: true, versions: '0+' },
    { name: 'userData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: null }
  ]
} as const satisfies MessageSpec

const assignmentSpec = {
  name: 'ConsumerProtocolAssignment',
  flexibleVersions: 'none',
  fields: [
    {
      name: 'assignedPartitions',
      array: true,
      versions: '0+',
      type: [
        { name: 'topic', type: 'string', versions: '0+' },
        { name: 'partitions', type: 'int32', array: true, versions: '0+' }
      ]
    },
    { name: 'userData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: null }
  ]
} as const satisfies MessageSpec

/** topic → partitions. */
export type Assignment = Record<string, number[]>

function withVersion (version: number, body: Buffer): Buffer {
  const head = Buffer.alloc(2)
  head.writeInt16BE(version, 0)
  return Buffer.concat([head, body])
}

export function encodeSubscription (topics: string[]): Buffer {
  return withVersion(0, encodeToBuffer(subscriptionSpec, 0, { topics, userData: null }))
}

/** The subscribed topics; [] when the bytes are empty or not a consumer subscription. */
export function decodeSubscription (bytes: Buffer | null): string[] {
  if (bytes === null || bytes.length < 2) return []
  try {
    return decodeMessage(subscriptionSpec, 0, new Reader(bytes, 2)).topics
  } catch {
    return []
  }
}

export function encodeAssignment (assignment: Assignment): Buffer {
  const assignedPartitions = Object.entries(assignment).map(([topic, partitions]) => ({ topic, partitions }))
  return withVersion(0, encodeToBuffer(assignmentSpec, 0, { assignedPartitions, userData: null }))
}

/** The assignment; {} when the bytes are empty (a member with nothing assigned) or unreadable. */
export function decodeAssignment (bytes: Buffer | null): Assignment {
  if (bytes === null || bytes.length < 2) return {}
  try {
    const body = decodeMessage(assignmentSpec, 0, new Reader(bytes, 2))
    const out: Assignment = {}
    for (const { topic, partitions } of body.assignedPartitions) out[topic] = [...(out[topic] ?? []), ...partitions].sort((a, b) => a - b)
    return out
  } catch {
    return {}
  }
}

/**
 * Kafka's range assignor: per topic, members subscribed to it (sorted by id) get
 * consecutive ranges of partitions, the first (partitions % members) one extra.
 */
export function rangeAssign (members: Array<{ memberId: string, topics: string[] }>, partitionsOf: (topic: string) => number): Record<string, Assignment> {
  const result: Record<string, Assignment> = {}
  for (const m of members) result[m.memberId] = {}
  const topics = [...new Set(members.flatMap(m => m.topics))].sort()
  for (const topic of topics) {
    const subscribers = members.filter(m => m.topics.includes(topic)).map(m => m.memberId).sort()
    const count = partitionsOf(topic)
    const per = Math.floor(count / subscribers.length)
    const extra = count % subscribers.length
    let next = 0
    subscribers.forEach((memberId, i) => {
      const take = per + (i < extra ? 1 : 0)
      if (take === 0) return
      result[memberId]![topic] = Array.from({ length: take }, (_, k) => next + k)
      next += take
    })
  }
  return result
}
