// One reconnecting line to a Kafka cluster. Tributary's client (src/client) keeps
// a connection until it breaks; the bus tier must outlive a cluster that goes
// away and comes back, so every call goes through use(): a call that fails on a
// lost or refused connection drops the client, and the next call connects again
// (to the first bootstrap server that answers). Nothing is retried here: the
// caller decides (PutEvents answers an error, a delivery loop tries again later).
import type { Logger } from 'pino'
import { KafkaClient } from '../../client/client.js'
import type { ClientSecurity } from '../../client/security.js'
import { ClientError, ClientErrorCode } from '../../client/errors.js'
import { BusError } from '../errors.js'
import { TributaryErrorCode } from '../../errors.js'

export const CLUSTER_UNAVAILABLE = TributaryErrorCode.BUS_CLUSTER_UNAVAILABLE

export interface ClusterLinkOptions {
  bootstrap: string
  clientId?: string
  /** How long a connect or a request may take (default 10 s). */
  timeoutMs?: number
  /** SASL and TLS to the cluster (config keys busKafkaSasl, busKafkaTls). */
  security?: ClientSecurity
  logger?: Logger
}

export class ClusterLink {
  private client: Promise<KafkaClient> | null = null
  private closed = false

  constructor (readonly options: ClusterLinkOptions) {}

  get bootstrap (): string { return this.options.bootstrap }

  /** Runs `call` on a connected client; a connection failure drops the client and is rethrown as TRIB_ERR_BUS_CLUSTER_UNAVAILABLE. */
  async use<T> (call: (client: KafkaClient) => Promise<T>): Promise<T> {
    const client = await this.connect()
    try {
      return await call(client)
    } catch (err) {
      if (!isConnectionFailure(err)) throw err
      this.drop(client)
      throw new BusError(CLUSTER_UNAVAILABLE, `lost the Kafka cluster at ${this.bootstrap}: ${(err as Error).message}`, { cause: err })
    }
  }

  /** Connects now (used at start, so an unreachable cluster fails the start with the bootstrap servers named). */
  async connect (): Promise<KafkaClient> {
    if (this.closed) throw new BusError(CLUSTER_UNAVAILABLE, 'the cluster link is closed')
    if (this.client === null) {
      const opening = KafkaClient.connect(this.bootstrap, { clientId: this.options.clientId ?? 'tributary-bus', timeoutMs: this.options.timeoutMs ?? 10_000, security: this.options.security })
      this.client = opening
      opening.catch(() => { if (this.client === opening) this.client = null })
    }
    try {
      return await this.client
    } catch (err) {
      throw new BusError(CLUSTER_UNAVAILABLE, `cannot reach the Kafka cluster at ${this.bootstrap} (bootstrap servers): ${(err as Error).message}`, { cause: err })
    }
  }

  close (): void {
    this.closed = true
    const client = this.client
    this.client = null
    client?.then(c => c.close(), () => {})
  }

  private drop (client: KafkaClient): void {
    this.options.logger?.warn({ bootstrap: this.bootstrap }, 'lost the Kafka cluster connection; reconnecting on the next request')
    client.close()
    this.client = null
  }
}

export function isConnectionFailure (err: unknown): boolean {
  if (err instanceof BusError) return err.code === CLUSTER_UNAVAILABLE
  return err instanceof ClientError && (err.code === ClientErrorCode.connectionLost || err.code === ClientErrorCode.noBroker || err.code === ClientErrorCode.timeout)
}
