// The bus API as AWS speaks it: POST / with AWS JSON 1.1 and X-Amz-Target:
// AWSEvents.<Action>. Errors come back as {__type, message}; we turn them into
// ClientError with the AWS error name kept, so callers can tell
// ResourceNotFoundException from a validation error.
// A bus that requires signed requests (`bus.credentials`) is called with AWS
// Signature Version 4, signed by AWS's own signer, when credentials are given
// or set in the environment as for the AWS CLI (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_REGION).
import type { SignatureV4 } from '@smithy/signature-v4'
// loaded when a client with credentials is made: importing the client (the console, the CLI) does not load it
import { signerModule } from '../aws-signer.js'
import { ClientError, ClientErrorCode } from './errors.js'

export interface BusSigningCredentials { accessKeyId: string, secretAccessKey: string, region?: string }

/** The AWS CLI's credential variables, when both are set. */
export function busCredentialsFromEnv (env: NodeJS.ProcessEnv = process.env): BusSigningCredentials | null {
  const accessKeyId = env.AWS_ACCESS_KEY_ID
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY
  if (accessKeyId === undefined || accessKeyId === '' || secretAccessKey === undefined || secretAccessKey === '') return null
  return { accessKeyId, secretAccessKey, region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION }
}

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8080'

/** A JSON object as the bus API answers it; its fields are read with narrowing. */
export type JsonObject = Record<string, unknown>

function isJsonObject (value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

export class BusApiCallError extends ClientError {
  constructor (readonly action: string, readonly type: string, readonly status: number, message: string) {
    super(ClientErrorCode.bus, `${action}: ${type}: ${message}`)
  }
}

export class BusClient {
  readonly endpoint: string

  private readonly signer: SignatureV4 | null

  constructor (endpoint: string = DEFAULT_ENDPOINT, private readonly timeoutMs = 30_000, credentials: BusSigningCredentials | null = busCredentialsFromEnv()) {
    this.endpoint = endpoint.replace(/\/+$/, '')
    this.signer = credentials === null
      ? null
      : new (signerModule().SignatureV4)({ credentials, region: credentials.region ?? 'us-east-1', service: 'events', sha256: signerModule().Hash.bind(null, 'sha256') })
  }

  /** The request headers, signed when the client has credentials. */
  private async headers (action: string, body: string): Promise<Record<string, string>> {
    const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${action}` }
    if (this.signer === null) return headers
    const url = new URL(`${this.endpoint}/`)
    const signed = await this.signer.sign({ method: 'POST', protocol: url.protocol, hostname: url.hostname, port: url.port === '' ? undefined : Number(url.port), path: url.pathname, query: {}, headers: { ...headers, host: url.host }, body })
    // fetch sets Host itself (to the same value)
    const { host: _host, ...rest } = signed.headers
    return rest
  }

  async call<T = JsonObject> (action: string, input: Record<string, unknown> = {}): Promise<T> {
    let response: Response
    const body = JSON.stringify(input)
    const headers = await this.headers(action, body)
    try {
      response = await fetch(`${this.endpoint}/`, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.timeoutMs)
      })
    } catch (err) {
      throw new ClientError(ClientErrorCode.noEndpoint, `no bus API at ${this.endpoint}: is \`tributary start\` running? (${networkReason(err)})`, { cause: err })
    }
    const text = await response.text()
    let answer: unknown
    try {
      answer = text === '' ? {} : JSON.parse(text)
    } catch {
      throw new ClientError(ClientErrorCode.bus, `${action}: ${this.endpoint} answered HTTP ${response.status} with something that is not JSON: is it a Tributary HTTP port?`)
    }
    if (!response.ok) {
      const error: JsonObject = isJsonObject(answer) ? answer : {}
      const type = String(error.__type ?? response.headers.get('x-amzn-errortype') ?? `HTTP ${response.status}`).split('#').pop()!
      throw new BusApiCallError(action, type, response.status, String(error.message ?? error.Message ?? ''))
    }
    return answer as T
  }

  /** Follows NextToken until every page is read; returns the concatenated `listKey` arrays. */
  async listAll<T> (action: string, listKey: string, input: Record<string, unknown> = {}): Promise<T[]> {
    const out: T[] = []
    let token: string | undefined
    do {
      const page = await this.call(action, { ...input, ...(token !== undefined ? { NextToken: token } : {}) })
      out.push(...((page[listKey] ?? []) as T[]))
      token = typeof page.NextToken === 'string' ? page.NextToken : undefined
    } while (token !== undefined)
    return out
  }

  /** GET a path on the same HTTP port (e.g. /health). */
  async get (path: string): Promise<{ status: number, text: string }> {
    try {
      const response = await fetch(`${this.endpoint}${path}`, { signal: AbortSignal.timeout(this.timeoutMs) })
      return { status: response.status, text: await response.text() }
    } catch (err) {
      throw new ClientError(ClientErrorCode.noEndpoint, `no HTTP endpoint at ${this.endpoint}: is \`tributary start\` running? (${networkReason(err)})`, { cause: err })
    }
  }

  /**
   * GET /api/topics/:name: per-partition log facts Kafka's protocol has no field for
   * (the segment count). Null when the topic is unknown or the answer is not the
   * expected JSON; throws ClientError when nothing answers at the endpoint.
   */
  async topicLog (name: string): Promise<TopicLogFacts | null> {
    const { status, text } = await this.get(`/api/topics/${encodeURIComponent(name)}`)
    if (status !== 200) return null
    let body: unknown
    try { body = JSON.parse(text) } catch { return null }
    if (!isJsonObject(body) || !Array.isArray(body.partitions)) return null
    const partitions: TopicLogPartition[] = []
    for (const p of body.partitions as unknown[]) {
      if (!isJsonObject(p)) return null
      const { partition, logStartOffset, highWatermark, lastStableOffset, sizeBytes, segments } = p
      if (![partition, logStartOffset, highWatermark, lastStableOffset, sizeBytes, segments].every(v => typeof v === 'number')) return null
      partitions.push({ partition, logStartOffset, highWatermark, lastStableOffset, sizeBytes, segments } as TopicLogPartition)
    }
    return { name: typeof body.name === 'string' ? body.name : name, partitions }
  }
}

export interface TopicLogPartition {
  partition: number
  logStartOffset: number
  highWatermark: number
  lastStableOffset: number
  sizeBytes: number
  segments: number
}

export interface TopicLogFacts {
  name: string
  partitions: TopicLogPartition[]
}

/** fetch() hides the socket error in `cause` (an AggregateError when several addresses were tried). */
function networkReason (err: unknown): string {
  const cause = (err as { cause?: { code?: string, message?: string, errors?: Array<{ code?: string }> } }).cause
  return cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (err as Error).message
}
