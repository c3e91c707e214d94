// Errors the EventBridge API answers with. `type` becomes the `__type` of the
// JSON 1.1 error body, which is how the AWS SDKs and the CLI name the error.
// Both classes are TributaryErrors, so callers branch on one `code` everywhere.
import { TributaryError, TributaryErrorCode, type TributaryErrorCodeValue } from '../errors.js'

export const BusErrorType = {
  validation: 'ValidationException',
  notFound: 'ResourceNotFoundException',
  alreadyExists: 'ResourceAlreadyExistsException',
  limitExceeded: 'LimitExceededException',
  invalidPattern: 'InvalidEventPatternException',
  concurrentModification: 'ConcurrentModificationException',
  illegalStatus: 'IllegalStatusException',
  invalidState: 'InvalidStateException',
  internal: 'InternalException',
  serialization: 'SerializationException',
  unknownOperation: 'UnknownOperationException',
} as const
export type BusErrorTypeName = typeof BusErrorType[keyof typeof BusErrorType]

/** An answer of the bus API: code TRIB_ERR_BUS_API, `name` and `type` the AWS error type. */
export class BusApiError extends TributaryError {
  readonly status: number
  constructor (readonly type: BusErrorTypeName | string, message: string, status = 400) {
    super(TributaryErrorCode.BUS_API, message)
    this.name = type
    this.status = status
  }
}

export const validationError = (message: string): BusApiError => new BusApiError(BusErrorType.validation, message)
export const notFoundError = (message: string): BusApiError => new BusApiError(BusErrorType.notFound, message)
export const alreadyExistsError = (message: string): BusApiError => new BusApiError(BusErrorType.alreadyExists, message)
export const limitExceededError = (message: string): BusApiError => new BusApiError(BusErrorType.limitExceeded, message)

/** Errors of the bus runtime (storage, delivery) that are not API answers. */
export class BusError extends TributaryError {
  constructor (code: TributaryErrorCodeValue, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
    this.name = 'BusError'
  }
}
