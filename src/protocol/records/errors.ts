// Errors thrown while parsing or building record batches. Each carries a stable
// string code and the Kafka error code a broker should answer with.

export const RecordsErrorCode = {
  CORRUPT: 'TRIB_ERR_CORRUPT_MESSAGE',
  UNSUPPORTED_MAGIC: 'TRIB_ERR_UNSUPPORTED_FOR_MESSAGE_FORMAT',
  TOO_LARGE: 'TRIB_ERR_MESSAGE_TOO_LARGE',
  INVALID_RECORD: 'TRIB_ERR_INVALID_RECORD',
  UNSUPPORTED_COMPRESSION: 'TRIB_ERR_UNSUPPORTED_COMPRESSION_TYPE',
} as const
export type RecordsErrorCodeValue = typeof RecordsErrorCode[keyof typeof RecordsErrorCode]

const KAFKA_CODES: Record<RecordsErrorCodeValue, number> = {
  TRIB_ERR_CORRUPT_MESSAGE: 2,
  TRIB_ERR_UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  TRIB_ERR_MESSAGE_TOO_LARGE: 10,
  TRIB_ERR_INVALID_RECORD: 87,
  TRIB_ERR_UNSUPPORTED_COMPRESSION_TYPE: 76,
}

export class RecordsError extends Error {
  readonly code: RecordsErrorCodeValue
  /** Kafka protocol error code to answer with. */
  readonly kafkaCode: number
  /** The records to name in a Produce response's record_errors (INVALID_RECORD). */
  recordErrors?: Array<{ batchIndex: number, message: string }>
  constructor (code: RecordsErrorCodeValue, message: string) {
    super(message)
    this.name = 'RecordsError'
    this.code = code
    this.kafkaCode = KAFKA_CODES[code]
  }
}

export function isRecordsError (err: unknown): err is RecordsError {
  return err instanceof RecordsError
}
