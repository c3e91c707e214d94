// AWS Signature Version 4 verification for the bus API, when credentials are
// configured (`bus: { credentials: [{ accessKeyId, secretAccessKey }] }`).
// The expected signature is computed by AWS's own maintained signer
// (@smithy/signature-v4, the one the AWS SDK for JavaScript signs with) over
// the request as it arrived: the headers the client says it signed, the path,
// the query and the exact body bytes, with the client's date and credential
// scope. Nothing of the algorithm is written here; this file only parses the
// Authorization header, picks the secret, checks the clock and compares.
// Refusals are AWS's, for the JSON protocol EventBridge speaks:
// - no Authorization header: 403 MissingAuthenticationTokenException;
// - an access key id nobody configured: 400 UnrecognizedClientException;
// - a signature that does not match, a malformed Authorization header, or a
//   date more than 5 minutes off the broker's clock: 400 InvalidSignatureException
//   (the Query/XML services name the mismatch SignatureDoesNotMatch; EventBridge does not).
// The two signatures are compared in constant time. With replay protection
// (bus.replayProtection), a valid signature is accepted once (./replay-guard.ts).
import { createHash, timingSafeEqual } from 'node:crypto'
import type { BusCredential } from '../../config.js'
import { BusApiError } from '../errors.js'
import { ReplayGuard } from './replay-guard.js'
// loaded at the first signed request: with no bus credentials configured it is never needed
import { signerModule } from '../../aws-signer.js'

export const SignatureErrorType = {
  missingToken: 'MissingAuthenticationTokenException',
  unrecognizedClient: 'UnrecognizedClientException',
  invalidSignature: 'InvalidSignatureException',
} as const

/** How far a request's date may be from the broker's clock, as AWS allows. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000
const ALGORITHM = 'AWS4-HMAC-SHA256'
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'

/** What the verifier needs of an HTTP request. */
export interface SignedRequest {
  method: string
  /** The path and query as sent (request.url). */
  url: string
  /** Header values by lower-case name. */
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

interface Authorization { accessKeyId: string, date: string, region: string, service: string, signedHeaders: string[], signature: string }

const mismatch = (): BusApiError => new BusApiError(SignatureErrorType.invalidSignature,
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.', 400)

function parseAuthorization (value: string): Authorization {
  if (!value.startsWith(ALGORITHM + ' ')) throw new BusApiError(SignatureErrorType.invalidSignature, `Only the ${ALGORITHM} signing algorithm is accepted.`, 400)
  const parts = new Map<string, string>()
  for (const part of value.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  const credential = parts.get('Credential')?.split('/')
  const signedHeaders = parts.get('SignedHeaders')
  const signature = parts.get('Signature')
  if (credential === undefined || credential.length !== 5 || credential[4] !== 'aws4_request' || signedHeaders === undefined || signature === undefined || !/^[0-9a-f]{64}$/.test(signature)) {
    throw new BusApiError(SignatureErrorType.invalidSignature, 'Authorization header requires \'Credential\', \'SignedHeaders\' and \'Signature\' parameters in the AWS4-HMAC-SHA256 format.', 400)
  }
  const [accessKeyId, date, region, service] = credential as [string, string, string, string, string]
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature }
}

/** 20260102T030405Z → Date, or null. */
function parseAmzDate (value: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)
  if (m === null) return null
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`)
  return Number.isNaN(date.getTime()) ? null : date
}

const amzDate = (date: Date): string => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')

function header (headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(',') : value
}

export class SignatureVerifier {
  private readonly secrets: Map<string, string>

  /** With bus.replayProtection: signatures already accepted in their window (./replay-guard.ts). */
  private readonly replays: ReplayGuard | null

  constructor (credentials: readonly BusCredential[], private readonly now: () => number = Date.now, replay: { maxEntries: number } | null = null) {
    this.secrets = new Map(credentials.map(c => [c.accessKeyId, c.secretAccessKey]))
    this.replays = replay === null ? null : new ReplayGuard(MAX_CLOCK_SKEW_MS, replay.maxEntries)
  }

  /**
   * With replay protection: forgets `request`'s signature (verified before), because
   * the bus answered it with a server error and did not do it; a retry of the same bytes is served.
   */
  release (request: SignedRequest): void {
    if (this.replays === null) return
    const signature = /Signature=([0-9a-f]{64})/.exec(header(request.headers, 'authorization') ?? '')?.[1]
    const date = parseAmzDate(header(request.headers, 'x-amz-date') ?? '')
    if (signature !== undefined && date !== null) this.replays.forget(signature, date.getTime())
  }

  /** Resolves with the access key id that signed `request`; rejects with the AWS error to answer. */
  async verify (request: SignedRequest): Promise<string> {
    const authorization = header(request.headers, 'authorization')
    if (authorization === undefined || authorization === '') throw new BusApiError(SignatureErrorType.missingToken, 'Missing Authentication Token', 403)
    const auth = parseAuthorization(authorization)
    const secret = this.secrets.get(auth.accessKeyId)
    if (secret === undefined) throw new BusApiError(SignatureErrorType.unrecognizedClient, 'The security token included in the request is invalid.', 400)

    const sentDate = header(request.headers, 'x-amz-date')
    const date = sentDate === undefined ? null : parseAmzDate(sentDate)
    if (date === null || !auth.signedHeaders.includes('x-amz-date') || !auth.signedHeaders.includes('host')) {
      throw new BusApiError(SignatureErrorType.invalidSignature, 'The request must carry a signed X-Amz-Date header (yyyyMMddTHHmmssZ) and a signed Host header.', 400)
    }
    const now = this.now()
    if (date.getTime() < now - MAX_CLOCK_SKEW_MS) {
      throw new BusApiError(SignatureErrorType.invalidSignature, `Signature expired: ${sentDate} is now earlier than ${amzDate(new Date(now - MAX_CLOCK_SKEW_MS))} (${amzDate(new Date(now))} - 5 min.)`, 400)
    }
    if (date.getTime() > now + MAX_CLOCK_SKEW_MS) {
      throw new BusApiError(SignatureErrorType.invalidSignature, `Signature not yet current: ${sentDate} is still later than ${amzDate(new Date(now + MAX_CLOCK_SKEW_MS))} (${amzDate(new Date(now))} + 5 min.)`, 400)
    }
    if (sentDate!.slice(0, 8) !== auth.date) throw mismatch()
    // The signer trusts a given payload hash: check it is this body's, and that the body is signed at all.
    const payloadHash = header(request.headers, 'x-amz-content-sha256')
    if (payloadHash !== undefined && (payloadHash === UNSIGNED_PAYLOAD || payloadHash !== createHash('sha256').update(request.body).digest('hex'))) throw mismatch()

    const signedHeaders: Record<string, string> = {}
    for (const name of auth.signedHeaders) {
      const value = header(request.headers, name)
      if (value === undefined) throw mismatch()
      signedHeaders[name] = value
    }
    const url = new URL(request.url, 'http://placeholder')
    const query: Record<string, string | string[]> = {}
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key)
      query[key] = values.length === 1 ? values[0]! : values
    }
    const { SignatureV4, Hash } = signerModule()
    const signer = new SignatureV4({ credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: secret }, region: auth.region, service: auth.service, sha256: Hash.bind(null, 'sha256'), applyChecksum: false })
    const signed = await signer.sign({
      method: request.method,
      protocol: 'http:',
      hostname: signedHeaders.host?.replace(/:\d+$/, '') ?? '',
      path: url.pathname,
      query,
      headers: signedHeaders,
      body: request.body
    }, { signingDate: date, signingRegion: auth.region, signingService: auth.service, signableHeaders: new Set(auth.signedHeaders) })
    const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1]
    if (expected === undefined || !timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(auth.signature, 'hex'))) throw mismatch()
    // only a valid signature is recorded: nobody without a key can fill the cache
    this.replays?.admit(auth.signature, date.getTime(), this.now())
    return auth.accessKeyId
  }
}
