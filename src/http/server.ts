// The HTTP face: /health and the EventBridge API (POST /) share this one port.
import Fastify, { type FastifyInstance } from 'fastify'
import type { BrokerConfig } from '../config.js'
import type { Logger } from '../logger.js'
import type { Broker } from '../broker/broker.js'

export class HttpFace {
  ready = false
  readonly app: FastifyInstance
  private bus: { close: () => Promise<void> } | null = null

  constructor (private config: BrokerConfig, private logger: Logger, private broker: Broker) {
    this.app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 })
    this.app.get('/health', async (_req, reply) => {
      if (!this.ready) return reply.code(503).send({ status: 'starting' })
      return { status: 'ok', kafkaPort: this.broker.port, topics: this.broker.log.topics().length }
    })
  }

  /** Routes cannot be added to a listening fastify app, so everything is attached before listen. */
  async listen (): Promise<number> {
    await this.attachBus()
    await this.app.listen({ host: this.config.host, port: this.config.httpPort })
    const address = this.app.server.address()
    const port = typeof address === 'object' && address ? address.port : this.config.httpPort
    this.config.httpPort = port
    return port
  }

  /** The bus needs the opened log, so the HTTP face starts after the broker. */
  private async attachBus (): Promise<void> {
    let busModule: any
    try {
      busModule = await import('../bus/index.js')
    } catch (err) {
      this.logger.warn({ err }, 'event bus not available')
      return
    }
    const bus = new busModule.EventBus({
      dataDir: this.config.dataDir,
      log: this.broker.log,
      accountId: this.config.accountId,
      region: this.config.region,
      logger: this.logger.child({ part: 'bus' })
    })
    await bus.open()
    busModule.registerBusRoutes(this.app, bus)
    this.bus = bus
  }

  async close (): Promise<void> {
    await this.app.close()
    await this.bus?.close()
  }
}
