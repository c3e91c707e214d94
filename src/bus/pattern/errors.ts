import { TributaryError, TributaryErrorCode } from '../../errors.js'

/** Prefix EventBridge puts in front of every reason it gives for refusing a pattern. */
const AWS_PREFIX = 'Event pattern is not valid. Reason: '

/**
 * Thrown when an event pattern is refused. `message` is AWS's full wording
 * ("Event pattern is not valid. Reason: ..."), `reason` the part after the prefix,
 * so the bus API can return it unchanged in an InvalidEventPatternException.
 */
export class InvalidEventPatternError extends TributaryError {
  readonly reason: string

  constructor (reason: string) {
    super(TributaryErrorCode.INVALID_PATTERN, AWS_PREFIX + reason)
    this.name = 'InvalidEventPatternError'
    this.reason = reason
  }
}

export function invalid (reason: string): never {
  throw new InvalidEventPatternError(reason)
}
