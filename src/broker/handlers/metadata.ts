// Metadata (key 3), versions 0-12.
//
// One broker leads every partition. Topic lists: v0 empty = all topics; v1+
// null = all, empty = none. Unknown topics are created when auto-creation is on
// (broker config autoCreateTopics, Kafka's auto.create.topics.enable) and the
// request allows it (v4+ allowAutoTopicCreation; always allowed before v4). We
// create synchronously, so the topic is returned with its leader at once rather
// than Kafka's LEADER_NOT_AVAILABLE on first sight. Invalid names get INVALID_TOPIC_EXCEPTION. v10+ carries
// topic ids; v10+ may ask by id (name null) and unknown ids get UNKNOWN_TOPIC_ID.
// v8+ includeTopicAuthorizedOperations (and v8-10 includeClusterAuthorizedOperations):
// the operations the client may perform, from authorized-operations.ts; with no
// authorizer all of them (8 for a topic, 7 for the cluster), as Kafka answers;
// not asked, Kafka's "not provided" (-2147483648).
import { metadataApi } from '../../protocol/messages/metadata.js'
import { ErrorCode } from '../../protocol/errors.js'
import { topicNameProblem, wireTopicId, ZERO_UUID } from '../topic-name.js'
import { authorizedOperations, AUTHORIZED_OPERATIONS_OMITTED } from '../authorized-operations.js'
import { kafkaCodeOf } from './error-code.js'
import { advertisedAddress } from '../advertised.js'
import type { Handler, RequestContext } from './types.js'
import type { Element, ResponseInput } from '../../protocol/messages/api-types.js'

type TopicAnswer = Element<ResponseInput<'Metadata'>['topics']>

export const metadataHandler: Handler<'Metadata'> = {
  api: metadataApi,
  async handle (request, ctx) {
    const { config, log } = ctx.services
    const version = ctx.apiVersion
    const allowAutoCreate = config.autoCreateTopics && (version < 4 || request.allowAutoTopicCreation !== false)
    let wanted: Array<{ name: string | null, topicId?: string }>
    if (request.topics === null || (version === 0 && request.topics.length === 0)) {
      wanted = log.topics().map(t => ({ name: t.name }))
    } else {
      wanted = request.topics
    }
    const topicOperations = authorizedOperations('topic', version >= 8 && request.includeTopicAuthorizedOperations)
    const topics: TopicAnswer[] = []
    for (const entry of wanted) {
      topics.push(await describeTopic(entry, allowAutoCreate, topicOperations, ctx))
    }
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: config.nodeId, ...advertisedAddress(ctx), rack: null }],
      clusterId: config.clusterId,
      controllerId: config.nodeId,
      topics,
      clusterAuthorizedOperations: authorizedOperations('cluster', version >= 8 && request.includeClusterAuthorizedOperations === true)
    }
  }
}

async function describeTopic (entry: { name: string | null, topicId?: string }, allowAutoCreate: boolean, topicOperations: number, ctx: RequestContext): Promise<TopicAnswer> {
  const { config, log } = ctx.services
  let name = entry.name
  const empty = (errorCode: number, topicName: string | null, topicId = ZERO_UUID): TopicAnswer => ({
    errorCode, name: topicName, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED
  })
  if (name === null || name === undefined) {
    const byId = entry.topicId ? log.topics().find(t => wireTopicId(t.topicId) === entry.topicId) : undefined
    if (!byId) return empty(ErrorCode.UNKNOWN_TOPIC_ID, null, entry.topicId ?? ZERO_UUID)
    name = byId.name
  }
  let topic = log.topic(name)
  if (!topic) {
    if (topicNameProblem(name) !== null) return empty(ErrorCode.INVALID_TOPIC_EXCEPTION, name)
    if (!allowAutoCreate) return empty(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name)
    try {
      topic = await log.createTopic(name, config.defaultPartitions, {})
      ctx.services.logger.info({ topic: name, partitions: config.defaultPartitions }, 'auto-created topic')
    } catch (err) {
      // Another request may have created it meanwhile.
      topic = log.topic(name)
      if (!topic) return empty(kafkaCodeOf(err) ?? ErrorCode.UNKNOWN_SERVER_ERROR, name)
    }
  }
  const partitions = []
  for (let i = 0; i < topic.partitions; i++) {
    partitions.push({
      errorCode: 0,
      partitionIndex: i,
      leaderId: config.nodeId,
      leaderEpoch: 0,
      replicaNodes: [config.nodeId],
      isrNodes: [config.nodeId],
      offlineReplicas: []
    })
  }
  return {
    errorCode: 0,
    name,
    topicId: wireTopicId(topic.topicId),
    isInternal: false,
    partitions,
    topicAuthorizedOperations: topicOperations
  }
}
