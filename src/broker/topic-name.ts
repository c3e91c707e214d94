// Topic names follow the log's rules (src/log/topic-name.ts); topic ids travel as
// 32 hex characters on the wire.
export { topicNameProblem, MAX_TOPIC_NAME_LENGTH } from '../log/topic-name.js'

/** Topic ids travel as 32 hex characters; the log may keep them with dashes. */
export function wireTopicId (id: string): string {
  return id.replace(/-/g, '').toLowerCase()
}

export const ZERO_UUID = '0'.repeat(32)
