// DeleteTopics (key 20), versions 0-6.
//
// Deletes each named topic and its data. Per topic: an unknown name is
// UNKNOWN_TOPIC_OR_PARTITION, an unknown id UNKNOWN_TOPIC_ID, a name or id
// repeated in the request INVALID_REQUEST; one topic's failure does not stop the
// others. Deletion is done (files gone from the log's view) before we answer, so
// the timeout never expires.
//
// Version notes: v0-5 carry topicNames; v4 is flexible; v5 adds errorMessage;
// v6 carries topics as {name, topicId}: a topic may be addressed by id (name
// null), the answer carries the id and the resolved name. Giving both a name and
// an id is INVALID_REQUEST, as Kafka answers it.
import { deleteTopicsApi } from '../../protocol/messages/delete-topics.js'
import { ErrorCode } from '../../protocol/errors.js'
import { ZERO_UUID } from '../topic-name.js'
import { errorFromThrown, errorPair, NO_ERROR, repeatedNames, topicIdOf, type ErrorPair } from './admin-common.js'
import type { Handler, RequestContext } from './types.js'
import type { Element, RequestOf, ResponseInput } from '../../protocol/messages/api-types.js'

type DeleteTopicState = Element<RequestOf<'DeleteTopics'>['topics']>
type TopicAnswer = Element<ResponseInput<'DeleteTopics'>['responses']>

export const deleteTopicsHandler: Handler<'DeleteTopics'> = {
  api: deleteTopicsApi,
  async handle (request, ctx) {
    const wanted: DeleteTopicState[] = ctx.apiVersion >= 6
      ? request.topics
      : request.topicNames.map(name => ({ name, topicId: ZERO_UUID }))
    const repeatedNamesSet = repeatedNames(wanted.filter(t => isZero(t.topicId)).map(t => t.name))
    const repeatedIds = repeatedNames(wanted.filter(t => !isZero(t.topicId)).map(t => t.topicId))
    const responses: TopicAnswer[] = []
    const answered = new Set<string>()
    for (const entry of wanted) {
      const byId = !isZero(entry.topicId)
      const key = byId ? 'id:' + entry.topicId : 'name:' + entry.name
      if (answered.has(key)) continue
      answered.add(key)
      if (byId ? repeatedIds.has(entry.topicId) : repeatedNamesSet.has(entry.name ?? '')) {
        responses.push(result(entry.name, entry.topicId, errorPair(ErrorCode.INVALID_REQUEST, byId ? 'Duplicate topic id.' : 'Duplicate topic name.')))
        continue
      }
      responses.push(await deleteOne(entry, ctx))
    }
    return { throttleTimeMs: 0, responses }
  }
}

async function deleteOne (entry: DeleteTopicState, ctx: RequestContext): Promise<TopicAnswer> {
  const log = ctx.services.log
  const byId = !isZero(entry.topicId)
  if (byId && entry.name !== null && entry.name !== undefined) {
    return result(entry.name, entry.topicId, errorPair(ErrorCode.INVALID_REQUEST, 'A topic may be named by its name or its id, not both.'))
  }
  let topic: { name: string, topicId: unknown } | undefined
  if (byId) {
    const wanted = entry.topicId.toLowerCase()
    topic = log.topics().find((t: { topicId: unknown }) => topicIdOf(t) === wanted)
    if (topic === undefined) return result(null, entry.topicId, errorPair(ErrorCode.UNKNOWN_TOPIC_ID, 'This server does not host this topic ID.'))
  } else {
    topic = entry.name === null ? undefined : log.topic(entry.name)
    if (topic === undefined) {
      return result(entry.name, ZERO_UUID, errorPair(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.'))
    }
  }
  const topicId = topicIdOf(topic)
  try {
    await log.deleteTopic(topic.name)
  } catch (err) {
    return result(topic.name, topicId, errorFromThrown(err, ctx, `topic ${topic.name}`))
  }
  return result(topic.name, topicId, NO_ERROR)
}

function result (name: string | null, topicId: string, error: ErrorPair): TopicAnswer {
  return { name, topicId, errorCode: error.errorCode, errorMessage: error.errorMessage }
}

function isZero (id: string | undefined): boolean {
  return id === undefined || id === ZERO_UUID || /^0*$/.test(id.replace(/-/g, ''))
}
