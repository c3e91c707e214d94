// Why a delivery attempt failed, and whether trying again could help.
import { TributaryError, TributaryErrorCode } from '../../errors.js'

/** `errorCode` is the target's own reason (an HTTP status, an AWS error name); `code` is TRIB_ERR_BUS_DELIVERY. */
export class DeliveryError extends TributaryError {
  constructor (readonly errorCode: string, message: string, readonly retryable: boolean) {
    super(TributaryErrorCode.BUS_DELIVERY, message)
    this.name = 'DeliveryError'
  }
}

/** API destinations retry on these, as EventBridge does; other 4xx go straight to the dead-letter queue. */
export function isRetryableStatus (status: number): boolean {
  return status === 401 || status === 407 || status === 409 || status === 429 || status >= 500
}
