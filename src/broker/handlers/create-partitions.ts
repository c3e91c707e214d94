// CreatePartitions (key 37), versions 0-3.
//
// Grows a topic to `count` partitions. Per topic, with Kafka's messages:
// unknown topic UNKNOWN_TOPIC_OR_PARTITION; a name repeated in the request
// INVALID_REQUEST; a count not above the current one INVALID_PARTITIONS (Kafka
// never shrinks a topic); an assignment, when given, must list one replica set
// per new partition, each holding only this broker, else
// INVALID_REPLICA_ASSIGNMENT. validateOnly runs the checks and changes nothing.
//
// Version notes: v1 is v0; v2 is flexible; v3 may answer
// THROTTLING_QUOTA_EXCEEDED, which we never do.
import { createPartitionsApi } from '../../protocol/messages/create-partitions.js'
import { ErrorCode } from '../../protocol/errors.js'
import { errorFromThrown, errorPair, NO_ERROR, repeatedNames, type ErrorPair } from './admin-common.js'
import type { Handler, RequestContext } from './types.js'
import type { Element, RequestOf, ResponseInput } from '../../protocol/messages/api-types.js'

type CreatePartitionsTopic = Element<RequestOf<'CreatePartitions'>['topics']>
type TopicAnswer = Element<ResponseInput<'CreatePartitions'>['results']>

export const createPartitionsHandler: Handler<'CreatePartitions'> = {
  api: createPartitionsApi,
  async handle (request, ctx) {
    const repeated = repeatedNames(request.topics.map(t => t.name))
    const results: TopicAnswer[] = []
    for (const topic of request.topics) {
      if (repeated.has(topic.name)) continue
      results.push(result(topic.name, await grow(topic, request.validateOnly, ctx)))
    }
    for (const name of repeated) results.push(result(name, errorPair(ErrorCode.INVALID_REQUEST, 'Duplicate topic name.')))
    return { throttleTimeMs: 0, results }
  }
}

async function grow (topic: CreatePartitionsTopic, validateOnly: boolean, ctx: RequestContext): Promise<ErrorPair> {
  const { log, config } = ctx.services
  const existing = log.topic(topic.name)
  if (existing === undefined) {
    return errorPair(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${topic.name}' does not exist.`)
  }
  const current = partitionsOf(existing)
  if (topic.count < current) {
    return errorPair(ErrorCode.INVALID_PARTITIONS,
      `The topic ${topic.name} currently has ${current} partition(s); ${topic.count} would not be an increase.`)
  }
  if (topic.count === current) {
    return errorPair(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`)
  }
  if (topic.assignments !== null && topic.assignments !== undefined) {
    const added = topic.count - current
    if (topic.assignments.length !== added) {
      return errorPair(ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Attempted to add ${added} additional partition(s), but only ${topic.assignments.length} assignment(s) were specified.`)
    }
    for (const a of topic.assignments) {
      const stranger = a.brokerIds.find(id => id !== config.nodeId)
      if (stranger !== undefined) {
        return errorPair(ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `The manual partition assignment includes broker ${stranger}, but no such broker is registered.`)
      }
      if (a.brokerIds.length !== 1) {
        return errorPair(ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `The manual partition assignment must hold exactly one replica (the topic's replication factor is 1), got ${a.brokerIds.length}.`)
      }
    }
  }
  if (validateOnly) return NO_ERROR
  try {
    await log.createPartitions(topic.name, topic.count)
  } catch (err) {
    return errorFromThrown(err, ctx, `topic ${topic.name}`)
  }
  return NO_ERROR
}

/** TopicInfo.partitions: a count, or the partitions themselves. */
function partitionsOf (topic: { partitions: number | unknown[] }): number {
  return typeof topic.partitions === 'number' ? topic.partitions : topic.partitions.length
}

function result (name: string, error: ErrorPair): TopicAnswer {
  return { name, errorCode: error.errorCode, errorMessage: error.errorMessage }
}
