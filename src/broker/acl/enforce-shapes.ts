// The shapes an authorization check takes in a Kafka request, written once:
// - partitioned: "topics[] → partitions[]" requests (Produce, Fetch,
//   ListOffsets, OffsetCommit, DeleteRecords...): the entries the client may
//   not touch never reach the handler and come back with an error code, the
//   rest are served for real, as Kafka answers them;
// - listed: requests naming resources in a list (CreateTopics, DeleteGroups,
//   DescribeConfigs...): the same, per resource;
// - whole: requests about one resource, answered with a top-level error.
// Bodies are seen as plain objects here (one code path for every API); the
// handler behind receives the request its own spec decoded, minus entries.
import { callHandler, type Handler, type RequestContext } from '../handlers/types.js'
import { inVersions } from '../../protocol/messages/versions.js'

export type Body = Record<string, unknown>

export function isBody (value: unknown): value is Body {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

export function bodies (body: Body, key: string): Body[] {
  const value = body[key]
  return Array.isArray(value) ? value.filter(isBody) : []
}

/** Calls the handler and hands its answer (possibly a promise) to `then`. */
export function serve (handler: Handler, request: Body, ctx: RequestContext, then: (response: Body) => unknown): unknown {
  const result = callHandler(handler, request, ctx)
  const after = (response: unknown): unknown => response === undefined ? undefined : then(isBody(response) ? response : {})
  return result instanceof Promise ? result.then(after) : after(result)
}

export interface PartitionedShape {
  request: { topics: string, name: string, partitions: string, index: string | null }
  response: { topics: string, name: string, partitions: string, index: string, errorCode?: string }
  /** Fields an error entry carries besides its index and error code. */
  errorEntry?: Body
}

/**
 * Serves a partitioned request with the topics `refuse` names (by error code;
 * 0 to serve) taken out and answered with that code for each of their
 * partitions. `topicName` resolves an entry's topic (Fetch v13+ by id).
 */
export function partitioned (
  handler: Handler, shape: PartitionedShape, body: Body, ctx: RequestContext,
  topicName: (entry: Body) => string | undefined, refuse: (topic: string | undefined) => number
): unknown {
  const { request: rq, response: rs } = shape
  const refused: Body[] = []
  const kept: Body[] = []
  for (const entry of bodies(body, rq.topics)) {
    const code = refuse(topicName(entry))
    if (code === 0) { kept.push(entry); continue }
    const raw = entry[rq.partitions]
    const indexes = Array.isArray(raw) ? raw.map(p => rq.index === null ? p : isBody(p) ? p[rq.index] : undefined).filter(i => typeof i === 'number') : []
    refused.push({
      [rs.name]: entry[rq.name],
      ...(entry.topicId !== undefined ? { topicId: entry.topicId } : {}),
      [rs.partitions]: indexes.map(index => ({ ...shape.errorEntry, [rs.index]: index, [rs.errorCode ?? 'errorCode']: code }))
    })
  }
  if (refused.length === 0) return callHandler(handler, body, ctx)
  const merge = (answer: Body): Body => ({ ...answer, [rs.topics]: [...bodies(answer, rs.topics), ...refused] })
  if (kept.length === 0) {
    if (handler.api.name === 'Produce' && body.acks === 0) return undefined // acks=0: Kafka sends nothing back
    return merge({ throttleTimeMs: 0 })
  }
  return serve(handler, { ...body, [rq.topics]: kept }, ctx, merge)
}

export interface ListedShape {
  /** The request's list and how to read a resource from one entry (entries may be strings). */
  request: string
  response: string
  /** The error code for an entry (0: serve it). */
  refuse: (entry: unknown) => number
  /** The response entry answering a refused request entry. */
  errorEntry: (entry: unknown, errorCode: number) => Body
}

/** Serves a listed request with the refused entries taken out and answered by `errorEntry`. */
export function listed (handler: Handler, shape: ListedShape, body: Body, ctx: RequestContext): unknown {
  const entries = Array.isArray(body[shape.request]) ? body[shape.request] as unknown[] : []
  const refused: Body[] = []
  const kept: unknown[] = []
  for (const entry of entries) {
    const code = shape.refuse(entry)
    if (code === 0) kept.push(entry); else refused.push(shape.errorEntry(entry, code))
  }
  if (refused.length === 0) return callHandler(handler, body, ctx)
  const merge = (answer: Body): Body => ({ ...answer, [shape.response]: [...bodies(answer, shape.response), ...refused] })
  if (kept.length === 0) return merge({ throttleTimeMs: 0 })
  return serve(handler, { ...body, [shape.request]: kept }, ctx, merge)
}

/** The answer to a request refused as a whole: its top-level error code, every other field at its spec default. */
export function refusedWhole (handler: Handler, ctx: RequestContext, errorCode: number): Body | null {
  const field = handler.api.response.fields.find(f => f.name === 'errorCode')
  if (field === undefined || !inVersions(field.versions, ctx.apiVersion)) return null
  return { throttleTimeMs: 0, errorCode, nodeId: -1, producerId: -1n, producerEpoch: -1, generationId: -1 }
}
