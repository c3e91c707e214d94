// Errors the SDK throws carry a stable string code (TRIB_ERR_...), as the
// rest of the library does, so callers can branch on the cause.
export type TributaryErrorCode = 'TRIB_ERR_FAULT' | 'TRIB_ERR_EMBEDDED_OPTIONS' | 'TRIB_ERR_BUS_DEFINITION' | 'TRIB_ERR_CLOSED'

export class TributaryError extends Error {
  constructor (readonly code: TributaryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'TributaryError'
  }
}
