// HTTP Basic authentication of the console and the /api/* endpoints, when the
// operator asks for it (`http: { auth: "basic" }`), checked against the same
// credential store the Kafka face's SASL uses: a user logs in with the name and
// password they authenticate with over SASL. Nothing new is stored: the
// password is salted and stretched with the stored credential's own salt and
// iterations and compared in constant time with its StoredKey
// (src/security/credentials.ts passwordMatches), as PLAIN does.
//
// Open on purpose: /health and /metrics (probes and scrapers; they reveal
// topic names and sizes, see docs/security.md) and the bus API (POST /), which
// has its own check, AWS Signature Version 4 with bus.credentials.
//
// PBKDF2 costs milliseconds per check and the console polls, so a successful
// check is remembered for a minute, keyed by a hash of the header, and only
// while the user's stored credential is the one it was checked against (a
// password changed with AlterUserScramCredentials ends it at once). A failed
// check is answered after saslFailureDelayMs, as a failed SASL attempt is.
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CredentialStore } from '../security/credential-store.js'
import { passwordMatches, type CredentialMechanism, type ScramCredential } from '../security/credentials.js'

const REALM = 'Basic realm="Tributary", charset="UTF-8"'
const REMEMBER_MS = 60_000
const MAX_REMEMBERED = 1000
/** Strongest first: any of them proves the password. */
const MECHANISMS: readonly CredentialMechanism[] = ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN']

declare module 'fastify' {
  interface FastifyRequest {
    /** `User:<name>` once HTTP authentication accepted the request (undefined when http.auth is off). */
    principal?: string
  }
}

interface Remembered { user: string, mechanism: CredentialMechanism, credential: ScramCredential, until: number }

/** Paths served without authentication (method and path). */
export function isOpenEndpoint (method: string, path: string): boolean {
  return path === '/health' || path === '/metrics' || (method === 'POST' && path === '/')
}

export interface HttpAuthOptions {
  credentials: CredentialStore
  failureDelayMs: number
  now?: () => number
}

export class BasicAuthenticator {
  private readonly remembered = new Map<string, Remembered>()
  private readonly now: () => number

  constructor (private readonly options: HttpAuthOptions) {
    this.now = options.now ?? Date.now
  }

  /** The user name `header` proves, or null. */
  async authenticate (header: string | undefined): Promise<string | null> {
    if (header === undefined || !/^basic /i.test(header)) return null
    const key = createHash('sha256').update(header).digest('hex')
    const hit = this.remembered.get(key)
    if (hit !== undefined && hit.until > this.now() && this.options.credentials.get(hit.user, hit.mechanism) === hit.credential) return hit.user
    this.remembered.delete(key)
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon <= 0) return null
    const user = decoded.slice(0, colon)
    const password = decoded.slice(colon + 1)
    for (const mechanism of MECHANISMS) {
      const credential = this.options.credentials.get(user, mechanism)
      if (credential === undefined) continue
      if (!await passwordMatches(credential, password)) return null
      if (this.remembered.size >= MAX_REMEMBERED) this.remembered.clear()
      this.remembered.set(key, { user, mechanism, credential, until: this.now() + REMEMBER_MS })
      return user
    }
    return null
  }
}

/** Puts every endpoint but the open ones behind HTTP Basic; sets request.principal. */
export function registerBasicAuth (app: FastifyInstance, options: HttpAuthOptions): void {
  const authenticator = new BasicAuthenticator(options)
  app.decorateRequest('principal', undefined)
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? ''
    if (isOpenEndpoint(request.method, path)) return
    const user = await authenticator.authenticate(request.headers.authorization)
    if (user !== null) {
      request.principal = `User:${user}`
      return
    }
    if (request.headers.authorization !== undefined) await new Promise(resolve => setTimeout(resolve, options.failureDelayMs))
    await reply.code(401).header('www-authenticate', REALM).send({ code: 'UNAUTHORIZED', message: 'Log in with a Tributary user name and password (http.auth is basic).' })
    return reply
  })
}
