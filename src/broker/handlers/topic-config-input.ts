// Checking topic configs a client sends (CreateTopics, AlterConfigs,
// IncrementalAlterConfigs) the way Kafka does: an unknown name, a null value or
// a bad value is INVALID_CONFIG naming the config. Names and values are checked
// by the log engine's own validation, so the broker and the engine never
// disagree on what is valid.
import { ErrorCode } from '../../protocol/errors.js'
import { validateTopicConfigs } from '../../log/index.js'
import { hasKafkaCode } from '../../errors.js'
import { errorPair, type ErrorPair } from './admin-common.js'

/** Returns the problem with `configs`, or null when the log engine would accept them. */
export function topicConfigsProblem (configs: Readonly<Record<string, string>>): ErrorPair | null {
  try {
    validateTopicConfigs(configs)
  } catch (err) {
    if (hasKafkaCode(err)) return errorPair(err.kafkaCode, err.message)
    throw err
  }
  return null
}

/**
 * A name/value list from the wire as a record. Null values are refused as Kafka
 * refuses them ("Null value not supported for topic configs").
 */
export function configRecord (entries: ReadonlyArray<{ name: string, value: string | null }>): Record<string, string> | ErrorPair {
  const out: Record<string, string> = {}
  const nulls: string[] = []
  for (const { name, value } of entries) {
    if (value === null || value === undefined) nulls.push(name)
    else out[name] = value
  }
  if (nulls.length > 0) return errorPair(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${nulls.join(',')}`)
  return out
}

export function isErrorPair (x: unknown): x is ErrorPair {
  return typeof x === 'object' && x !== null && 'errorCode' in x && typeof (x as ErrorPair).errorCode === 'number'
}
