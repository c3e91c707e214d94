/* eslint-disable @typescript-eslint/no-explicit-any -- answers come back through the codec untyped (the API is chosen per call); tests read them field by field */
// The one harness for calling broker handlers directly: a real LogManager in a
// temporary directory and, when asked, a real GroupCoordinator over the same data
// directory. `call` sends the request and the answer through the codec at the
// given version, as the server would, so a test sees exactly what a client decodes.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { LogManager } from '../../src/log/index.js'
import { defaultConfig, type BrokerConfig } from '../../src/config.js'
import { decodeBuffer, encodeToBuffer } from '../../src/protocol/codec.js'
import { GroupCoordinator, encodeSubscription } from '../../src/broker/groups/index.js'
import { TransactionCoordinator } from '../../src/broker/txn/index.js'
import type { Handler, RequestContext } from '../../src/broker/handlers/types.js'
import type { BrokerServices } from '../../src/broker/services.js'

export interface HandlerContextOptions {
  /** Kept for callers that asked for a group coordinator: every context has real coordinators now. */
  groups?: boolean
  /** Topics to create before the first call: name -> partition count. */
  topics?: Record<string, number>
}

export interface HandlerContext {
  readonly log: LogManager
  /** The group coordinator. */
  readonly groups: GroupCoordinator
  readonly config: BrokerConfig
  readonly dir: string
  /** Encodes `request` at `version`, runs the handler on the decoded body, and returns the decoded answer. */
  call: (handler: Handler, version: number, request: object, clientId?: string) => Promise<any>
  /** Like `call`, for a request body already encoded (e.g. bytes a real client sent). */
  callRaw: (handler: Handler, version: number, requestBody: Buffer, clientId?: string) => Promise<any>
  /** Decodes a request body as the server would, checking every byte is consumed. */
  decodeRequest: (handler: Handler, version: number, requestBody: Buffer) => any
  /** Closes the log and reopens it from disk, as a restart would. */
  reopen: () => Promise<void>
  close: () => Promise<void>
}

/** Kept under its old name for the admin handler tests. */
export type AdminContext = HandlerContext

export async function openHandlerContext (overrides: Partial<BrokerConfig> = {}, options: HandlerContextOptions = {}): Promise<HandlerContext> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-handlers-'))
  const config: BrokerConfig = {
    ...defaultConfig,
    topicDefaults: {},
    dataDir: dir,
    advertisedHost: '127.0.0.1',
    clusterId: 'test-cluster',
    kafkaPort: 19092,
    ...overrides
  }
  const open = async (): Promise<LogManager> => await LogManager.open(dir, { defaults: config.topicDefaults })
  const log = await open()
  // Real coordinators, as the composition root builds them (src/tributary.ts): BrokerServices requires both.
  const groups = new GroupCoordinator({
    dataDir: dir,
    nodeId: config.nodeId,
    initialRebalanceDelayMs: 0,
    minSessionTimeoutMs: 1000,
    topicPartitionExists: (topic, partition) => services.log.partition(topic, partition) !== undefined
  })
  await groups.open()
  const txns = new TransactionCoordinator({ dir: join(dir, '__transactions'), log, groups: () => groups })
  await txns.open()
  const services: BrokerServices = { config, log, groups, txns, handlers: new Map(), logger: pino({ level: 'silent' }) }
  for (const [name, partitions] of Object.entries(options.topics ?? {})) await services.log.createTopic(name, partitions)
  let correlationId = 0
  const context: HandlerContext = {
    get log () { return services.log },
    get groups () { return services.groups },
    config,
    dir,
    async call (handler, version, request, clientId) {
      return await context.callRaw(handler, version, encodeToBuffer(handler.api.request, version, request), clientId)
    },
    decodeRequest (handler, version, requestBody) {
      const { body, consumed } = decodeBuffer(handler.api.request, version, requestBody)
      if (consumed !== requestBody.length) throw new Error(`TRIB_ERR_TEST: request decoded ${consumed} of ${requestBody.length} bytes`)
      return body
    },
    async callRaw (handler, version, requestBody, clientId = 'test-client') {
      const ctx: RequestContext = {
        apiKey: handler.api.apiKey,
        apiVersion: version,
        correlationId: ++correlationId,
        clientId,
        connectionId: 1,
        clientHost: '127.0.0.1:50000',
        principal: 'User:ANONYMOUS',
        services
      }
      const response = await handler.handle(context.decodeRequest(handler, version, requestBody), ctx)
      const bytes = encodeToBuffer(handler.api.response, version, response as object)
      const { body, consumed } = decodeBuffer(handler.api.response, version, bytes)
      if (consumed !== bytes.length) throw new Error(`TRIB_ERR_TEST: response decoded ${consumed} of ${bytes.length} bytes`)
      return body
    },
    async reopen () {
      await services.log.close()
      services.log = await open()
    },
    async close () {
      await services.txns.close()
      await services.groups.close()
      await services.log.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
  return context
}

/** The handler context as the group handler tests use it: node 7, topic `orders` with 3 partitions. */
export async function openGroupContext (): Promise<HandlerContext> {
  return await openHandlerContext({ advertisedHost: 'broker.local', nodeId: 7 }, { groups: true, topics: { orders: 3 } })
}

/** The admin handler tests' context: a log and no group coordinator. */
export async function openAdminContext (overrides: Partial<BrokerConfig> = {}): Promise<HandlerContext> {
  return await openHandlerContext(overrides)
}

export const consumerProtocols = (topics: string[] = ['orders']): Array<{ name: string, metadata: Buffer }> =>
  [{ name: 'range', metadata: encodeSubscription(topics) }]
