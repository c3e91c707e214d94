// The one error class Tributary's core throws (the codec, the log engine, producer
// state, the group and transaction coordinators). Every error carries a stable string
// code (`TRIB_ERR_...`) that callers branch on instead of matching message text, and,
// where a Kafka client should see the failure, the Kafka error code a broker answers
// with. One table maps one to the other, so a handler never guesses.
import { ErrorCode } from './protocol/errors.js'

export const TributaryErrorCode = {
  // Wire and codec (no Kafka code: a request that does not parse closes the connection).
  /** Bytes that violate the format: short buffer, bad length, bad varint. */
  MALFORMED: 'TRIB_ERR_MALFORMED',
  /** A length or count above a configured limit, refused before allocating. */
  LIMIT_EXCEEDED: 'TRIB_ERR_LIMIT_EXCEEDED',
  /** A value the version cannot carry (null in a non-nullable field, out of range). */
  ENCODE: 'TRIB_ERR_ENCODE',
  /** An API key or version the codec has no definition for. */
  UNSUPPORTED_VERSION: 'TRIB_ERR_UNSUPPORTED_VERSION',

  // Record batches and the log engine.
  OFFSET_OUT_OF_RANGE: 'TRIB_ERR_OFFSET_OUT_OF_RANGE',
  CORRUPT_MESSAGE: 'TRIB_ERR_CORRUPT_MESSAGE',
  UNKNOWN_TOPIC_OR_PARTITION: 'TRIB_ERR_UNKNOWN_TOPIC_OR_PARTITION',
  MESSAGE_TOO_LARGE: 'TRIB_ERR_MESSAGE_TOO_LARGE',
  RECORD_LIST_TOO_LARGE: 'TRIB_ERR_RECORD_LIST_TOO_LARGE',
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 'TRIB_ERR_UNSUPPORTED_FOR_MESSAGE_FORMAT',
  INVALID_RECORD: 'TRIB_ERR_INVALID_RECORD',
  UNSUPPORTED_COMPRESSION_TYPE: 'TRIB_ERR_UNSUPPORTED_COMPRESSION_TYPE',
  TOPIC_ALREADY_EXISTS: 'TRIB_ERR_TOPIC_ALREADY_EXISTS',
  INVALID_TOPIC: 'TRIB_ERR_INVALID_TOPIC',
  INVALID_PARTITIONS: 'TRIB_ERR_INVALID_PARTITIONS',
  INVALID_CONFIG: 'TRIB_ERR_INVALID_CONFIG',
  STORAGE_ERROR: 'TRIB_ERR_KAFKA_STORAGE_ERROR',
  LOG_CLOSED: 'TRIB_ERR_LOG_CLOSED',
  /** A failed write could not be cut back off: the file's end is unknown, so the partition goes offline. */
  TRUNCATE_FAILED: 'TRIB_ERR_TRUNCATE_FAILED',

  // Idempotent and transactional producer state.
  OUT_OF_ORDER_SEQUENCE_NUMBER: 'TRIB_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER',
  DUPLICATE_SEQUENCE_NUMBER: 'TRIB_ERR_DUPLICATE_SEQUENCE_NUMBER',
  INVALID_PRODUCER_EPOCH: 'TRIB_ERR_INVALID_PRODUCER_EPOCH',
  INVALID_TXN_STATE: 'TRIB_ERR_INVALID_TXN_STATE',

  // Group and transaction coordinators and their journals (internal: no Kafka code).
  GROUP_STATE: 'TRIB_ERR_GROUP_STATE',
  GROUP_NO_PROTOCOL: 'TRIB_ERR_GROUP_NO_PROTOCOL',
  GROUP_STORE_STRING: 'TRIB_ERR_GROUP_STORE_STRING',
  GROUP_STORE_CORRUPT: 'TRIB_ERR_GROUP_STORE_CORRUPT',
  GROUP_STORE_CLOSED: 'TRIB_ERR_GROUP_STORE_CLOSED',
  GROUP_STORE_WRITE: 'TRIB_ERR_GROUP_STORE_WRITE',
  TXN_STORE_CLOSED: 'TRIB_ERR_TXN_STORE_CLOSED',
  TXN_STORE_WRITE: 'TRIB_ERR_TXN_STORE_WRITE',
  TXN_NO_GROUPS: 'TRIB_ERR_TXN_NO_GROUPS',
  TXN_STORE_CORRUPT: 'TRIB_ERR_TXN_STORE_CORRUPT',

  // Configuration and the process (src/config.ts, src/tributary.ts).
  /** A config file, environment variable or flag that is unknown or has a bad value. */
  CONFIG: 'TRIB_ERR_CONFIG',
  /** Tributary was asked for a running component before start() or after stop(). */
  NOT_STARTED: 'TRIB_ERR_NOT_STARTED',
  /** A broken invariant: a bug in Tributary, never a user's mistake. */
  INTERNAL: 'TRIB_ERR_INTERNAL',

  // The event bus (src/bus).
  /** An EventBridge API answer; the error's `name` is the AWS error type (ValidationException, ...). */
  BUS_API: 'TRIB_ERR_BUS_API',
  /** A topic or partition the bus keeps its events in is missing from the log. */
  BUS_TOPIC_MISSING: 'TRIB_ERR_BUS_TOPIC_MISSING',
  /** An event pattern EventBridge would refuse. */
  INVALID_PATTERN: 'TRIB_ERR_INVALID_PATTERN',
  /** A delivery attempt to a target failed. */
  BUS_DELIVERY: 'TRIB_ERR_BUS_DELIVERY',
  /** A replay's archive was deleted while the replay was to run. */
  BUS_ARCHIVE_MISSING: 'TRIB_ERR_BUS_ARCHIVE_MISSING',
  /** The Kafka cluster a bus worker stores everything in cannot be reached (bus --kafka); retryable. */
  BUS_CLUSTER_UNAVAILABLE: 'TRIB_ERR_BUS_CLUSTER_UNAVAILABLE',
  /** A bus worker's cursor commit refused because its consumer group generation is over (the partition moved to another worker). */
  BUS_DELIVERY_FENCED: 'TRIB_ERR_BUS_DELIVERY_FENCED',

  // The SDK (src/sdk).
  /** A fault to inject that names an unknown API, error or count. */
  FAULT: 'TRIB_ERR_FAULT',
  /** startTributary() options, or an inspection, that name something unknown. */
  EMBEDDED_OPTIONS: 'TRIB_ERR_EMBEDDED_OPTIONS',
  /** A bus definition (rule, target, ...) the bus refused. */
  BUS_DEFINITION: 'TRIB_ERR_BUS_DEFINITION',
  /** The embedded Tributary was used after close(). */
  CLOSED: 'TRIB_ERR_CLOSED',

  // The client (src/client), as the CLI and SDK see the broker and the bus.
  /** Nothing listens at the address (ECONNREFUSED, unknown host, ...). */
  NO_BROKER: 'TRIB_ERR_NO_BROKER',
  /** The connection closed or failed while a request was in flight. */
  CONNECTION_LOST: 'TRIB_ERR_CONNECTION_LOST',
  /** No answer within the request timeout. */
  TIMEOUT: 'TRIB_ERR_TIMEOUT',
  /** The broker does not serve a version of the API this client speaks. */
  UNSUPPORTED_API: 'TRIB_ERR_UNSUPPORTED_API',
  /** The broker answered with a Kafka error code (`kafkaCode` holds it). */
  KAFKA: 'TRIB_ERR_KAFKA',
  /** The bus API answered with an AWS-style error. */
  BUS: 'TRIB_ERR_BUS',
  /** Nothing answers HTTP at the bus endpoint. */
  NO_ENDPOINT: 'TRIB_ERR_NO_ENDPOINT',
  /** The broker's answer lacks what the request asked for (an entry per topic or group). */
  BAD_RESPONSE: 'TRIB_ERR_BAD_RESPONSE',
  /** The broker refused the client's SASL authentication (wrong credentials, mechanism not offered). */
  CLIENT_AUTHENTICATION: 'TRIB_ERR_CLIENT_AUTHENTICATION',

  // The event stream SDK (src/sdk/stream): refused before anything is written.
  /** Event data that its type's schema rejects. */
  INVALID_EVENT: 'TRIB_ERR_INVALID_EVENT',
  /** Event data or a header that JSON (or a Kafka header) cannot carry. */
  NOT_SERIALISABLE: 'TRIB_ERR_NOT_SERIALISABLE',
  /** publish, subscribe or replay on a stream after close(). */
  STREAM_CLOSED: 'TRIB_ERR_STREAM_CLOSED',
  /** createEventStream / subscribe / replay options that cannot work. */
  STREAM_OPTIONS: 'TRIB_ERR_STREAM_OPTIONS',

  // Authorization (src/broker/acl).
  /** An ACL binding that cannot be stored: a bad resource, pattern, principal or operation. */
  INVALID_ACL: 'TRIB_ERR_INVALID_ACL',

  // The web console's JSON endpoints (src/http/console): a parameter it cannot use, answered 400.
  CONSOLE_BAD_REQUEST: 'TRIB_ERR_CONSOLE_BAD_REQUEST',
} as const

export type TributaryErrorCodeValue = typeof TributaryErrorCode[keyof typeof TributaryErrorCode]
/** The same union under the name the SDK has always exported it by (`import type { TributaryErrorCode }`). */
// eslint-disable-next-line @typescript-eslint/no-redeclare -- a value and a type of one name, so both imports keep working
export type TributaryErrorCode = TributaryErrorCodeValue

/**
 * The Kafka error code a broker answers with, for the codes a client should see.
 * A closed log reads as a storage error: the client retries, as it would on a
 * broker that is shutting down.
 */
const KAFKA_CODES: Partial<Record<TributaryErrorCodeValue, number>> = {
  TRIB_ERR_OFFSET_OUT_OF_RANGE: ErrorCode.OFFSET_OUT_OF_RANGE,
  TRIB_ERR_CORRUPT_MESSAGE: ErrorCode.CORRUPT_MESSAGE,
  TRIB_ERR_UNKNOWN_TOPIC_OR_PARTITION: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  TRIB_ERR_MESSAGE_TOO_LARGE: ErrorCode.MESSAGE_TOO_LARGE,
  TRIB_ERR_RECORD_LIST_TOO_LARGE: ErrorCode.RECORD_LIST_TOO_LARGE,
  TRIB_ERR_UNSUPPORTED_FOR_MESSAGE_FORMAT: ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
  TRIB_ERR_INVALID_RECORD: ErrorCode.INVALID_RECORD,
  TRIB_ERR_UNSUPPORTED_COMPRESSION_TYPE: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
  TRIB_ERR_TOPIC_ALREADY_EXISTS: ErrorCode.TOPIC_ALREADY_EXISTS,
  TRIB_ERR_INVALID_TOPIC: ErrorCode.INVALID_TOPIC_EXCEPTION,
  TRIB_ERR_INVALID_PARTITIONS: ErrorCode.INVALID_PARTITIONS,
  TRIB_ERR_INVALID_CONFIG: ErrorCode.INVALID_CONFIG,
  TRIB_ERR_KAFKA_STORAGE_ERROR: ErrorCode.KAFKA_STORAGE_ERROR,
  TRIB_ERR_LOG_CLOSED: ErrorCode.KAFKA_STORAGE_ERROR,
  TRIB_ERR_TRUNCATE_FAILED: ErrorCode.KAFKA_STORAGE_ERROR,
  TRIB_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  TRIB_ERR_DUPLICATE_SEQUENCE_NUMBER: ErrorCode.DUPLICATE_SEQUENCE_NUMBER,
  TRIB_ERR_INVALID_PRODUCER_EPOCH: ErrorCode.INVALID_PRODUCER_EPOCH,
  TRIB_ERR_INVALID_TXN_STATE: ErrorCode.INVALID_TXN_STATE,
}

/** The Kafka error code for a Tributary code, or undefined when clients never see it. */
export function kafkaCodeFor (code: TributaryErrorCodeValue): number | undefined {
  return KAFKA_CODES[code]
}

export class TributaryError extends Error {
  readonly code: TributaryErrorCodeValue
  /** The Kafka error code to answer with; undefined for errors no response carries. */
  readonly kafkaCode: number | undefined
  /** Records a Produce response names in record_errors (INVALID_RECORD), with why. */
  recordErrors?: Array<{ batchIndex: number, message: string }>

  /**
   * `options.kafkaCode` overrides the table, for errors that carry a code a broker
   * answered with (the client's TRIB_ERR_KAFKA) rather than one Tributary chose.
   */
  constructor (code: TributaryErrorCodeValue, message: string, options?: { cause?: unknown, kafkaCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'TributaryError'
    this.code = code
    this.kafkaCode = options?.kafkaCode ?? KAFKA_CODES[code]
  }
}

/** True for a TributaryError, and when `code` is given, one with that code. */
export function isTributaryError (err: unknown, code?: TributaryErrorCodeValue): err is TributaryError {
  return err instanceof TributaryError && (code === undefined || err.code === code)
}

/** A TributaryError that a Kafka response can carry (it has a Kafka code). */
export function hasKafkaCode (err: unknown): err is TributaryError & { readonly kafkaCode: number } {
  return err instanceof TributaryError && err.kafkaCode !== undefined
}

/** A failed file-system operation, as the storage error Kafka clients retry on. */
export function storageError (what: string, cause: unknown): TributaryError {
  const reason = cause instanceof Error ? cause.message : String(cause)
  return new TributaryError(TributaryErrorCode.STORAGE_ERROR, `${what}: ${reason}`, { cause })
}

/** Shorthand for the codec: bytes on the wire that violate the format. */
export function malformed (message: string): TributaryError {
  return new TributaryError(TributaryErrorCode.MALFORMED, message)
}

/** Shorthand for the codec: a length or count above a configured limit. */
export function limitExceeded (message: string): TributaryError {
  return new TributaryError(TributaryErrorCode.LIMIT_EXCEEDED, message)
}

const CODEC_CODES: ReadonlySet<string> = new Set([
  TributaryErrorCode.MALFORMED, TributaryErrorCode.LIMIT_EXCEEDED, TributaryErrorCode.ENCODE, TributaryErrorCode.UNSUPPORTED_VERSION,
])

/** An error of the sans-io codec: bytes that do not parse, or a body the version cannot carry. */
export function isCodecError (err: unknown): err is TributaryError {
  return err instanceof TributaryError && CODEC_CODES.has(err.code)
}

const RECORD_FORMAT_CODES: ReadonlySet<string> = new Set([
  TributaryErrorCode.CORRUPT_MESSAGE, TributaryErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, TributaryErrorCode.MESSAGE_TOO_LARGE,
  TributaryErrorCode.INVALID_RECORD, TributaryErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
])

/** A record batch that cannot be read or built (corrupt, too large to decompress, unknown codec). */
export function isRecordFormatError (err: unknown): err is TributaryError {
  return err instanceof TributaryError && RECORD_FORMAT_CODES.has(err.code)
}
