// Errors the EventBridge API answers with. `type` becomes the `__type` of the
// JSON 1.1 error body, which is how the AWS SDKs and the CLI name the error.
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

export class BusApiError extends Error {
  readonly code = 'TRIB_ERR_BUS_API'
  readonly status: number
  constructor (readonly type: BusErrorTypeName | string, message: string, status = 400) {
    super(message)
    this.name = type
    this.status = status
  }
}

export const validationError = (message: string): BusApiError => new BusApiError(BusErrorType.validation, message)
export const notFoundError = (message: string): BusApiError => new BusApiError(BusErrorType.notFound, message)
export const alreadyExistsError = (message: string): BusApiError => new BusApiError(BusErrorType.alreadyExists, message)
export const limitExceededError = (message: string): BusApiError => new BusApiError(BusErrorType.limitExceeded, message)

/** Errors of the bus runtime (storage, delivery) that are not API answers. */
export class BusError extends Error {
  constructor (readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'BusError'
  }
}
