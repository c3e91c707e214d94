// A real bus for tests: LogManager in a temp dir, EventBus, a fastify server on
// loopback port 0 with the bus routes, an AWS SDK client pointed at it, and a
// local HTTP target server that records what it receives.
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import Fastify, { type FastifyInstance } from 'fastify'
import { pino, type Logger } from 'pino'
import { EventBridgeClient } from '@aws-sdk/client-eventbridge'
import { LogManager } from '../../src/log/index.js'
import type { FileSystem } from '../../src/log/fs.js'
import { EventBus, registerBusRoutes, type EventBusOptions } from '../../src/bus/index.js'
import { BusStorage, type BusRecord } from '../../src/bus/storage.js'
import { waitFor } from '../helpers/wait.js'

// The SDK warns about Node 20 on every run; the warning is not about the bus.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

export const ACCOUNT = '123456789012'
export const REGION = 'us-east-1'

export interface BusHarness {
  dir: string
  log: LogManager
  bus: EventBus
  app: FastifyInstance
  endpoint: string
  client: EventBridgeClient
  /** Closes everything and opens it again on the same data dir (a clean restart). */
  restart: () => Promise<void>
  close: () => Promise<void>
  readTopic: (topic: string, partition?: number) => Promise<BusRecord[]>
}

export interface HarnessOptions {
  /** The file system of the log and the bus's journals (e.g. a FaultyFs over realFs to make one operation fail). */
  fs?: FileSystem
  /** Runs on every open between the log's and the bus's, e.g. to arm a fault for the bus's start. */
  beforeBusOpen?: () => void
}

export async function startBus (options: Partial<EventBusOptions> = {}, harness: HarnessOptions = {}): Promise<BusHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-bus-'))
  const h = { dir } as BusHarness
  const open = async (): Promise<void> => {
    h.log = await LogManager.open(dir, harness.fs !== undefined ? { fs: harness.fs } : {})
    harness.beforeBusOpen?.()
    h.bus = new EventBus({ dataDir: dir, log: h.log, accountId: ACCOUNT, region: REGION, retryBaseDelayMs: 20, retryMaxDelayMs: 200, ...(harness.fs !== undefined ? { fs: harness.fs } : {}), ...options })
    await h.bus.open()
    h.app = Fastify({ logger: false })
    registerBusRoutes(h.app, h.bus)
    await h.app.listen({ host: '127.0.0.1', port: 0 })
    const address = h.app.server.address()
    h.endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    h.client = new EventBridgeClient({ region: REGION, endpoint: h.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 })
  }
  const shut = async (): Promise<void> => {
    h.client.destroy()
    await h.app.close()
    await h.bus.close()
    await h.log.close()
  }
  await open()
  h.restart = async () => { await shut(); await open() }
  h.close = async () => { await shut(); await rm(dir, { recursive: true, force: true }) }
  h.readTopic = async (topic, partition = 0) => {
    const p = h.log.partition(topic, partition)
    if (!p) return []
    const storage = new BusStorage(h.log)
    if (partition !== 0) throw new Error('readTopic reads partition 0')
    const out: BusRecord[] = []
    let offset = p.logStartOffset
    while (offset < p.highWatermark) {
      const r = await storage.read(topic, offset)
      out.push(...r.records)
      offset = r.nextOffset
    }
    return out
  }
  return h
}

export interface ReceivedRequest { method: string, url: string, headers: IncomingMessage['headers'], body: string }

/** An HTTP target: records each request; `respond` decides the status (default 200). */
export class TargetServer {
  readonly received: ReceivedRequest[] = []
  respond: (request: ReceivedRequest, index: number) => number = () => 200
  private readonly server: Server
  private waiters: Array<{ count: number, resolve: () => void }> = []
  url = ''

  constructor () {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', c => chunks.push(c))
      req.on('end', () => {
        const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
        const index = this.received.length
        this.received.push(request)
        const status = this.respond(request, index)
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(status === 200 && req.url === '/token' ? JSON.stringify({ access_token: 'tok-1', expires_in: 3600 }) : '{}')
        this.waiters = this.waiters.filter(w => {
          if (this.received.length >= w.count) w.resolve()
          return this.received.length < w.count
        })
      })
    })
  }

  async start (): Promise<this> {
    this.server.listen(0, '127.0.0.1')
    await once(this.server, 'listening')
    const address = this.server.address()
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    return this
  }

  /** Resolves once `count` requests in total have arrived. */
  waitFor (count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve()
    return new Promise(resolve => this.waiters.push({ count, resolve }))
  }

  async close (): Promise<void> {
    this.server.closeAllConnections()
    this.server.close()
    await once(this.server, 'close')
  }
}

/** Waits for a condition driven by background work (delivery to a topic), however long the machine takes. */
export async function eventually<T> (probe: () => Promise<T | undefined> | T | undefined, what = 'the condition'): Promise<T> {
  return await waitFor(probe, what)
}

export interface CapturedLog { logger: Logger, lines: Array<Record<string, unknown>> }

/** A real pino logger whose lines the test can read (parsed, in order). */
export function captureLog (): CapturedLog {
  const lines: Array<Record<string, unknown>> = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>) } })
  return { logger, lines }
}
