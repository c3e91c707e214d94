// CreateTopics (key 19), versions 0-7.
//
// Creates each topic in the request independently; one topic's error does not
// stop the others. Kafka's checks, in Kafka's order and with its messages:
// - a name repeated in the request: INVALID_REQUEST for that name;
// - an illegal name (empty, "." or "..", over 249 chars, a char outside
//   [a-zA-Z0-9._-]): INVALID_TOPIC_EXCEPTION;
// - an existing topic: TOPIC_ALREADY_EXISTS; a name equal to an existing one
//   but for '.' versus '_': INVALID_TOPIC_EXCEPTION (they collide in metrics);
// - numPartitions -1 means the broker default (num.partitions), 0 or < -1 is
//   INVALID_PARTITIONS; replicationFactor -1 or 1 is fine, 0 or < -1 or more
//   than the one broker we have is INVALID_REPLICATION_FACTOR;
// - a manual assignment may be given instead of numPartitions/replicationFactor
//   (both: INVALID_REQUEST); it must name partitions 0..n-1, each on this broker
//   only, else INVALID_REPLICA_ASSIGNMENT;
// - configs: unknown names, null values and bad values are INVALID_CONFIG with
//   a message naming the config.
// validateOnly (v1+) runs every check and answers as if created, creating nothing.
//
// Version notes: v1 adds validateOnly and errorMessage; v2 throttleTimeMs; v4
// lets -1 stand for the defaults (we accept it in every version, as Kafka's
// KRaft controller does); v5 is flexible and answers numPartitions,
// replicationFactor and the topic's configs; v7 answers the topicId.
import { createTopicsApi } from '../../protocol/messages/create-topics.js'
import { ErrorCode } from '../../protocol/errors.js'
import { topicNameProblem, ZERO_UUID } from '../topic-name.js'
import { errorFromThrown, errorPair, repeatedNames, topicIdOf, type ErrorPair } from './admin-common.js'
import { describeTopicConfigs } from './config-view.js'
import { dynamicConfigs } from './config-dynamic.js'
import { configRecord, isErrorPair, topicConfigsProblem } from './topic-config-input.js'
import type { Handler, RequestContext } from './types.js'
import type { Element, RequestOf, ResponseInput } from '../../protocol/messages/api-types.js'

type CreatableTopic = Element<RequestOf<'CreateTopics'>['topics']>
type TopicAnswer = Element<ResponseInput<'CreateTopics'>['topics']>

export const createTopicsHandler: Handler<'CreateTopics'> = {
  api: createTopicsApi,
  async handle (request, ctx) {
    const repeated = repeatedNames(request.topics.map(t => t.name))
    const topics: TopicAnswer[] = []
    for (const topic of request.topics) {
      if (repeated.has(topic.name)) continue
      topics.push(await createTopic(topic, request.validateOnly === true, ctx))
    }
    for (const name of repeated) {
      topics.push(failed(name, errorPair(ErrorCode.INVALID_REQUEST, 'Duplicate topic name.')))
    }
    return { throttleTimeMs: 0, topics }
  }
}

async function createTopic (topic: CreatableTopic, validateOnly: boolean, ctx: RequestContext): Promise<TopicAnswer> {
  const { config, log } = ctx.services
  const name = topic.name
  const nameProblem = topicNameProblem(name)
  if (nameProblem !== null) return failed(name, errorPair(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem))
  if (log.topic(name) !== undefined) return failed(name, errorPair(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`))
  const collision = collidingTopic(name, ctx)
  if (collision !== undefined) {
    return failed(name, errorPair(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${name}' collides with existing topic: ${collision}`))
  }

  const partitions = partitionCount(topic, ctx)
  if (typeof partitions !== 'number') return failed(name, partitions)

  const overrides = configRecord(topic.configs ?? [])
  if (isErrorPair(overrides)) return failed(name, overrides)
  const configProblem = topicConfigsProblem(overrides)
  if (configProblem !== null) return failed(name, configProblem)

  let topicId = ZERO_UUID
  if (!validateOnly) {
    try {
      topicId = topicIdOf(await log.createTopic(name, partitions, overrides))
    } catch (err) {
      return failed(name, errorFromThrown(err, ctx, `topic ${name}`))
    }
  }
  return {
    name,
    topicId,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: partitions,
    replicationFactor: 1,
    configs: describeTopicConfigs(overrides, config, dynamicConfigs(config)).map(c => ({
      name: c.name, value: c.value, readOnly: c.readOnly, configSource: c.configSource, isSensitive: c.isSensitive
    }))
  }
}

/**
 * Kafka refuses a name that differs from an existing one only by '.' versus '_',
 * because the two map to the same metric names.
 */
function collidingTopic (name: string, ctx: RequestContext): string | undefined {
  if (!name.includes('.') && !name.includes('_')) return undefined
  const normalized = name.replaceAll('.', '_')
  return ctx.services.log.topics().find((t: { name: string }) => t.name.replaceAll('.', '_') === normalized)?.name
}

/** The number of partitions to create, or the error Kafka answers. */
function partitionCount (topic: CreatableTopic, ctx: RequestContext): number | ErrorPair {
  const nodeId = ctx.services.config.nodeId
  const assignments = topic.assignments ?? []
  if (assignments.length > 0) {
    if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
      return errorPair(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.')
    }
    const indexes = assignments.map(a => a.partitionIndex).sort((a, b) => a - b)
    if (indexes.some((p, i) => p !== i)) {
      return errorPair(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Partitions should be a consecutive 0-based integer sequence.')
    }
    for (const a of assignments) {
      if (a.brokerIds.length === 0) {
        return errorPair(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes an empty replica list for partition ${a.partitionIndex}.`)
      }
      const stranger = a.brokerIds.find(id => id !== nodeId)
      if (stranger !== undefined) {
        return errorPair(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes broker ${stranger}, but no such broker is registered.`)
      }
      if (a.brokerIds.length > 1) {
        return errorPair(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes the broker ${nodeId} more than once.`)
      }
    }
    return assignments.length
  }
  const replicationProblem = replicationFactorProblem(topic.replicationFactor)
  if (topic.numPartitions === -1) {
    if (replicationProblem !== null) return replicationProblem
    return ctx.services.config.defaultPartitions
  }
  if (topic.numPartitions <= 0) {
    return errorPair(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.')
  }
  return replicationProblem ?? topic.numPartitions
}

function replicationFactorProblem (factor: number): ErrorPair | null {
  if (factor === -1 || factor === 1) return null
  if (factor <= 0) {
    return errorPair(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.')
  }
  return errorPair(ErrorCode.INVALID_REPLICATION_FACTOR,
    `Unable to replicate the partition ${factor} time(s): The target replication factor of ${factor} cannot be reached because only 1 broker(s) are registered.`)
}

function failed (name: string, error: ErrorPair): TopicAnswer {
  return {
    name,
    topicId: ZERO_UUID,
    errorCode: error.errorCode,
    errorMessage: error.errorMessage,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: -1,
    replicationFactor: -1,
    configs: []
  }
}
