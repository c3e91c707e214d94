// Why a delivery attempt failed, and whether trying again could help.
export class DeliveryError extends Error {
  readonly code = 'TRIB_ERR_BUS_DELIVERY'
  constructor (readonly errorCode: string, message: string, readonly retryable: boolean) {
    super(message)
    this.name = 'DeliveryError'
  }
}

/** API destinations retry on these, as EventBridge does; other 4xx go straight to the dead-letter queue. */
export function isRetryableStatus (status: number): boolean {
  return status === 401 || status === 407 || status === 409 || status === 429 || status >= 500
}
