// Kafka added PRODUCER_FENCED (90) in later versions of each transaction API;
// older versions answer INVALID_PRODUCER_EPOCH (47) for the same condition.
import { ErrorCode } from '../../protocol/errors.js'

/** `fencedFrom`: the first version of the API that knows PRODUCER_FENCED. */
export function fencedForVersion (errorCode: number, version: number, fencedFrom: number): number {
  return errorCode === ErrorCode.PRODUCER_FENCED && version < fencedFrom ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode
}
