// The server side of SCRAM-SHA-256 / SCRAM-SHA-512 (RFC 5802, RFC 7677), two
// steps:
//   client-first  "n,,n=<user>,r=<client nonce>"
//   server-first  "r=<client nonce><server nonce>,s=<salt>,i=<iterations>"
//   client-final  "c=<base64 gs2 header>,r=<both nonces>,p=<proof>"
//   server-final  "v=<server signature>"
// Checked, as CVE-2024-56128 shows a broker must: the final message carries
// exactly the nonce we sent (client's + ours), the channel-binding echo matches
// the header of the first message, and the proof against StoredKey with a
// constant-time comparison. Channel binding is refused (Kafka has none).
import { randomBytes } from 'node:crypto'
import { digest, hmac, sameBytes, type ScramCredential } from './credentials.js'
import type { SaslServer, SaslStep } from './sasl-server.js'

/** Decodes a saslname (RFC 5802: ',' and '=' escaped as =2C and =3D); null for a bad escape. */
function decodeSaslName (value: string): string | null {
  if (/=(?!2C|3D)/.test(value)) return null
  return value.replace(/=2C/g, ',').replace(/=3D/g, '=')
}

/** Splits "k=v,k=v" attributes; null on anything else. */
function attributes (message: string): Array<[string, string]> | null {
  const out: Array<[string, string]> = []
  for (const part of message.split(',')) {
    if (part.length < 2 || part[1] !== '=' || !/^[a-zA-Z]$/.test(part[0] ?? '')) return null
    out.push([part[0] as string, part.slice(2)])
  }
  return out
}

const PRINTABLE_NONCE = /^[\x21-\x2b\x2d-\x7e]+$/
/** Our part of the nonce: 24 random bytes in base64url. */
const SERVER_NONCE_BYTES = 24

export class ScramServer implements SaslServer {
  private state: 'first' | 'final' | 'over' = 'first'
  private user = ''
  private gs2Header = ''
  private clientFirstBare = ''
  private serverFirst = ''
  private nonce = ''
  private clientNonceLength = 0
  private credential: ScramCredential | undefined

  /** @param serverNonce makes our part of the nonce; tests pass RFC 7677's to check against its example. */
  constructor (
    private readonly lookup: (user: string) => ScramCredential | undefined,
    private readonly serverNonce: () => string = () => randomBytes(SERVER_NONCE_BYTES).toString('base64url')
  ) {}

  async step (token: Buffer): Promise<SaslStep> {
    const message = token.toString('utf8')
    if (this.state === 'first') { this.state = 'final'; return this.first(message) }
    if (this.state === 'final') { this.state = 'over'; return this.final(message) }
    return { kind: 'failed', reason: 'SCRAM exchange is already over' }
  }

  private first (message: string): SaslStep {
    // gs2-header: "n," or "y," (no channel binding), then an optional "a=authzid", then ","
    const match = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(message)
    if (match === null) return { kind: 'failed', reason: 'client-first-message is malformed or asks for channel binding' }
    const bare = match[3] ?? ''
    const attrs = attributes(bare)
    if (attrs === null || attrs.length < 2 || attrs[0]?.[0] !== 'n' || attrs[1]?.[0] !== 'r') return { kind: 'failed', reason: 'client-first-message needs n= then r=' }
    if (attrs.some(([k]) => k === 'm')) return { kind: 'failed', reason: 'mandatory SCRAM extensions are not supported' }
    const user = decodeSaslName(attrs[0][1])
    const clientNonce = attrs[1][1]
    if (user === null || user === '') return { kind: 'failed', reason: 'bad user name in client-first-message' }
    if (!PRINTABLE_NONCE.test(clientNonce)) return { kind: 'failed', reason: 'bad client nonce' }
    const authzid = match[2] === undefined ? null : decodeSaslName(match[2].slice(2))
    if (authzid !== null && authzid !== '' && authzid !== user) return { kind: 'failed', reason: 'authorization id differs from the user' }
    const credential = this.lookup(user)
    if (credential === undefined) return { kind: 'failed', reason: `no credential for user ${user}` }
    this.user = user
    this.credential = credential
    this.gs2Header = message.slice(0, message.length - bare.length)
    this.clientFirstBare = bare
    this.clientNonceLength = clientNonce.length
    this.nonce = clientNonce + this.serverNonce()
    this.serverFirst = `r=${this.nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`
    return { kind: 'continue', response: Buffer.from(this.serverFirst, 'utf8') }
  }

  /**
   * The final message must carry the nonce of server-first (client's + ours).
   * librdkafka before 2.6.1 (Debian's kcat and confluent-kafka among them)
   * prefixes its own nonce once more (confluentinc/librdkafka#4895); Kafka 3.8.1
   * accepts that with endsWith. We accept exactly that one other form: it still
   * carries our fresh server nonce, which is what protects against replay.
   */
  private nonceMatches (sent: string): boolean {
    const clientNonce = this.nonce.slice(0, this.clientNonceLength)
    const bytes = Buffer.from(sent, 'utf8')
    return sameBytes(bytes, Buffer.from(this.nonce, 'utf8')) || sameBytes(bytes, Buffer.from(clientNonce + this.nonce, 'utf8'))
  }

  private final (message: string): SaslStep {
    const credential = this.credential
    if (credential === undefined) return { kind: 'failed', reason: 'SCRAM exchange not started' }
    const attrs = attributes(message)
    const last = attrs?.[attrs.length - 1]
    if (attrs === null || attrs.length < 3 || attrs[0]?.[0] !== 'c' || attrs[1]?.[0] !== 'r' || last?.[0] !== 'p') {
      return { kind: 'failed', reason: 'client-final-message needs c=, r= and p=' }
    }
    if (attrs[0][1] !== Buffer.from(this.gs2Header, 'utf8').toString('base64')) return { kind: 'failed', reason: 'channel binding does not match the first message' }
    if (!this.nonceMatches(attrs[1][1])) return { kind: 'failed', reason: 'nonce does not match the one the server sent' }
    const withoutProof = message.slice(0, message.lastIndexOf(',p='))
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`
    const proof = Buffer.from(last[1], 'base64')
    const clientSignature = hmac(credential.hash, credential.storedKey, authMessage)
    if (proof.length !== clientSignature.length) return { kind: 'failed', reason: 'proof has the wrong length' }
    const clientKey = Buffer.alloc(proof.length)
    for (let i = 0; i < proof.length; i++) clientKey[i] = (proof[i] ?? 0) ^ (clientSignature[i] ?? 0)
    if (!sameBytes(digest(credential.hash, clientKey), credential.storedKey)) return { kind: 'failed', reason: 'wrong password' }
    const serverSignature = hmac(credential.hash, credential.serverKey, authMessage)
    return { kind: 'done', user: this.user, response: Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8') }
  }
}
