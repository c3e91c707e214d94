// Turns whatever a command threw into the line the user reads and the exit code.
// Known failures get a sentence that says what to do; anything else keeps its
// message and stable code so a bug report carries them.
import { BusApiCallError, ClientError, KafkaResponseError } from '../../client/index.js'
import { CommandFailure, ExitCode, UsageError } from './errors.js'
import { isTributaryError, TributaryErrorCode } from '../../errors.js'

export interface Failure { message: string, exitCode: number }

const KAFKA_HINTS: Record<string, string> = {
  UNKNOWN_TOPIC_OR_PARTITION: 'the topic or partition does not exist (see `tributary topic list`)',
  TOPIC_ALREADY_EXISTS: 'a topic with that name already exists',
  INVALID_TOPIC_EXCEPTION: 'that is not a valid topic name (letters, digits, ".", "_", "-"; at most 249 characters)',
  INVALID_PARTITIONS: 'that partition count is not allowed',
  INVALID_CONFIG: 'the broker refused that config',
  POLICY_VIOLATION: 'the broker refused the change',
  GROUP_ID_NOT_FOUND: 'the group does not exist (see `tributary group list`)',
  NON_EMPTY_GROUP: 'the group has active members: stop its consumers first',
  UNKNOWN_MEMBER_ID: 'the group has active members: stop its consumers first'
}

export function describeFailure (err: unknown): Failure {
  if (err instanceof UsageError || err instanceof CommandFailure) return { message: err.message, exitCode: err.exitCode }
  if (err instanceof KafkaResponseError) {
    const hint = KAFKA_HINTS[err.errorName]
    return { message: hint === undefined ? err.message : `${err.context}: ${hint}${err.serverMessage ? ` (${err.serverMessage})` : ''}`, exitCode: ExitCode.failure }
  }
  if (err instanceof BusApiCallError) return { message: `${err.type}: ${err.message.slice(err.message.indexOf(err.type) + err.type.length + 2)}`, exitCode: ExitCode.failure }
  if (err instanceof ClientError) return { message: err.message, exitCode: ExitCode.failure }
  if (isTributaryError(err)) return { message: `${err.message} (${err.code})`, exitCode: err.code === TributaryErrorCode.CONFIG ? ExitCode.usage : ExitCode.failure }
  const e = err as Error & { code?: string }
  return { message: `${e.message}${e.code ? ` (${e.code})` : ''}`, exitCode: ExitCode.failure }
}
