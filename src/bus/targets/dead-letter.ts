// Events whose delivery gave up go to the target's DeadLetterConfig queue,
// i.e. a Tributary topic, with the error attached as record headers named
// like the message attributes EventBridge puts on its dead-letter messages.
import type { BusStorage } from '../storage.js'
import { deadLetterTopic } from './resolve.js'
import { BusError } from '../errors.js'
import { TributaryErrorCode } from '../../errors.js'

export interface DeadLetter {
  deadLetterArn: string
  eventId: string
  eventText: string
  ruleArn: string
  targetArn: string
  errorCode: string
  errorMessage: string
  exhaustedCondition: string
  retryAttempts: number
}

export async function writeDeadLetter (storage: BusStorage, letter: DeadLetter, defaultPartitions: number): Promise<string> {
  const topic = deadLetterTopic(letter.deadLetterArn)
  if (topic === null) throw new BusError(TributaryErrorCode.BUS_DELIVERY, `dead-letter ARN ${letter.deadLetterArn} does not name a queue or topic`)
  await storage.ensureTopic(topic, undefined, defaultPartitions)
  await storage.append(topic, [{
    key: letter.eventId,
    value: letter.eventText,
    headers: [
      { key: 'RULE_ARN', value: letter.ruleArn },
      { key: 'TARGET_ARN', value: letter.targetArn },
      { key: 'ERROR_CODE', value: letter.errorCode },
      { key: 'ERROR_MESSAGE', value: letter.errorMessage },
      { key: 'EXHAUSTED_RETRY_CONDITION', value: letter.exhaustedCondition },
      { key: 'RETRY_ATTEMPTS', value: String(letter.retryAttempts) },
    ],
  }])
  return topic
}
