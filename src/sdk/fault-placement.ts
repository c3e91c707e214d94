// Where an injected error goes in each API's response, so that a client meets
// it exactly where a real broker would put it: per partition for Produce,
// Fetch, ListOffsets and OffsetCommit (the other partitions of the same request
// are served for real), per topic for Metadata, per coordinator key for
// FindCoordinator v4+, per group for OffsetFetch v8+, and in the top-level
// errorCode of every API that has one (JoinGroup, Heartbeat, SyncGroup,
// InitProducerId, EndTxn, ...). A faulted partition never reaches the handler:
// a Produce answered NOT_LEADER_OR_FOLLOWER appended nothing, as on Kafka.
import { callHandler, type Handler, type RequestContext } from '../broker/handlers/types.js'
import { inVersions } from '../protocol/messages/versions.js'

/**
 * A request or response body of whichever API is faulted. This module reaches
 * into every API's bodies alike, by the field names in `partitioned`, so it sees
 * them as plain objects and narrows each field it reads.
 */
type Body = Record<string, unknown>

function isBody (value: unknown): value is Body {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** `body[key]` as a list of bodies (entries that are not objects are left out; none when it is not a list). */
function bodies (body: Body, key: string): Body[] {
  const value = body[key]
  return Array.isArray(value) ? value.filter(isBody) : []
}

/** Which request entries a fault applies to; undefined fields match everything. */
export interface FaultTarget { topic?: string, partition?: number }

/** The paths of a "topics[] → partitions[]" request and the response that mirrors it. */
interface PartitionedShape {
  request: { topics: string, name: string, partitions: string, index: string }
  response: { topics: string, name: string, partitions: string, index: string }
  /** Fields an error entry carries besides its index and error code. */
  errorEntry?: Record<string, unknown>
}

const partitioned: Record<string, PartitionedShape> = {
  Produce: {
    request: { topics: 'topicData', name: 'name', partitions: 'partitionData', index: 'index' },
    response: { topics: 'responses', name: 'name', partitions: 'partitionResponses', index: 'index' },
    errorEntry: { baseOffset: -1n },
  },
  Fetch: {
    request: { topics: 'topics', name: 'topic', partitions: 'partitions', index: 'partition' },
    response: { topics: 'responses', name: 'topic', partitions: 'partitions', index: 'partitionIndex' },
    errorEntry: { highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, records: null, abortedTransactions: null },
  },
  ListOffsets: {
    request: { topics: 'topics', name: 'name', partitions: 'partitions', index: 'partitionIndex' },
    response: { topics: 'topics', name: 'name', partitions: 'partitions', index: 'partitionIndex' },
    errorEntry: { offset: -1n, timestamp: -1n },
  },
  OffsetCommit: {
    request: { topics: 'topics', name: 'name', partitions: 'partitions', index: 'partitionIndex' },
    response: { topics: 'topics', name: 'name', partitions: 'partitions', index: 'partitionIndex' },
  },
}

/** APIs whose error sits somewhere this module knows how to put it. */
export function canPlaceFault (handler: Handler, target: FaultTarget): string | null {
  const name = handler.api.name
  if (partitioned[name] !== undefined || name === 'Metadata') return null
  if (target.topic !== undefined || target.partition !== undefined) {
    return `${name} has no topics or partitions to fault one by one; faults on it take no topic or partition`
  }
  if (name === 'FindCoordinator' || name === 'OffsetFetch') return null
  if (handler.api.response.fields.some(f => f.name === 'errorCode')) return null
  return `${name} has no error code in its response to inject`
}

/**
 * Answers `request` with `errorCode` placed where the API carries it, for the
 * entries `target` selects. Returns `unmatched` when the request has none of
 * them (the fault does not fire), else the response, or a promise of it.
 */
export function answerWithFault (
  handler: Handler, request: unknown, ctx: RequestContext, target: FaultTarget, errorCode: number
): { fired: false } | { fired: true, response: unknown } {
  const name = handler.api.name
  const body: Body = isBody(request) ? request : {}
  const shape = partitioned[name]
  if (shape !== undefined) return partitionFault(handler, shape, body, ctx, target, errorCode)
  if (name === 'Metadata') return metadataFault(handler, request, body, ctx, target, errorCode)
  if (name === 'FindCoordinator' && ctx.apiVersion >= 4) {
    const coordinators = strings(body.coordinatorKeys).map(key => ({ key, nodeId: -1, host: '', port: -1, errorCode, errorMessage: null }))
    return { fired: true, response: { throttleTimeMs: 0, coordinators } }
  }
  if (name === 'OffsetFetch' && ctx.apiVersion >= 8) {
    const groups = bodies(body, 'groups').map(g => ({ groupId: g.groupId, topics: [], errorCode }))
    return { fired: true, response: { throttleTimeMs: 0, groups } }
  }
  const field = handler.api.response.fields.find(f => f.name === 'errorCode')
  if (field === undefined || !inVersions(field.versions, ctx.apiVersion)) return { fired: false }
  // every other field takes its spec default (empty member lists, -1 ids where the spec says so)
  return { fired: true, response: { throttleTimeMs: 0, errorCode, nodeId: -1, producerId: -1n, producerEpoch: -1, generationId: -1 } }
}

function strings (value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

function matches (target: FaultTarget, topic: string | undefined, partition: number | undefined): boolean {
  return (target.topic === undefined || target.topic === topic) && (target.partition === undefined || partition === undefined || target.partition === partition)
}

/** Fetch v13+ names topics by id; faults name them by name. */
function topicNameOf (entry: Body, shapeName: string, ctx: RequestContext): string | undefined {
  const name = entry[shapeName]
  if (typeof name === 'string' && name !== '') return name
  if (typeof entry.topicId === 'string') return ctx.services.log.topics().find(t => t.topicId === entry.topicId)?.name
  return undefined
}

function partitionFault (handler: Handler, shape: PartitionedShape, body: Body, ctx: RequestContext, target: FaultTarget, errorCode: number): { fired: false } | { fired: true, response: unknown } {
  const { request: rq, response: rs } = shape
  const faulted: Array<{ topicEntry: Body, indexes: number[] }> = []
  const kept: Body[] = []
  for (const topicEntry of bodies(body, rq.topics)) {
    const topic = topicNameOf(topicEntry, rq.name, ctx)
    const hit: number[] = []
    const rest: Body[] = []
    for (const p of bodies(topicEntry, rq.partitions)) {
      const index = p[rq.index]
      if (typeof index === 'number' && matches(target, topic, index)) hit.push(index); else rest.push(p)
    }
    if (hit.length > 0) faulted.push({ topicEntry, indexes: hit })
    if (rest.length > 0) kept.push({ ...topicEntry, [rq.partitions]: rest })
  }
  if (faulted.length === 0) return { fired: false }
  const errorTopics: Body[] = faulted.map(({ topicEntry, indexes }) => ({
    [rs.name]: topicEntry[rq.name],
    ...(topicEntry.topicId !== undefined ? { topicId: topicEntry.topicId } : {}),
    [rs.partitions]: indexes.map(index => ({ ...shape.errorEntry, [rs.index]: index, errorCode })),
  }))
  const merge = (response: unknown): unknown => {
    if (response === undefined) return undefined // acks=0: Kafka sends nothing back, faulted or not
    const answer: Body = isBody(response) ? response : {}
    const topics = bodies(answer, rs.topics)
    for (const et of errorTopics) {
      const same = topics.findIndex(t => t[rs.name] === et[rs.name] && t.topicId === et.topicId)
      if (same >= 0) topics[same] = { ...topics[same], [rs.partitions]: [...bodies(topics[same]!, rs.partitions), ...bodies(et, rs.partitions)] }
      else topics.push(et)
    }
    return { ...answer, [rs.topics]: topics }
  }
  if (kept.length === 0 && !(handler.api.name === 'Produce' && body.acks === 0)) {
    return { fired: true, response: merge({ throttleTimeMs: 0, [rs.topics]: [] }) }
  }
  const result = callHandler(handler, { ...body, [rq.topics]: kept }, ctx)
  return { fired: true, response: result instanceof Promise ? result.then(merge) : merge(result) }
}

/** Metadata has no side effect to avoid: serve it, then mark the selected topics (or their partitions). */
function metadataFault (handler: Handler, request: unknown, body: Body, ctx: RequestContext, target: FaultTarget, errorCode: number): { fired: false } | { fired: true, response: unknown } {
  const asked = Array.isArray(body.topics) ? bodies(body, 'topics') : null
  const selects = target.topic === undefined ||
    (asked === null ? ctx.services.log.topic(target.topic) !== undefined : asked.some(t => t.name === target.topic))
  if (!selects) return { fired: false }
  const mark = (response: unknown): unknown => {
    const answer: Body = isBody(response) ? response : {}
    return {
      ...answer,
      topics: bodies(answer, 'topics').map(t => {
        if (!matches(target, typeof t.name === 'string' ? t.name : undefined, undefined)) return t
        if (target.partition === undefined) return { ...t, errorCode }
        return { ...t, partitions: bodies(t, 'partitions').map(p => p.partitionIndex === target.partition ? { ...p, errorCode } : p) }
      })
    }
  }
  const result = callHandler(handler, request, ctx)
  return { fired: true, response: result instanceof Promise ? result.then(mark) : mark(result) }
}
