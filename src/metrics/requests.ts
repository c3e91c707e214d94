// Kafka request metrics and request-scoped debug logs, by wrapping each
// handler once where the broker registers them (the server and the handlers
// stay unaware). Per request this costs two clock reads, a few counter
// increments and a walk over the response for error codes; bytes and records
// are counted from batch headers, never by decoding records.
import { Counter, Histogram, type Registry } from 'prom-client'
import type { Logger } from '../logger.js'
import { callHandler, wrapHandler, type Handler, type RequestContext } from '../broker/handlers/types.js'
import { kafkaErrorName } from '../protocol/errors.js'
import { byteLength, countRecords } from './batches.js'

const PRODUCE = 0
const FETCH = 1

export class RequestMetrics {
  readonly duration: Histogram<'api'>
  readonly requests: Counter<'api'>
  readonly errors: Counter<'api' | 'error'>
  readonly bytesIn: Counter<'topic'>
  readonly recordsIn: Counter<'topic'>
  readonly bytesOut: Counter<'topic'>
  readonly recordsOut: Counter<'topic'>
  private nextRequestId = 1

  constructor (registry: Registry) {
    const registers = [registry]
    this.duration = new Histogram({
      name: 'tributary_kafka_request_duration_seconds',
      help: 'Time from a decoded Kafka request to its response, per API (a long-polling Fetch counts its wait)',
      labelNames: ['api'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers
    })
    this.requests = new Counter({ name: 'tributary_kafka_requests_total', help: 'Kafka requests handled, per API', labelNames: ['api'], registers })
    this.errors = new Counter({ name: 'tributary_kafka_request_errors_total', help: 'Error codes in Kafka responses (one per partition, group or resource that failed), per API and error', labelNames: ['api', 'error'], registers })
    this.bytesIn = new Counter({ name: 'tributary_kafka_topic_bytes_in_total', help: 'Record-batch bytes appended by Produce, per topic', labelNames: ['topic'], registers })
    this.recordsIn = new Counter({ name: 'tributary_kafka_topic_records_in_total', help: 'Records appended by Produce, per topic', labelNames: ['topic'], registers })
    this.bytesOut = new Counter({ name: 'tributary_kafka_topic_bytes_out_total', help: 'Record-batch bytes sent by Fetch, per topic', labelNames: ['topic'], registers })
    this.recordsOut = new Counter({ name: 'tributary_kafka_topic_records_out_total', help: 'Records in whole batches sent by Fetch, per topic', labelNames: ['topic'], registers })
  }

  /** The same handlers, each measured and (at debug level) logged with a request id. */
  instrument (handlers: readonly Handler[], logger: Logger): Handler[] {
    return handlers.map(handler => wrapHandler(handler, (request, ctx) => this.handle(handler, request, ctx, logger)))
  }

  private handle (handler: Handler, request: unknown, ctx: RequestContext, logger: Logger): unknown {
    const api = handler.api.name
    const started = performance.now()
    let context = ctx
    let log: Logger | null = null
    if (logger.isLevelEnabled('debug')) {
      // Everything the handler logs for this request carries the same id.
      log = ctx.services.logger.child({ req: this.nextRequestId++ })
      context = { ...ctx, services: { ...ctx.services, logger: log } }
      log.debug({ api, version: ctx.apiVersion, correlationId: ctx.correlationId, conn: ctx.connectionId, client: ctx.clientId }, 'kafka request')
    }
    const finish = (response: unknown): unknown => {
      const seconds = (performance.now() - started) / 1000
      this.requests.inc({ api })
      this.duration.observe({ api }, seconds)
      const errors = new Map<number, number>()
      if (response !== undefined) countErrorCodes(response, errors)
      for (const [code, n] of errors) this.errors.inc({ api, error: kafkaErrorName(code) }, n)
      if (ctx.apiKey === PRODUCE) this.countProduced(request, response)
      else if (ctx.apiKey === FETCH && response !== undefined) this.countFetched(response)
      log?.debug({ api, ms: Math.round(seconds * 1e6) / 1e3, errors: errors.size > 0 ? Object.fromEntries([...errors].map(([c, n]) => [kafkaErrorName(c), n])) : undefined }, 'kafka response')
      return response
    }
    let result: unknown
    try {
      result = callHandler(handler, request, context)
    } catch (err) {
      this.requests.inc({ api })
      this.errors.inc({ api, error: 'HANDLER_THREW' })
      throw err
    }
    if (result instanceof Promise) {
      return result.then(finish, (err: unknown) => {
        this.requests.inc({ api })
        this.errors.inc({ api, error: 'HANDLER_THREW' })
        throw err
      })
    }
    return finish(result)
  }

  /** Produce: the batches of partitions the response accepted (all of them for acks=0, which has no response). */
  private countProduced (request: unknown, response: unknown): void {
    const accepted = new Set<string>()
    if (response !== undefined) {
      for (const t of (response as ProduceResponseShape).responses ?? []) {
        for (const p of t.partitionResponses ?? []) if (p.errorCode === 0) accepted.add(`${t.name}\u0000${p.index}`)
      }
    }
    for (const t of (request as ProduceRequestShape).topicData ?? []) {
      for (const p of t.partitionData ?? []) {
        if (p.records === null || (response !== undefined && !accepted.has(`${t.name}\u0000${p.index}`))) continue
        this.bytesIn.inc({ topic: t.name }, p.records.length)
        this.recordsIn.inc({ topic: t.name }, countRecords([p.records]))
      }
    }
  }

  private countFetched (response: unknown): void {
    for (const t of (response as FetchResponseShape).responses ?? []) {
      let bytes = 0
      let records = 0
      for (const p of t.partitions ?? []) {
        const chunks = Buffer.isBuffer(p.records) ? [p.records] : p.records
        if (chunks === null || chunks.length === 0) continue
        bytes += byteLength(chunks)
        records += countRecords(chunks)
      }
      if (bytes > 0) {
        this.bytesOut.inc({ topic: t.topic }, bytes)
        this.recordsOut.inc({ topic: t.topic }, records)
      }
    }
  }
}

// Only the fields counted here; field names are Kafka's (src/protocol/messages).
interface ProduceRequestShape { topicData?: Array<{ name: string, partitionData?: Array<{ index: number, records: Buffer | null }> }> }
interface ProduceResponseShape { responses?: Array<{ name: string, partitionResponses?: Array<{ index: number, errorCode: number }> }> }
interface FetchResponseShape { responses?: Array<{ topic: string, partitions?: Array<{ records: Buffer[] | Buffer | null }> }> }

/** Adds every non-zero `errorCode` in a response (at any depth) to `into`; byte fields are skipped. */
export function countErrorCodes (value: unknown, into: Map<number, number>): void {
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object') countErrorCodes(item, into)
    return
  }
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return
  for (const [key, field] of Object.entries(value)) {
    if (key === 'errorCode') {
      if (typeof field === 'number' && field !== 0) into.set(field, (into.get(field) ?? 0) + 1)
    } else if (field !== null && typeof field === 'object') {
      countErrorCodes(field, into)
    }
  }
}
