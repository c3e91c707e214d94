// Errors the client throws, each with a stable string code (TRIB_ERR_...) so
// callers (the CLI, the SDK) decide what to tell the user without parsing text.
import { kafkaErrorName } from '../protocol/errors.js'

export const ClientErrorCode = {
  /** Nothing listens at the address (ECONNREFUSED, unknown host, ...). */
  noBroker: 'TRIB_ERR_NO_BROKER',
  /** The connection closed or failed while a request was in flight. */
  connectionLost: 'TRIB_ERR_CONNECTION_LOST',
  /** No answer within the request timeout. */
  timeout: 'TRIB_ERR_TIMEOUT',
  /** The broker does not serve a version of the API this client speaks. */
  unsupported: 'TRIB_ERR_UNSUPPORTED_API',
  /** The broker answered with a Kafka error code. */
  kafka: 'TRIB_ERR_KAFKA',
  /** The bus API answered with an AWS-style error. */
  bus: 'TRIB_ERR_BUS',
  /** Nothing answers HTTP at the bus endpoint. */
  noEndpoint: 'TRIB_ERR_NO_ENDPOINT'
} as const
export type ClientErrorCodeValue = typeof ClientErrorCode[keyof typeof ClientErrorCode]

export class ClientError extends Error {
  constructor (readonly code: ClientErrorCodeValue, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ClientError'
  }
}

/** A Kafka error code in a response, with the name Kafka gives it. */
export class KafkaResponseError extends ClientError {
  readonly errorName: string
  constructor (readonly errorCode: number, readonly context: string, readonly serverMessage: string | null = null) {
    const name = kafkaErrorName(errorCode)
    super(ClientErrorCode.kafka, `${context}: ${name}${serverMessage ? ` (${serverMessage})` : ''}`)
    this.errorName = name
  }
}

/** Throws KafkaResponseError unless errorCode is 0. */
export function checkErrorCode (errorCode: number, context: string, serverMessage?: string | null): void {
  if (errorCode !== 0) throw new KafkaResponseError(errorCode, context, serverMessage ?? null)
}
