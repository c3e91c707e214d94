// One SASL exchange on the server side: tokens in, tokens out, until the
// client is authenticated or refused. Which mechanism serves is picked by the
// client's SaslHandshake; every mechanism checks against the CredentialStore.
import type { CredentialStore } from './credential-store.js'
import { passwordMatches, type CredentialMechanism } from './credentials.js'
import { ScramServer } from './scram-server.js'

export type SaslStep =
  | { kind: 'continue', response: Buffer }
  | { kind: 'done', response: Buffer, user: string }
  /** `reason` is for the broker's log only; the client is told no more than that it failed. */
  | { kind: 'failed', reason: string }

export interface SaslServer {
  step (token: Buffer): Promise<SaslStep>
}

export const SERVED_MECHANISMS: readonly CredentialMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']

export function isServedMechanism (name: string): name is CredentialMechanism {
  return (SERVED_MECHANISMS as readonly string[]).includes(name)
}

/** PLAIN (RFC 4616): one token "authzid NUL authcid NUL password", answered with an empty token. */
class PlainServer implements SaslServer {
  private used = false
  constructor (private readonly store: CredentialStore) {}

  async step (token: Buffer): Promise<SaslStep> {
    if (this.used) return { kind: 'failed', reason: 'PLAIN takes one token' }
    this.used = true
    const parts = token.toString('utf8').split('\u0000')
    if (parts.length !== 3) return { kind: 'failed', reason: 'PLAIN token is not authzid NUL user NUL password' }
    const [authzid, user, password] = parts as [string, string, string]
    if (user === '' || password === '') return { kind: 'failed', reason: 'PLAIN token without user or password' }
    if (authzid !== '' && authzid !== user) return { kind: 'failed', reason: 'authorization id differs from the user' }
    const credential = this.store.get(user, 'PLAIN')
    if (credential === undefined) return { kind: 'failed', reason: `no PLAIN credential for user ${user}` }
    if (!await passwordMatches(credential, password)) return { kind: 'failed', reason: `wrong password for user ${user}` }
    return { kind: 'done', user, response: Buffer.alloc(0) }
  }
}

export function saslServerFor (mechanism: CredentialMechanism, store: CredentialStore): SaslServer {
  if (mechanism === 'PLAIN') return new PlainServer(store)
  return new ScramServer(user => store.get(user, mechanism))
}
