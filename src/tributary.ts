// One process, one data directory, three faces over one storage engine:
// the Kafka listener, the EventBridge bus and the HTTP face. Start order matters:
// the log opens (and recovers) first; /health answers 200 only once every face serves.
import { mkdirSync } from 'node:fs'
import type { BrokerConfig } from './config.js'
import type { Logger } from './logger.js'
import { realFs } from './log/index.js'
import { Broker, type BrokerOptions } from './broker/broker.js'
import { HttpFace } from './http/server.js'

export class Tributary {
  readonly broker: Broker
  readonly http: HttpFace

  constructor (readonly config: BrokerConfig, readonly logger: Logger, options: BrokerOptions = {}) {
    this.broker = new Broker(config, logger.child({ face: 'kafka' }), options)
    this.http = new HttpFace(config, logger.child({ face: 'http' }), this.broker)
  }

  async start (): Promise<void> {
    if (this.broker.fs === realFs) mkdirSync(this.config.dataDir, { recursive: true })
    const started = Date.now()
    await this.broker.start()
    const httpPort = await this.http.listen()
    this.http.ready = true
    this.logger.info({
      kafka: `${this.config.host}:${this.broker.port}`,
      http: `http://${this.config.host}:${httpPort}`,
      dataDir: this.config.dataDir,
      ms: Date.now() - started
    }, 'Tributary is ready')
  }

  async stop (): Promise<void> {
    this.http.ready = false
    await this.http.close()
    await this.broker.stop()
  }
}
