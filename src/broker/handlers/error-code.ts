// The Kafka error code an exception carries, if it carries one: the log, the
// record-batch validator and the producer state each throw errors with a
// `kafkaCode` for the partition's answer; anything else is unexpected.

/** `err.kafkaCode` when err is an error that names its Kafka answer, otherwise undefined. */
export function kafkaCodeOf (err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('kafkaCode' in err)) return undefined
  return typeof err.kafkaCode === 'number' ? err.kafkaCode : undefined
}

/** The message of an Error, or null (for an errorMessage field). */
export function messageOf (err: unknown): string | null {
  return err instanceof Error ? err.message : null
}
