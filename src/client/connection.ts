// One TCP connection to a Kafka broker on Tributary's own codec: size-prefixed
// frames, correlation ids matched to in-flight requests (Kafka answers in order on
// a connection, but matching by id catches a broker that does not), request header
// v1 or v2 by the API's flexible versions, and ApiVersions negotiation so every
// request goes at the highest version both sides speak.
import { connect, type Socket } from 'node:net'
import { connect as connectTls } from 'node:tls'
import { saslHandshakeApi } from '../protocol/messages/sasl-handshake.js'
import { saslAuthenticateApi } from '../protocol/messages/sasl-authenticate.js'
import { saslClient, tlsOptions, type ClientSecurity } from './security.js'
import { apiVersionsApi } from '../protocol/messages/api-versions.js'
import type { ApiSpec } from '../protocol/messages/spec.js'
import type { DecodedBody, EncodableBody } from '../protocol/messages/body-types.js'
import { decodeResponse, encodeRequest } from '../protocol/headers.js'
import { ClientError, ClientErrorCode } from './errors.js'
import { FrameReader } from '../protocol/frame-reader.js'

export interface ConnectionOptions {
  host: string
  port: number
  clientId?: string
  /** How long a connect or a request may take before it fails. */
  timeoutMs?: number
  /** TLS and SASL (security.ts); absent: PLAINTEXT. */
  security?: ClientSecurity
}

interface InFlight {
  /** Decodes the response frame with the request's own API and version, and settles its promise. */
  settle: (frame: Buffer) => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout
}

/** Frames above this are a broken stream, not a response (Kafka's own default cap is 100 MiB). */
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024
const UNSUPPORTED_VERSION = 35

export class KafkaConnection {
  /** apiKey → the broker's [min, max] from ApiVersions. */
  private brokerVersions = new Map<number, { min: number, max: number }>()
  private readonly inFlight = new Map<number, InFlight>()
  private nextCorrelationId = 1
  /**
   * Response frames out of the socket's chunks, each copied once into its own buffer (the broker's reader). It
   * replaced a join of every chunk received so far on each new chunk: a 4 MiB Fetch answer in 64 KiB reads was
   * copied 64 times (~130 MB), which made bench/latency.ts's consumer spend half its CPU in Buffer.concat.
   */
  private readonly frames: FrameReader
  private closedError: Error | null = null

  private constructor (private readonly socket: Socket, readonly options: Required<ConnectionOptions>) {
    this.frames = new FrameReader(MAX_RESPONSE_BYTES, frame => this.onFrame(frame), size => this.badFrame(size))
    socket.on('data', (chunk: Buffer) => this.frames.push(chunk))
    socket.on('error', (err) => this.fail(new ClientError(ClientErrorCode.connectionLost, `connection to ${this.address} failed: ${err.message}`, { cause: err })))
    socket.on('close', () => this.fail(new ClientError(ClientErrorCode.connectionLost, `connection to ${this.address} closed`)))
  }

  get address (): string { return `${this.options.host}:${this.options.port}` }

  /** Connects and negotiates API versions. Fails with TRIB_ERR_NO_BROKER when nothing answers. */
  static async open (options: ConnectionOptions): Promise<KafkaConnection> {
    // An explicit `security: undefined` (a caller passing its own option on) is PLAINTEXT too.
    const full: Required<ConnectionOptions> = { clientId: 'tributary-cli', timeoutMs: 30_000, ...options, security: options.security ?? {} }
    const tls = full.security.tls
    const socket = await new Promise<Socket>((resolve, reject) => {
      let s: Socket
      try {
        s = tls === undefined ? connect({ host: full.host, port: full.port }) : connectTls({ host: full.host, port: full.port, ...tlsOptions(tls, full.host) })
      } catch (err) {
        reject(noBroker(full, (err as Error).message))
        return
      }
      const timer = setTimeout(() => { s.destroy(); reject(noBroker(full, 'timed out')) }, full.timeoutMs)
      s.once(tls === undefined ? 'connect' : 'secureConnect', () => { clearTimeout(timer); s.removeAllListeners('error'); resolve(s) })
      s.once('error', (err: NodeJS.ErrnoException) => { clearTimeout(timer); reject(noBroker(full, err.code ?? err.message)) })
    })
    socket.setNoDelay(true)
    const connection = new KafkaConnection(socket, full)
    try {
      await connection.negotiate()
      if (full.security.sasl !== undefined) await connection.authenticate()
    } catch (err) {
      connection.close()
      throw err
    }
    return connection
  }

  /** The version this connection will use for `api`: the highest both speak, capped at clientMax. */
  versionFor (api: ApiSpec, clientMax = api.maxVersion, clientMin = api.minVersion): number {
    const broker = this.brokerVersions.get(api.apiKey)
    const version = Math.min(clientMax, broker?.max ?? -1)
    if (broker === undefined || version < Math.max(clientMin, broker.min)) {
      throw new ClientError(ClientErrorCode.unsupported, `the broker at ${this.address} does not serve ${api.name} v${clientMin}-${clientMax}`)
    }
    return version
  }

  supports (api: ApiSpec): boolean {
    return this.brokerVersions.has(api.apiKey)
  }

  /** Sends one request at the negotiated version and resolves with the decoded response body. */
  async request<A extends ApiSpec> (api: A, body: EncodableBody<A['request']>, limits: { maxVersion?: number, minVersion?: number } = {}): Promise<{ body: DecodedBody<A['response']>, version: number }> {
    const version = this.versionFor(api, limits.maxVersion, limits.minVersion)
    return { body: await this.send(api, version, body), version }
  }

  /** Sends one request at exactly `version`. */
  async send<A extends ApiSpec> (api: A, version: number, body: EncodableBody<A['request']>): Promise<DecodedBody<A['response']>> {
    if (this.closedError !== null) throw this.closedError
    const correlationId = this.nextCorrelationId++
    const chunks = encodeRequest(api, version, correlationId, this.options.clientId, body)
    return await new Promise<DecodedBody<A['response']>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.inFlight.delete(correlationId)
        reject(new ClientError(ClientErrorCode.timeout, `${api.name} to ${this.address} got no answer within ${this.options.timeoutMs} ms`))
      }, this.options.timeoutMs)
      const fail: (err: Error) => void = reject
      const settle = (frame: Buffer): void => {
        try {
          resolve(decodeResponse(frame, api, version).body)
        } catch (err) {
          fail(err as Error)
        }
      }
      this.inFlight.set(correlationId, { settle, reject: fail, timer })
      this.socket.cork()
      for (const chunk of chunks) this.socket.write(chunk)
      this.socket.uncork()
    })
  }

  /** Writes a request Kafka sends no response to (Produce with acks=0). */
  sendWithoutResponse<A extends ApiSpec> (api: A, version: number, body: EncodableBody<A['request']>): void {
    if (this.closedError !== null) throw this.closedError
    const chunks = encodeRequest(api, version, this.nextCorrelationId++, this.options.clientId, body)
    this.socket.cork()
    for (const chunk of chunks) this.socket.write(chunk)
    this.socket.uncork()
  }

  /** Resolves once everything written so far has been handed to the OS. */
  async drain (): Promise<void> {
    await new Promise<void>(resolve => this.socket.write(Buffer.alloc(0), () => resolve()))
  }

  close (): void {
    this.fail(new ClientError(ClientErrorCode.connectionLost, `connection to ${this.address} was closed by the client`))
    this.socket.destroy()
  }

  // ApiVersions first at our highest version; a broker that does not know it answers
  // UNSUPPORTED_VERSION in v0 (KIP-511) and we retry at v0.
  private async negotiate (): Promise<void> {
    this.brokerVersions.set(apiVersionsApi.apiKey, { min: 0, max: apiVersionsApi.maxVersion })
    let response = await this.send(apiVersionsApi, apiVersionsApi.maxVersion, { clientSoftwareName: 'tributary-client', clientSoftwareVersion: '0.1.0' })
    if (response.errorCode === UNSUPPORTED_VERSION) response = await this.send(apiVersionsApi, 0, {})
    if (response.errorCode !== 0) throw new ClientError(ClientErrorCode.unsupported, `ApiVersions to ${this.address} failed with error code ${response.errorCode}`)
    this.brokerVersions = new Map(response.apiKeys.map(k => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]))
  }

  // SaslHandshake v1 names the mechanism, then SaslAuthenticate carries each token (KIP-152).
  private async authenticate (): Promise<void> {
    const sasl = this.options.security.sasl!
    const refused = (why: string): ClientError => new ClientError(ClientErrorCode.authentication, `SASL ${sasl.mechanism} authentication of "${sasl.username}" at ${this.address} failed: ${why}`)
    const handshake = await this.send(saslHandshakeApi, 1, { mechanism: sasl.mechanism })
    if (handshake.errorCode !== 0) throw refused(`the broker offers ${handshake.mechanisms.join(', ') || 'no mechanism'} (error code ${handshake.errorCode})`)
    const exchange = saslClient(sasl)
    let serverToken: Buffer = Buffer.alloc(0)
    for (;;) {
      let token: Buffer | null
      try {
        token = await exchange.next(serverToken)
      } catch (err) {
        throw refused((err as Error).message)
      }
      if (token === null) return
      const { body } = await this.request(saslAuthenticateApi, { authBytes: token })
      if (body.errorCode !== 0) throw refused(body.errorMessage ?? `error code ${body.errorCode}`)
      serverToken = body.authBytes
    }
  }

  private onFrame (frame: Buffer): boolean {
    // every response starts with its correlation id
    if (frame.length < 4) { this.badFrame(frame.length); return false }
    this.dispatch(frame)
    return true
  }

  private badFrame (size: number): void {
    this.fail(new ClientError(ClientErrorCode.connectionLost, `broker at ${this.address} sent a frame of ${size} bytes`))
    this.socket.destroy()
  }

  private dispatch (frame: Buffer): void {
    const correlationId = frame.readInt32BE(0)
    const call = this.inFlight.get(correlationId)
    if (call === undefined) return // answered after its timeout: nobody waits for it
    this.inFlight.delete(correlationId)
    clearTimeout(call.timer)
    call.settle(frame)
  }

  private fail (err: Error): void {
    if (this.closedError === null) this.closedError = err
    for (const [id, call] of this.inFlight) {
      clearTimeout(call.timer)
      call.reject(err)
      this.inFlight.delete(id)
    }
  }
}

function noBroker (options: Required<ConnectionOptions>, reason: string): ClientError {
  return new ClientError(ClientErrorCode.noBroker, `no broker at ${options.host}:${options.port}: is \`tributary start\` running? (${reason})`)
}
