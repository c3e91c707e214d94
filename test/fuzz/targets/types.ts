// What a fuzz target is. An input is bytes or text, so that any input that ever
// failed can be kept as a fixture (test/fuzz/regressions/) and replayed forever.
import type fc from 'fast-check'

export interface FuzzTarget<I extends Buffer | string = Buffer | string> {
  readonly name: string
  /** The inputs to try (seeds from real data, mutated). */
  inputs: () => fc.Arbitrary<I>
  /**
   * Runs the code under test on one input. Refusing the input the way the
   * product refuses bad input (its own error types) is fine; any other throw,
   * or a result past the limits, is a finding and throws.
   */
  check: (input: I) => void | Promise<void>
  /** Targets that need a running component (the bus) open it here and close it in the returned function. */
  open?: () => Promise<() => Promise<void>>
}

export class FuzzFinding extends Error {
  readonly code = 'TRIB_ERR_FUZZ_FINDING'
}
