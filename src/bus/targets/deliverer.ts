// One delivery attempt of one event to one target. Throws DeliveryError on
// failure; the caller (the dispatcher) owns retries and dead letters.
import type { Catalog } from '../catalog.js'
import type { AppendedTo, BusRecordInput, BusStorage } from '../storage.js'
import type { EventEnvelope, RuleDefinition, TargetDefinition } from '../model.js'
import { ConnectionAuthorizer, type HttpRequestParts } from './connection-auth.js'
import { DeliveryError, isRetryableStatus } from './delivery-error.js'
import { renderTargetInput } from './input.js'
import { resolveTargetArn, type TargetEndpoint } from './resolve.js'
import { httpSend } from './http-send.js'

const MAX_CACHED_ENDPOINTS = 100_000
import { evaluateJsonPath, parseJsonPath } from './json-path.js'

export interface DelivererOptions {
  catalog: Catalog
  storage: BusStorage
  /** Appends events to another bus (cross-bus targets); resolves once durable. */
  forwardToBus: (busName: string, events: Array<{ event: EventEnvelope, text: string }>) => Promise<void>
  /** Lambda function name -> URL the function answers on locally. */
  functionUrls: Record<string, string>
  /** Used for functions not in functionUrls; `{name}` is replaced by the function name. */
  functionUrlTemplate?: string
  httpTimeoutMs: number
  /** Partitions of a topic the bus creates for a target that names a missing one. */
  defaultPartitions: number
}

export interface DeliveryContext {
  event: EventEnvelope
  eventText: string
  ingestionTime: string
  rule: RuleDefinition
}

export class TargetDeliverer {
  readonly auth: ConnectionAuthorizer

  constructor (private readonly options: DelivererOptions) {
    this.auth = new ConnectionAuthorizer(options.httpTimeoutMs)
  }

  async deliver (target: TargetDefinition, ctx: DeliveryContext): Promise<void> {
    const endpoint = this.endpointOf(target.Arn)
    if (!endpoint) throw new DeliveryError('UnsupportedTarget', `No local equivalent for target ${target.Arn}`, false)
    const input = renderTargetInput(target, { event: ctx.event, eventText: ctx.eventText, ruleArn: ctx.rule.arn, ruleName: ctx.rule.name, ingestionTime: ctx.ingestionTime })
    switch (endpoint.kind) {
      case 'topic': return await this.toTopic(endpoint.topic, target, ctx, input)
      case 'bus': return await this.toBus(endpoint.busName, ctx)
      case 'url': return await this.http(endpoint.url, 'POST', input, emptyParts(), target, null)
      case 'function': {
        const url = this.options.functionUrls[endpoint.name] ?? this.options.functionUrlTemplate?.replaceAll('{name}', encodeURIComponent(endpoint.name))
        if (url === undefined) throw new DeliveryError('ResourceNotFoundException', `No local URL configured for function ${endpoint.name}`, true)
        return await this.http(url, 'POST', input, emptyParts(), target, null)
      }
      case 'apiDestination': return await this.toApiDestination(endpoint.name, target, input)
    }
  }

  /** Where each target ARN points, resolved once: delivery asks for every event and target. */
  private readonly endpoints = new Map<string, TargetEndpoint | null>()

  private endpointOf (arn: string): TargetEndpoint | null {
    let endpoint = this.endpoints.get(arn)
    if (endpoint === undefined) {
      endpoint = resolveTargetArn(arn)
      // The cache only saves parsing: when targets churn past the bound it starts over.
      if (this.endpoints.size >= MAX_CACHED_ENDPOINTS) this.endpoints.clear()
      this.endpoints.set(arn, endpoint)
    }
    return endpoint
  }

  /** Whether the target is a Tributary topic (deliverToTopics takes it). */
  isTopicTarget (target: TargetDefinition): boolean {
    return this.endpointOf(target.Arn)?.kind === 'topic'
  }

  /**
   * First attempts to topic targets, many at once (one dispatcher step's worth): every topic gets one
   * append of all its records (one batch per partition) instead of one per event, which at high rates
   * cost more than everything else delivery does. Resolves once every append is written (in order, in
   * the OS), so the caller may read on; `durable` then resolves, aligned with `items`, with undefined
   * for a delivery that is fsynced or the error that failed it, once every partition touched is
   * (each one's own group commit, all started at once: with fewer at a time the fsyncs waited on the
   * event loop between them and delivery fell behind; one syncfs for all measured worse, see flushedMany).
   * A failed append or fsync fails every delivery to that topic (their retries may duplicate records:
   * at-least-once).
   */
  async writeToTopics (items: ReadonlyArray<{ target: TargetDefinition, ctx: DeliveryContext }>): Promise<{ durable: Promise<unknown[]> }> {
    const outcomes: unknown[] = new Array(items.length).fill(undefined)
    const perTopic = new Map<string, Array<{ index: number, record: BusRecordInput, key: string }>>()
    items.forEach(({ target, ctx }, index) => {
      try {
        const endpoint = this.endpointOf(target.Arn)
        if (endpoint?.kind !== 'topic') throw new DeliveryError('UnsupportedTarget', `Not a topic target: ${target.Arn}`, false)
        const input = renderTargetInput(target, { event: ctx.event, eventText: ctx.eventText, ruleArn: ctx.rule.arn, ruleName: ctx.rule.name, ingestionTime: ctx.ingestionTime })
        const key = topicRecordKey(target, ctx)
        let list = perTopic.get(endpoint.topic)
        if (!list) perTopic.set(endpoint.topic, list = [])
        list.push({ index, key, record: { key, value: input, headers: [{ key: 'event-id', value: ctx.event.id }, { key: 'rule-arn', value: ctx.rule.arn }] } })
      } catch (err) {
        outcomes[index] = err
      }
    })
    const { storage } = this.options
    const written: Array<{ topic: string, list: Array<{ index: number }>, at: AppendedTo }> = []
    await Promise.all([...perTopic].map(async ([topic, list]) => {
      try {
        if (!storage.hasTopic(topic)) await storage.ensureTopic(topic, undefined, this.options.defaultPartitions)
        for (const at of await storage.appendByKey(topic, list.map(item => item.record), list.map(item => item.key), 'written')) written.push({ topic, list, at })
      } catch (err) {
        for (const item of list) outcomes[item.index] = err
      }
    }))
    const durable = storage.flushedMany(written.map(w => ({ topic: w.topic, partition: w.at.partition, offset: w.at.lastOffset })))
      .then(failures => {
        for (const [i, err] of failures.entries()) {
          if (err !== undefined) for (const item of written[i]!.list) outcomes[item.index] ??= err
        }
        return outcomes
      })
    return { durable }
  }

  /** writeToTopics, resolving once every delivery is durable (or failed). */
  async deliverToTopics (items: ReadonlyArray<{ target: TargetDefinition, ctx: DeliveryContext }>): Promise<unknown[]> {
    return await (await this.writeToTopics(items)).durable
  }

  private async toTopic (topic: string, target: TargetDefinition, ctx: DeliveryContext, input: string): Promise<void> {
    const { storage } = this.options
    if (!storage.hasTopic(topic)) await storage.ensureTopic(topic, undefined, this.options.defaultPartitions)
    const key = topicRecordKey(target, ctx)
    await storage.append(topic, [{ key, value: input, headers: [{ key: 'event-id', value: ctx.event.id }, { key: 'rule-arn', value: ctx.rule.arn }] }], key)
  }

  private async toBus (busName: string, ctx: DeliveryContext): Promise<void> {
    if (!this.options.catalog.buses.has(busName)) throw new DeliveryError('ResourceNotFoundException', `Event bus ${busName} does not exist.`, true)
    await this.options.forwardToBus(busName, [{ event: ctx.event, text: ctx.eventText }])
  }

  private async toApiDestination (name: string, target: TargetDefinition, input: string): Promise<void> {
    const { catalog } = this.options
    const destination = catalog.apiDestinations.get(name)
    if (!destination) throw new DeliveryError('ResourceNotFoundException', `API destination ${name} does not exist.`, true)
    const connection = [...catalog.connections.values()].find(c => c.arn === destination.connectionArn)
    if (!connection) throw new DeliveryError('ResourceNotFoundException', `Connection ${destination.connectionArn} does not exist.`, true)
    if (connection.state === 'DEAUTHORIZED') throw new DeliveryError('ConnectionDeauthorized', `Connection ${connection.name} is deauthorized.`, false)
    let url = destination.invocationEndpoint
    for (const value of target.HttpParameters?.PathParameterValues ?? []) url = url.replace('*', encodeURIComponent(value))
    const parts = emptyParts()
    await this.auth.apply(connection, parts)
    await this.http(url, destination.httpMethod, input, parts, target, connection.arn)
  }

  private async http (url: string, method: string, input: string, parts: HttpRequestParts, target: TargetDefinition, connectionArn: string | null): Promise<void> {
    const target_ = new URL(url)
    for (const [k, v] of parts.query) target_.searchParams.append(k, v)
    for (const [k, v] of Object.entries(target.HttpParameters?.QueryStringParameters ?? {})) target_.searchParams.append(k, v)
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Amazon/EventBridge/ApiDestinations', ...parts.headers }
    for (const [k, v] of Object.entries(target.HttpParameters?.HeaderParameters ?? {})) headers[k.toLowerCase()] = v
    const upper = method.toUpperCase()
    const body = upper === 'GET' || upper === 'HEAD' ? undefined : withBodyParameters(input, parts.bodyParameters)
    let status: number
    try {
      status = await httpSend(target_, upper, headers, body, this.options.httpTimeoutMs)
    } catch (err) {
      const reason = (err as Error).name === 'TimeoutError' ? `timed out after ${this.options.httpTimeoutMs} ms` : (err as Error).message
      throw new DeliveryError('SdkClientException', `${upper} ${target_.origin}${target_.pathname}: ${reason}`, true)
    }
    if (status >= 200 && status < 300) return
    if (status === 401 && connectionArn !== null) this.auth.invalidate(connectionArn)
    throw new DeliveryError(String(status), `${upper} ${target_.origin}${target_.pathname} answered ${status}`, isRetryableStatus(status))
  }
}

/** The record key (and so the partition) of a topic delivery: the event id, or the message group or partition key the target names. */
function topicRecordKey (target: TargetDefinition, ctx: DeliveryContext): string {
  let key: string = ctx.event.id
  if (target.SqsParameters?.MessageGroupId !== undefined) key = target.SqsParameters.MessageGroupId
  if (target.KinesisParameters?.PartitionKeyPath !== undefined) {
    const steps = parseJsonPath(target.KinesisParameters.PartitionKeyPath)
    const value = steps ? evaluateJsonPath(steps, ctx.event) : undefined
    if (value !== undefined && value !== null) key = typeof value === 'string' ? value : JSON.stringify(value)
  }
  return key
}

function emptyParts (): HttpRequestParts {
  return { headers: {}, query: new URLSearchParams(), bodyParameters: {} }
}

/** A connection's body parameters join the JSON object the target receives. */
function withBodyParameters (input: string, bodyParameters: Record<string, string>): string {
  if (Object.keys(bodyParameters).length === 0) return input
  try {
    const parsed = JSON.parse(input)
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return JSON.stringify({ ...parsed, ...bodyParameters })
  } catch {}
  return input
}
