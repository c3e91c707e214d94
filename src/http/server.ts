// The HTTP face: one port for the EventBridge API (POST /), GET /metrics
// (Prometheus), GET /health, GET /api/topics/:name and the web console (GET /
// and /api/console, src/http/console). Everything it serves is built by the
// composition root (src/tributary.ts) and handed in; it constructs nothing.
import Fastify, { type FastifyInstance } from 'fastify'
import type { BrokerConfig } from '../config.js'
import type { Logger } from '../logger.js'
import { registerBusRoutes, type EventBus } from '../bus/index.js'
import { busVerifier, busPermissions } from '../bus/api/access.js'
import type { Metrics } from '../metrics/index.js'
import type { LogManager } from '../log/index.js'
import { registerHealthRoute } from './health.js'
import { registerMetricsRoute } from './metrics.js'
import { registerTopicsApi } from './topics-api.js'
import { logRequests } from './request-log.js'
import { loadTls } from '../broker/listeners.js'
import { registerConsole, type ConsoleParts } from './console/index.js'
import { registerBasicAuth } from './auth.js'
import { TributaryError, TributaryErrorCode } from '../errors.js'
import { registerConsoleAccess } from './console-access.js'
import type { CredentialStore } from '../security/credential-store.js'
import type { Authorizer } from '../broker/acl/authorizer.js'
import { lazySchemaCompilers } from './lazy-schema-compilers.js'

export interface HttpFaceParts {
  config: BrokerConfig
  logger: Logger
  bus: EventBus
  metrics: Metrics
  /** Read by GET /api/topics/:name (facts Kafka's protocol has no field for). */
  log: LogManager
  /** What /health reports once every face serves. */
  status: () => Record<string, unknown>
  /** The SASL credentials and the Kafka ACLs: with http.auth "basic", who may log in and what they may do. */
  access?: { credentials: CredentialStore, authorizer: Authorizer }
  /** The web console's sources; without them the console is not served. */
  console?: Omit<ConsoleParts, 'log' | 'bus'>
}

export class HttpFace {
  /** /health answers 200 only once this is set (the root sets it when every face serves). */
  ready = false
  readonly app: FastifyInstance

  constructor (private readonly parts: HttpFaceParts) {
    // http.tls: HTTPS on the same port, from the same kind of PEM files as the Kafka listeners
    const tls = parts.config.http.tls
    // the schema compilers load only if a route ever declares a schema (none does)
    const schemaController = { compilersFactory: lazySchemaCompilers }
    this.app = tls === undefined
      ? Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024, schemaController })
      : Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024, schemaController, https: loadTls(tls, 'http.tls') }) as unknown as FastifyInstance
    // Routes cannot be added to a listening fastify app, so all are attached here.
    logRequests(this.app, parts.logger)
    if (parts.config.http.auth === 'basic') {
      if (parts.access === undefined) throw new TributaryError(TributaryErrorCode.CONFIG, 'http.auth "basic" needs the credential store and the ACLs')
      registerBasicAuth(this.app, { credentials: parts.access.credentials, failureDelayMs: parts.config.saslFailureDelayMs })
      registerConsoleAccess(this.app, parts.access.authorizer)
      parts.logger.info({ authorization: parts.access.authorizer.enabled }, 'the console and /api/* ask for a user name and password (http.auth basic); /health, /metrics and the bus API do not')
    } else if (parts.console !== undefined) {
      parts.logger.warn('THE CONSOLE IS OPEN: anyone who reaches the HTTP port can use it; set http.auth to "basic" to ask for a user name and password')
    }
    registerHealthRoute(this.app, () => this.ready, parts.status)
    registerMetricsRoute(this.app, parts.metrics, parts.logger)
    registerBusRoutes(this.app, parts.bus, busVerifier(parts.config.bus, parts.logger), busPermissions(parts.config.bus, parts.bus, parts.logger))
    registerTopicsApi(this.app, parts.log)
    if (parts.console !== undefined) registerConsole(this.app, { ...parts.console, log: parts.log, bus: parts.bus, busSigning: (parts.config.bus?.credentials ?? []).length > 0 })
  }

  /** Starts listening; resolves with the bound port (config.httpPort may be 0). */
  async listen (): Promise<number> {
    const { config } = this.parts
    await this.app.listen({ host: config.host, port: config.httpPort })
    const address = this.app.server.address()
    const port = typeof address === 'object' && address ? address.port : config.httpPort
    config.httpPort = port
    return port
  }

  async close (): Promise<void> {
    await this.app.close()
  }
}
