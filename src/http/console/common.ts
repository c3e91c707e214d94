// What the console's routes share: one Kafka client on the broker's own port
// (so every change the console makes goes through the broker's request
// handlers, exactly as a Kafka client's would), bad-input errors, and turning
// any failure into a JSON answer with a message the page can show.
import type { FastifyReply } from 'fastify'
import { TributaryError, TributaryErrorCode } from '../../errors.js'
// the client's own modules, not its index: the index also loads BusClient and with it @smithy/signature-v4 and
// @smithy/core, which the broker never uses (about a sixth of `tributary start`'s module loading, profiled)
import { KafkaClient, type BrokerAddress } from '../../client/client.js'
import { ClientError, ClientErrorCode, KafkaResponseError } from '../../client/errors.js'
import { ErrorCode } from '../../protocol/errors.js'
import { BusApiError } from '../../bus/index.js'

export function badRequest (message: string): TributaryError {
  return new TributaryError(TributaryErrorCode.CONSOLE_BAD_REQUEST, message)
}

/** A lazily opened client to the broker's listener, reopened after the connection is lost. */
export class ConsoleKafka {
  private client: Promise<KafkaClient> | null = null

  constructor (private readonly address: () => BrokerAddress) {}

  async get (): Promise<KafkaClient> {
    this.client ??= KafkaClient.connect([this.address()], { clientId: 'tributary-console' })
    try {
      return await this.client
    } catch (err) {
      this.client = null
      throw err
    }
  }

  /** Runs `fn` with the client; a lost connection is reopened once. */
  async use<T> (fn: (client: KafkaClient) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.get())
    } catch (err) {
      if (!(err instanceof ClientError) || err.code !== ClientErrorCode.connectionLost) throw err
      this.close()
      return await fn(await this.get())
    }
  }

  close (): void {
    const client = this.client
    this.client = null
    client?.then(c => { c.close() }, () => {})
  }
}

const NOT_FOUND = new Set<number>([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.GROUP_ID_NOT_FOUND])
const CONFLICT = new Set<number>([ErrorCode.TOPIC_ALREADY_EXISTS, ErrorCode.NON_EMPTY_GROUP])

/** The status and message of a failure: 400 bad input, 404/409 from Kafka's codes, 500 otherwise. */
export async function sendError (reply: FastifyReply, err: unknown): Promise<void> {
  let status = 500
  let code = 'TRIB_ERR_INTERNAL'
  // most specific first: KafkaResponseError and ClientError are TributaryErrors too
  if (err instanceof KafkaResponseError) {
    code = err.errorName
    status = NOT_FOUND.has(err.errorCode) ? 404 : CONFLICT.has(err.errorCode) ? 409 : 400
  } else if (err instanceof BusApiError) {
    code = err.type
    status = err.status
  } else if (err instanceof ClientError) {
    code = err.code
    status = 502
  } else if (err instanceof TributaryError) {
    code = err.code
    status = err.code === TributaryErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? 404 : 400
  }
  const message = err instanceof Error ? err.message : String(err)
  await reply.code(status).send({ code, message })
}

export function parseIntParam (text: unknown, name: string, min = 0): number {
  const value = typeof text === 'number' ? text : typeof text === 'string' && /^-?\d+$/.test(text.trim()) ? Number(text) : NaN
  if (!Number.isSafeInteger(value) || value < min) throw badRequest(`${name} must be an integer >= ${min}, not ${JSON.stringify(text)}`)
  return value
}

/** Epoch ms from an ISO 8601 date or a number of ms. */
export function parseTime (text: unknown, name: string): number {
  if (typeof text === 'number' && Number.isFinite(text)) return text
  if (typeof text === 'string' && /^\d+$/.test(text.trim())) return Number(text)
  const ms = typeof text === 'string' ? Date.parse(text) : NaN
  if (!Number.isFinite(ms)) throw badRequest(`${name} must be an ISO 8601 time or epoch milliseconds, not ${JSON.stringify(text)}`)
  return ms
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** A relative duration like "15m", "2h", "30s", "1d", in ms. */
export function parseDuration (text: unknown, name: string): number {
  const m = typeof text === 'string' ? /^(\d+)([smhd])$/.exec(text.trim()) : null
  const unit = m?.[2] !== undefined ? UNITS[m[2]] : undefined
  if (m === null || unit === undefined) throw badRequest(`${name} must be a duration like 30s, 15m, 2h or 1d, not ${JSON.stringify(text)}`)
  return Number(m[1]) * unit
}
