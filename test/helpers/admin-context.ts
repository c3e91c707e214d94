/* eslint-disable @typescript-eslint/no-explicit-any -- answers come back through the codec untyped (the API is chosen per call); tests read them field by field */
// A broker's handler context over a real LogManager in a temporary directory,
// for calling admin handlers directly. `call` sends the request and the answer
// through the codec at the given version, as the server would, so a test sees
// exactly what a client would decode.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { LogManager } from '../../src/log/index.js'
import { defaultConfig, type BrokerConfig } from '../../src/config.js'
import { decodeBuffer, encodeToBuffer } from '../../src/protocol/codec.js'
import type { Handler, RequestContext } from '../../src/broker/handlers/types.js'
import type { BrokerServices } from '../../src/broker/services.js'
import { GroupCoordinator } from '../../src/broker/groups/index.js'
import { TransactionCoordinator } from '../../src/broker/txn/index.js'

export interface AdminContext {
  log: LogManager
  config: BrokerConfig
  dir: string
  /** Encodes `request` at `version`, runs the handler on the decoded body, and returns the decoded answer. */
  call: (handler: Handler, version: number, request: object) => Promise<any>
  /** Like `call`, for a request body already encoded (e.g. bytes a real client sent). */
  callRaw: (handler: Handler, version: number, requestBody: Buffer) => Promise<any>
  /** Closes the log and reopens it from disk, as a restart would. */
  reopen: () => Promise<void>
  close: () => Promise<void>
}

export async function openAdminContext (overrides: Partial<BrokerConfig> = {}): Promise<AdminContext> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-admin-'))
  const config: BrokerConfig = {
    ...defaultConfig,
    topicDefaults: {},
    dataDir: dir,
    advertisedHost: '127.0.0.1',
    clusterId: 'test-cluster',
    kafkaPort: 19092,
    ...overrides
  }
  const logger = pino({ level: 'silent' })
  const open = async (): Promise<LogManager> => await LogManager.open(dir, { defaults: config.topicDefaults })
  const log = await open()
  // Real coordinators, as the composition root builds them (src/tributary.ts).
  const groups = new GroupCoordinator({ dataDir: dir, nodeId: config.nodeId, initialRebalanceDelayMs: 0, topicPartitionExists: (t, p) => services.log.partition(t, p) !== undefined })
  await groups.open()
  const txns = new TransactionCoordinator({ dir: join(dir, '__transactions'), log, groups: () => groups })
  await txns.open()
  const services: BrokerServices = { config, log, groups, txns, handlers: new Map(), logger }
  let correlationId = 0
  const context: AdminContext = {
    get log () { return services.log },
    config,
    dir,
    async call (handler, version, request) {
      return await context.callRaw(handler, version, encodeToBuffer(handler.api.request, version, request))
    },
    async callRaw (handler, version, requestBody) {
      const { body: decodedRequest, consumed: requestBytes } = decodeBuffer(handler.api.request, version, requestBody)
      if (requestBytes !== requestBody.length) throw new Error(`TRIB_ERR_TEST: request decoded ${requestBytes} of ${requestBody.length} bytes`)
      const ctx: RequestContext = {
        apiKey: handler.api.apiKey,
        apiVersion: version,
        correlationId: ++correlationId,
        clientId: 'admin-test',
        connectionId: 1,
        clientHost: '127.0.0.1:50000',
        services
      }
      const response = await handler.handle(decodedRequest, ctx)
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
      await txns.close()
      await groups.close()
      await services.log.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
  return context
}
