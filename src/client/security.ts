// TLS and SASL for the client's connections, so a long-running service built on
// src/client (the bus worker of src/bus/cluster) can reach a cluster that only
// opens SSL / SASL_SSL / SASL_PLAINTEXT listeners, as a managed Kafka does.
// - TLS: node:tls with the given CA bundle (else the system's), an optional
//   client certificate, and host name checking left on.
// - SASL: SaslHandshake v1 then SaslAuthenticate (KIP-152), PLAIN (RFC 4616) or
//   SCRAM-SHA-256/512 (RFC 5802, RFC 7677) whose server signature is checked, so
//   a server that does not know the password cannot pass for the cluster.
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { randomBytes } from 'node:crypto'
import type { ConnectionOptions as TlsOptions } from 'node:tls'
import { digest, hashOf, hmac, saltPassword, sameBytes, MIN_ITERATIONS } from '../security/credentials.js'
import type { SaslMechanism } from '../config-security.js'

export interface ClientSasl { mechanism: SaslMechanism, username: string, password: string }
export interface ClientTls { caFile?: string, certFile?: string, keyFile?: string, servername?: string }
export interface ClientSecurity { sasl?: ClientSasl, tls?: ClientTls }

/** node:tls options for a connection to host (files read now, so a missing file fails the connect naming it). */
export function tlsOptions (tls: ClientTls, host: string): TlsOptions {
  const read = (file: string | undefined, what: string): Buffer | undefined => {
    if (file === undefined) return undefined
    try {
      return readFileSync(file)
    } catch (err) {
      throw new Error(`cannot read the TLS ${what} ${file}: ${(err as Error).message}`)
    }
  }
  const servername = tls.servername ?? (isIP(host) === 0 ? host : undefined)
  return {
    ca: read(tls.caFile, 'CA file'),
    cert: read(tls.certFile, 'certificate file'),
    key: read(tls.keyFile, 'key file'),
    ...(servername !== undefined ? { servername } : {}),
  }
}

/** One SASL exchange: the tokens to send, each given the server's answer to the one before. */
export interface SaslClient {
  /** The next token to send, given the server's last answer (empty before the first); null when done. */
  next: (serverToken: Buffer) => Promise<Buffer | null>
}

export function saslClient (sasl: ClientSasl): SaslClient {
  if (sasl.mechanism === 'PLAIN') {
    let sent = false
    return {
      next: async () => {
        if (sent) return null
        sent = true
        return Buffer.from(`\u0000${sasl.username}\u0000${sasl.password}`, 'utf8')
      },
    }
  }
  return scramClient(sasl)
}

function scramClient (sasl: ClientSasl): SaslClient {
  const hash = hashOf(sasl.mechanism)
  const clientNonce = randomBytes(24).toString('base64url')
  const clientFirstBare = `n=${sasl.username.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${clientNonce}`
  let step = 0
  let expectedServerSignature: Buffer | null = null
  return {
    next: async (serverToken) => {
      step++
      if (step === 1) return Buffer.from(`n,,${clientFirstBare}`, 'utf8')
      if (step === 2) {
        const serverFirst = serverToken.toString('utf8')
        const fields = new Map(serverFirst.split(',').map(part => [part.slice(0, 1), part.slice(2)]))
        const nonce = fields.get('r') ?? ''
        const salt = Buffer.from(fields.get('s') ?? '', 'base64')
        const iterations = Number(fields.get('i'))
        if (!nonce.startsWith(clientNonce) || nonce.length === clientNonce.length) throw new Error('SCRAM: the server did not extend our nonce')
        if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS) throw new Error(`SCRAM: the server asked for ${String(fields.get('i'))} iterations (at least ${MIN_ITERATIONS} required)`)
        const salted = await saltPassword(hash, sasl.password, salt, iterations)
        const clientKey = hmac(hash, salted, 'Client Key')
        const finalWithoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${nonce}`
        const authMessage = `${clientFirstBare},${serverFirst},${finalWithoutProof}`
        const signature = hmac(hash, digest(hash, clientKey), authMessage)
        const proof = Buffer.from(clientKey.map((byte, i) => byte ^ (signature[i] ?? 0)))
        expectedServerSignature = hmac(hash, hmac(hash, salted, 'Server Key'), authMessage)
        return Buffer.from(`${finalWithoutProof},p=${proof.toString('base64')}`, 'utf8')
      }
      if (step === 3) {
        const serverFinal = serverToken.toString('utf8')
        if (serverFinal.startsWith('e=')) throw new Error(`SCRAM: the server refused: ${serverFinal.slice(2)}`)
        const signature = Buffer.from(serverFinal.startsWith('v=') ? serverFinal.slice(2) : '', 'base64')
        if (expectedServerSignature === null || !sameBytes(signature, expectedServerSignature)) throw new Error('SCRAM: the server signature does not match (not the cluster we know the password of)')
        return null
      }
      return null
    },
  }
}
