/** Prefix EventBridge puts in front of every reason it gives for refusing a pattern. */
const AWS_PREFIX = 'Event pattern is not valid. Reason: '

/**
 * Thrown when an event pattern is refused. `message` is AWS's full wording
 * ("Event pattern is not valid. Reason: ..."), `reason` the part after the prefix,
 * so the bus API can return it unchanged in an InvalidEventPatternException.
 */
export class InvalidEventPatternError extends Error {
  readonly code = 'TRIB_ERR_INVALID_PATTERN'
  readonly reason: string

  constructor (reason: string) {
    super(AWS_PREFIX + reason)
    this.name = 'InvalidEventPatternError'
    this.reason = reason
  }
}

export function invalid (reason: string): never {
  throw new InvalidEventPatternError(reason)
}
