// Which topic an event type lives in. By default the type itself, with any
// character Kafka does not allow in a topic name replaced by '_' (order.created
// stays order.created); a stream can map types to topics its own way.
import { topicNameProblem } from '../../log/topic-name.js'
import { TributaryError, TributaryErrorCode } from '../../errors.js'

export type TopicMapping = Record<string, string> | ((type: string) => string)

export function defaultTopicFor (type: string): string {
  return type.replace(/[^a-zA-Z0-9._-]/g, '_')
}

/** The topic for `type`, checked against Kafka's naming rules (TRIB_ERR_INVALID_TOPIC otherwise). */
export function topicFor (type: string, mapping: TopicMapping | undefined): string {
  if (typeof type !== 'string' || type === '') throw new TributaryError(TributaryErrorCode.INVALID_TOPIC, 'an event type must be a non-empty string')
  const mapped = typeof mapping === 'function' ? mapping(type) : mapping?.[type]
  return checkTopic(mapped ?? defaultTopicFor(type), type)
}

export function checkTopic (topic: string, type?: string): string {
  const problem = topicNameProblem(topic)
  if (problem !== null) throw new TributaryError(TributaryErrorCode.INVALID_TOPIC, `${type === undefined ? '' : `event type "${type}": `}${problem}`)
  return topic
}
