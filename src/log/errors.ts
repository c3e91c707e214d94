// Errors the log engine throws: a stable string code plus the Kafka error code
// the broker answers with, so handlers map failures without string matching.
import { isRecordsError } from '../protocol/records/errors.js'

export const LogErrorCode = {
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
  CLOSED: 'TRIB_ERR_LOG_CLOSED',
} as const
export type LogErrorCodeValue = typeof LogErrorCode[keyof typeof LogErrorCode]

const KAFKA_CODES: Record<LogErrorCodeValue, number> = {
  TRIB_ERR_OFFSET_OUT_OF_RANGE: 1,
  TRIB_ERR_CORRUPT_MESSAGE: 2,
  TRIB_ERR_UNKNOWN_TOPIC_OR_PARTITION: 3,
  TRIB_ERR_MESSAGE_TOO_LARGE: 10,
  TRIB_ERR_RECORD_LIST_TOO_LARGE: 18,
  TRIB_ERR_UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  TRIB_ERR_INVALID_RECORD: 87,
  TRIB_ERR_UNSUPPORTED_COMPRESSION_TYPE: 76,
  TRIB_ERR_TOPIC_ALREADY_EXISTS: 36,
  TRIB_ERR_INVALID_TOPIC: 17,
  TRIB_ERR_INVALID_PARTITIONS: 37,
  TRIB_ERR_INVALID_CONFIG: 40,
  TRIB_ERR_KAFKA_STORAGE_ERROR: 56,
  TRIB_ERR_LOG_CLOSED: 56,
}

export class LogError extends Error {
  readonly code: LogErrorCodeValue
  /** Kafka protocol error code for the response. */
  readonly kafkaCode: number
  /** Records a Produce response names in record_errors (INVALID_RECORD), with why. */
  recordErrors?: Array<{ batchIndex: number, message: string }>
  constructor (code: LogErrorCodeValue, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'LogError'
    this.code = code
    this.kafkaCode = KAFKA_CODES[code]
  }
}

export function isLogError (err: unknown): err is LogError {
  return err instanceof LogError
}

/** Turns a batch validation error into the matching LogError (codes are shared). */
export function fromRecordsError (err: unknown): unknown {
  if (!isRecordsError(err)) return err
  const logError = new LogError(err.code as LogErrorCodeValue, err.message, { cause: err })
  if (err.recordErrors !== undefined) logError.recordErrors = err.recordErrors
  return logError
}

export function storageError (what: string, cause: unknown): LogError {
  return new LogError(LogErrorCode.STORAGE_ERROR, `${what}: ${(cause as Error)?.message ?? String(cause)}`, { cause })
}
