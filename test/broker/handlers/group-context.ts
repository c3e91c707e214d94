/* eslint-disable @typescript-eslint/no-explicit-any -- answers come back through the codec untyped (the API is chosen per call); tests read them field by field */
// A real group coordinator behind the group handlers, called through the
// codec at a given version as the server would: a test sees exactly the bytes
// a client would decode.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultConfig, type BrokerConfig } from '../../../src/config.js'
import { decodeBuffer, encodeToBuffer } from '../../../src/protocol/codec.js'
import { GroupCoordinator, encodeSubscription } from '../../../src/broker/groups/index.js'
import type { Handler, RequestContext } from '../../../src/broker/handlers/types.js'
import type { BrokerServices } from '../../../src/broker/services.js'

export interface GroupContext {
  groups: GroupCoordinator
  config: BrokerConfig
  /** Encodes `request` at `version`, runs the handler on the decoded body, and decodes its answer. */
  call: (handler: Handler, version: number, request: object, clientId?: string) => Promise<any>
  close: () => Promise<void>
}

export async function openGroupContext (): Promise<GroupContext> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-group-handlers-'))
  const config: BrokerConfig = { ...defaultConfig, dataDir: dir, advertisedHost: 'broker.local', kafkaPort: 19092, nodeId: 7 }
  const partitions = new Map([['orders', 3]])
  const groups = new GroupCoordinator({
    dataDir: dir,
    nodeId: config.nodeId,
    initialRebalanceDelayMs: 0,
    minSessionTimeoutMs: 1000,
    topicPartitionExists: (topic, partition) => partition >= 0 && partition < (partitions.get(topic) ?? 0)
  })
  await groups.open()
  const services = { config, log: null, groups, handlers: new Map() } as unknown as BrokerServices
  let correlationId = 0
  return {
    groups,
    config,
    async call (handler, version, request, clientId = 'test-client') {
      const { body: decoded } = decodeBuffer(handler.api.request, version, encodeToBuffer(handler.api.request, version, request))
      const ctx: RequestContext = {
        apiKey: handler.api.apiKey,
        apiVersion: version,
        correlationId: ++correlationId,
        clientId,
        connectionId: 1,
        clientHost: '127.0.0.1:50123',
        services
      }
      const response = await handler.handle(decoded, ctx)
      const bytes = encodeToBuffer(handler.api.response, version, response as object)
      const { body, consumed } = decodeBuffer(handler.api.response, version, bytes)
      if (consumed !== bytes.length) throw new Error(`TRIB_ERR_TEST: response decoded ${consumed} of ${bytes.length} bytes`)
      return body
    },
    async close () {
      await groups.close()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

export const consumerProtocols = (topics: string[] = ['orders']): Array<{ name: string, metadata: Buffer }> =>
  [{ name: 'range', metadata: encodeSubscription(topics) }]
