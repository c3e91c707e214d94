// The two ways a command fails: a usage error (exit 2: the command line itself is
// wrong, nothing was attempted) and a failure (exit 1: the command ran and could
// not do what was asked). Both carry a message that says what to do.
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const

export class UsageError extends Error {
  readonly exitCode = ExitCode.usage
  constructor (message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export class CommandFailure extends Error {
  readonly exitCode = ExitCode.failure
  constructor (message: string) {
    super(message)
    this.name = 'CommandFailure'
  }
}

/** A usage error naming the argument: `invalid value for -o: "abc" is not ...`. */
export function badArgument (argument: string, message: string): UsageError {
  return new UsageError(`invalid ${argument}: ${message}`)
}
