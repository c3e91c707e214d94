// The clean-shutdown marker's contents: what a clean close knew about every
// partition (offsets, size, producer state), so the next start can serve them
// without opening thousands of partitions' files. Read only right after the
// clean close that wrote it: the marker is removed before anything new is written.
import type { PartitionFacts } from './partition-types.js'

export const SHUTDOWN_FACTS_VERSION = 1
/** Per topic id, per partition: what the clean close recorded (see PartitionLog.dormant). */
export type ShutdownFacts = Map<string, Array<PartitionFacts | null>>

/** The facts in a clean-shutdown marker; an older or unreadable marker gives none (every partition opens its files). */
export function decodeShutdownFacts (raw: Buffer): ShutdownFacts {
  const out: ShutdownFacts = new Map()
  let file: unknown
  try { file = JSON.parse(raw.toString('utf8')) } catch { return out }
  if (typeof file !== 'object' || file === null || (file as { version?: unknown }).version !== SHUTDOWN_FACTS_VERSION) return out
  const facts = (file as { facts?: unknown }).facts
  if (typeof facts !== 'object' || facts === null) return out
  for (const [topicId, list] of Object.entries(facts)) {
    if (Array.isArray(list)) out.set(topicId, list.map(f => isPartitionFacts(f) ? f : null))
  }
  return out
}

function isPartitionFacts (f: unknown): f is PartitionFacts {
  if (typeof f !== 'object' || f === null) return false
  const o = f as Record<string, unknown>
  return ['logStartOffset', 'logEndOffset', 'sizeInBytes', 'segmentCount'].every(k => Number.isSafeInteger(o[k]) && (o[k] as number) >= 0) &&
    (typeof o.producers === 'string' || o.producers === null) && (o.logStartOffset as number) <= (o.logEndOffset as number) &&
    ['activeBaseOffset', 'activeSize'].every(k => o[k] === undefined || (Number.isSafeInteger(o[k]) && (o[k] as number) >= 0))
}

/** The marker's text for these partitions (null for those that did not close cleanly). */
export function encodeShutdownFacts (at: number, facts: Record<string, Array<PartitionFacts | null>>): string {
  return JSON.stringify({ version: SHUTDOWN_FACTS_VERSION, at, facts })
}

/**
 * The same text as encodeShutdownFacts, put together from each partition's facts
 * already encoded (JSON.stringify of the facts, or 'null'): the recovery checkpoint
 * keeps the text of unchanged partitions instead of encoding thousands again.
 */
export function encodeShutdownFactsText (at: number, topics: Array<[topicId: string, partitions: string[]]>): string {
  const parts = topics.map(([id, list]) => `${JSON.stringify(id)}:[${list.join(',')}]`)
  return `{"version":${SHUTDOWN_FACTS_VERSION},"at":${JSON.stringify(at)},"facts":{${parts.join(',')}}}`
}
