// Errors the client throws, each with a stable string code (TRIB_ERR_...) so
// callers (the CLI, the SDK) decide what to tell the user without parsing text.
// ClientError is the one TributaryError (src/errors.ts) under the client's name.
import { kafkaErrorName } from '../protocol/errors.js'
import { TributaryError, TributaryErrorCode } from '../errors.js'

/** The client's codes, by the short names its callers use; the values live in TributaryErrorCode. */
export const ClientErrorCode = {
  noBroker: TributaryErrorCode.NO_BROKER,
  connectionLost: TributaryErrorCode.CONNECTION_LOST,
  timeout: TributaryErrorCode.TIMEOUT,
  unsupported: TributaryErrorCode.UNSUPPORTED_API,
  kafka: TributaryErrorCode.KAFKA,
  bus: TributaryErrorCode.BUS,
  noEndpoint: TributaryErrorCode.NO_ENDPOINT,
  badResponse: TributaryErrorCode.BAD_RESPONSE,
  authentication: TributaryErrorCode.CLIENT_AUTHENTICATION
} as const
export type ClientErrorCodeValue = typeof ClientErrorCode[keyof typeof ClientErrorCode]

export class ClientError extends TributaryError {
  declare readonly code: ClientErrorCodeValue
  constructor (code: ClientErrorCodeValue, message: string, options?: { cause?: unknown, kafkaCode?: number }) {
    super(code, message, options)
    this.name = 'ClientError'
  }
}

/** A Kafka error code in a response, with the name Kafka gives it. */
export class KafkaResponseError extends ClientError {
  readonly errorName: string
  constructor (readonly errorCode: number, readonly context: string, readonly serverMessage: string | null = null) {
    const name = kafkaErrorName(errorCode)
    super(ClientErrorCode.kafka, `${context}: ${name}${serverMessage ? ` (${serverMessage})` : ''}`, { kafkaCode: errorCode })
    this.errorName = name
  }
}

/** The answer's entry for the one topic, group or resource a request named; a broker that left it out answered wrongly. */
export function onlyEntry<T> (entries: readonly T[], context: string): T {
  const [entry] = entries
  if (entry === undefined) throw new ClientError(ClientErrorCode.badResponse, `${context}: the broker's answer has no entry for it`)
  return entry
}

/** Throws KafkaResponseError unless errorCode is 0. */
export function checkErrorCode (errorCode: number, context: string, serverMessage?: string | null): void {
  if (errorCode !== 0) throw new KafkaResponseError(errorCode, context, serverMessage ?? null)
}
