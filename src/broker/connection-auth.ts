// Who is on the other end of one Kafka connection, and how far its SASL
// exchange has got. The server makes one per connection and puts what it knows
// into every RequestContext; the SaslHandshake and SaslAuthenticate handlers
// drive it.
//
// On a SASL listener a client may send only ApiVersions, SaslHandshake and
// SaslAuthenticate until it has authenticated (anything else closes the
// connection, as Kafka does), and its frames are held to the small
// maxPreAuthRequestBytes. SaslHandshake v0 means the client sends the SASL
// tokens next as bare size-prefixed frames, not inside SaslAuthenticate (what
// kafka-python 2.0.2 does); v1 means SaslAuthenticate. A failed attempt is
// answered after saslFailureDelayMs (so guessing passwords is slow) and the
// connection is then closed.
import type { ListenerProtocol } from '../config-security.js'
import { usesSasl } from '../config-security.js'
import { ErrorCode } from '../protocol/errors.js'
import type { Logger } from '../logger.js'
import type { CredentialStore } from '../security/credential-store.js'
import { isServedMechanism, saslServerFor, SERVED_MECHANISMS, type SaslServer } from '../security/sasl-server.js'

export const ANONYMOUS = 'User:ANONYMOUS'
const API_VERSIONS = 18
const SASL_HANDSHAKE = 17
const SASL_AUTHENTICATE = 36

export interface AuthAnswer { errorCode: number, errorMessage: string | null, authBytes: Buffer }

export interface ConnectionAuthOptions {
  listener: string
  protocol: ListenerProtocol
  /** null when no SASL listener is configured (then SASL is refused). */
  credentials: CredentialStore | null
  failureDelayMs: number
  logger: Logger
}

export class ConnectionAuth {
  principal = ANONYMOUS
  authenticated = false
  /** After SaslHandshake v0: the next frames are bare SASL tokens. */
  rawTokens = false
  /** Set once the connection must close after the answers queued so far are written. */
  closeAfterAnswer = false
  private exchange: SaslServer | null = null

  constructor (private readonly options: ConnectionAuthOptions) {}

  get listener (): string { return this.options.listener }
  get requiresSasl (): boolean { return usesSasl(this.options.protocol) }

  /** Whether a request of this API may be served on this connection now. */
  mayServe (apiKey: number): boolean {
    if (!this.requiresSasl || this.authenticated) return true
    return apiKey === API_VERSIONS || apiKey === SASL_HANDSHAKE || apiKey === SASL_AUTHENTICATE
  }

  /** A verified TLS client certificate names the principal (Kafka's default SSL principal builder). */
  certificateSubject (subject: string): void {
    this.principal = `User:${subject}`
    this.authenticated = true
  }

  handshake (mechanism: string, version: number): { errorCode: number, mechanisms: string[] } {
    const mechanisms = [...SERVED_MECHANISMS]
    if (!this.requiresSasl || this.options.credentials === null || this.authenticated || this.exchange !== null) {
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms }
    }
    if (!isServedMechanism(mechanism)) return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms }
    this.exchange = saslServerFor(mechanism, this.options.credentials)
    this.rawTokens = version === 0
    return { errorCode: ErrorCode.NONE, mechanisms }
  }

  /** One SaslAuthenticate token (or one bare token after a v0 handshake). */
  async authenticate (token: Buffer): Promise<AuthAnswer> {
    const exchange = this.exchange
    if (exchange === null || this.authenticated) {
      this.closeAfterAnswer = true
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'SaslAuthenticate without a SaslHandshake before it', authBytes: Buffer.alloc(0) }
    }
    const step = await exchange.step(token)
    if (step.kind === 'continue') return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: step.response }
    if (step.kind === 'done') {
      this.principal = `User:${step.user}`
      this.authenticated = true
      this.rawTokens = false
      this.exchange = null
      this.options.logger.debug({ principal: this.principal, listener: this.listener }, 'SASL authentication succeeded')
      return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: step.response }
    }
    this.options.logger.info({ listener: this.listener, reason: step.reason }, 'SASL authentication failed')
    this.closeAfterAnswer = true
    await new Promise(resolve => setTimeout(resolve, this.options.failureDelayMs))
    return { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: 'Authentication failed: invalid credentials', authBytes: Buffer.alloc(0) }
  }
}
