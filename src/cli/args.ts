// Argument parsers for commander options: each fails as a usage error (exit 2)
// naming the argument, before anything is sent to the broker.
import { KafkaClient, type TopicMetadata } from '../client/index.js'
import { badArgument, CommandFailure } from './output/errors.js'

export function integerArg (name: string, min = 0, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    if (!/^-?\d+$/.test(value.trim())) throw badArgument(name, `"${value}" is not a whole number`)
    const n = Number(value)
    if (n < min || n > max) throw badArgument(name, `${n} is out of range (${min}..${max === Number.MAX_SAFE_INTEGER ? '' : max})`)
    return n
  }
}

export function choiceArg<T extends string> (name: string, choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(choices as readonly string[]).includes(value)) throw badArgument(name, `"${value}" is not one of ${choices.join(', ')}`)
    return value as T
  }
}

/** Collects repeatable `k=v` options into a record. */
export function keyValueArg (name: string): (value: string, previous: Record<string, string> | undefined) => Record<string, string> {
  return (value, previous) => {
    const eq = value.indexOf('=')
    if (eq <= 0) throw badArgument(name, `"${value}" is not key=value`)
    return { ...(previous ?? {}), [value.slice(0, eq)]: value.slice(eq + 1) }
  }
}

/** Collects a repeatable option into a list. */
export function listArg (value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

/** Comma-separated list, repeatable. */
export function commaListArg (value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map(s => s.trim()).filter(s => s !== '')]
}

/** The topic's metadata, or exit 1 saying it does not exist. */
export async function requireTopic (client: KafkaClient, name: string): Promise<TopicMetadata> {
  const metadata = await client.metadata([name])
  const topic = metadata.topics.find(t => t.name === name)
  if (topic === undefined || topic.errorCode === 3) throw new CommandFailure(`topic "${name}" does not exist (see \`tributary topic list\`)`)
  if (topic.errorCode !== 0) throw new CommandFailure(`topic "${name}" is not available (error code ${topic.errorCode})`)
  return topic
}
