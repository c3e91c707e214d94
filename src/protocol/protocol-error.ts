// The one error class the sans-io codec throws. A ProtocolError while decoding a
// request means the bytes cannot be trusted: the server closes the connection, as
// Kafka does. While encoding it means a handler built a body the version cannot
// carry (a programming error, reported with the field's path).

export const ProtocolErrorCode = {
  /** Bytes on the wire that violate the format: short buffer, bad length, bad varint. */
  MALFORMED: 'TRIB_ERR_MALFORMED',
  /** A length or count above a configured limit (checked before allocating). */
  LIMIT_EXCEEDED: 'TRIB_ERR_MALFORMED',
  /** A value that cannot be encoded at this version (null in a non-nullable field, out of range). */
  ENCODE: 'TRIB_ERR_ENCODE',
  /** An API key or version the codec has no definition for. */
  UNSUPPORTED: 'TRIB_ERR_UNSUPPORTED_VERSION'
} as const

export type ProtocolErrorCodeValue = typeof ProtocolErrorCode[keyof typeof ProtocolErrorCode]

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCodeValue

  constructor (code: ProtocolErrorCodeValue, message: string) {
    super(message)
    this.name = 'ProtocolError'
    this.code = code
  }
}

export function isProtocolError (err: unknown): err is ProtocolError {
  return err instanceof ProtocolError
}

/** Shorthand used by the reader: every wire violation carries TRIB_ERR_MALFORMED. */
export function malformed (message: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.MALFORMED, message)
}
