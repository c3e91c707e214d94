// What each Kafka API asks of the authorizer, and where a refusal goes in its
// answer (Kafka's KafkaApis checks, API by API). Every served API has an entry
// here or is listed as OPEN_APIS; authorizeHandlers refuses to build a
// registry with an API it does not know, so a new API cannot slip through
// unchecked. The shapes (per partition, per listed resource, whole request)
// are in ./enforce-shapes.ts.
import { callHandler, wrapHandler, type Handler, type RequestContext } from '../handlers/types.js'
import { ErrorCode } from '../../protocol/errors.js'
import { AUTHORIZED_OPERATIONS_OMITTED, operationsAllowed, type OperationCheck } from '../authorized-operations.js'
import { AclOperation as Op, CLUSTER_NAME, ResourceType as R } from './acl-model.js'
import { bodies, isBody, listed, partitioned, refusedWhole, serve, type Body, type PartitionedShape } from './enforce-shapes.js'

export interface Check extends OperationCheck {
  /** May the client do `operation` on some resource of `type` (InitProducerId without a transactional id)? */
  canAny: (operation: number, resourceType: number) => boolean
}

export type Rule = (handler: Handler, body: Body, ctx: RequestContext, check: Check) => unknown

/** APIs that touch no resource: served to every client. */
export const OPEN_APIS: ReadonlySet<string> = new Set(['ApiVersions', 'SaslHandshake', 'SaslAuthenticate'])

const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED
const GROUP_DENIED = ErrorCode.GROUP_AUTHORIZATION_FAILED
const CLUSTER_DENIED = ErrorCode.CLUSTER_AUTHORIZATION_FAILED
const TXN_DENIED = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
const NOT_ATTEMPTED = ErrorCode.OPERATION_NOT_ATTEMPTED

const str = (value: unknown): string => typeof value === 'string' ? value : ''
const onCluster = (check: Check, op: number): boolean => check.can(op, R.CLUSTER, CLUSTER_NAME)
/** 0 when `check` allows `op` on topic `name` (or the topic is unknown by id: the handler answers that), else the topic refusal. */
const topicCode = (check: Check, op: number) => (name: string | undefined): number => name === undefined || check.can(op, R.TOPIC, name) ? 0 : TOPIC_DENIED

const shapes = {
  Produce: { request: { topics: 'topicData', name: 'name', partitions: 'partitionData', index: 'index' }, response: { topics: 'responses', name: 'name', partitions: 'partitionResponses', index: 'index' }, errorEntry: { baseOffset: -1n } },
  Fetch: { request: { topics: 'topics', name: 'topic', partitions: 'partitions', index: 'partition' }, response: { topics: 'responses', name: 'topic', partitions: 'partitions', index: 'partitionIndex' }, errorEntry: { highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, records: null, abortedTransactions: null } },
  ListOffsets: { request: { topics: 'topics', name: 'name', partitions: 'partitions', index: 'partitionIndex' }, response: { topics: 'topics', name: 'name', partitions: 'partitions', index: 'partitionIndex' }, errorEntry: { offset: -1n, timestamp: -1n } },
  OffsetCommit: { request: { topics: 'topics', name: 'name', partitions: 'partitions', index: 'partitionIndex' }, response: { topics: 'topics', name: 'name', partitions: 'partitions', index: 'partitionIndex' } },
  DeleteRecords: { request: { topics: 'topics', name: 'name', partitions: 'partitions', index: 'partitionIndex' }, response: { topics: 'topics', name: 'name', partitions: 'partitions', index: 'partitionIndex' }, errorEntry: { lowWatermark: -1n } },
  DescribeProducers: { request: { topics: 'topics', name: 'name', partitions: 'partitionIndexes', index: null }, response: { topics: 'topics', name: 'name', partitions: 'partitions', index: 'partitionIndex' }, errorEntry: { errorMessage: null, activeProducers: [] } },
  OffsetDelete: { request: { topics: 'topics', name: 'name', partitions: 'partitions', index: 'partitionIndex' }, response: { topics: 'topics', name: 'name', partitions: 'partitions', index: 'partitionIndex' } },
  AddPartitionsToTxn: { request: { topics: 'topics', name: 'name', partitions: 'partitions', index: null }, response: { topics: 'topicResults', name: 'name', partitions: 'resultsByPartition', index: 'partitionIndex', errorCode: 'partitionErrorCode' } },
} satisfies Record<string, PartitionedShape>

/** A partitioned request whose every entry is refused with one code (a refused group or transactional id). */
const allRefused = (handler: Handler, shape: PartitionedShape, body: Body, ctx: RequestContext, code: number): unknown =>
  partitioned(handler, shape, body, ctx, e => str(e[shape.request.name]), () => code)

const byName = (shape: PartitionedShape) => (entry: Body): string => str(entry[shape.request.name])

/** A request about one resource: its top-level error when refused. */
const whole = (decide: (body: Body, check: Check) => number): Rule => (handler, body, ctx, check) => {
  const code = decide(body, check)
  return code === 0 ? callHandler(handler, body, ctx) : refusedWhole(handler, ctx, code) ?? callHandler(handler, body, ctx)
}
const groupRead = whole((b, c) => c.can(Op.READ, R.GROUP, str(b.groupId)) ? 0 : GROUP_DENIED)

/** Fetch v13+ names topics by id. */
function fetchTopicName (ctx: RequestContext) {
  return (entry: Body): string | undefined => {
    const name = entry.topic
    if (typeof name === 'string' && name !== '') return name
    return typeof entry.topicId === 'string' ? ctx.services.log.topics().find(t => t.topicId === entry.topicId)?.name : undefined
  }
}

/** Which resource a DescribeConfigs / AlterConfigs entry names: 2 topic, 4 broker, 8 broker logger. */
const configResource = (op: number) => (check: Check) => (entry: unknown): number => {
  const e = isBody(entry) ? entry : {}
  if (e.resourceType === 2) return check.can(op, R.TOPIC, str(e.resourceName)) ? 0 : TOPIC_DENIED
  return onCluster(check, op) ? 0 : CLUSTER_DENIED
}
const configError = (entry: unknown, errorCode: number): Body => {
  const e = isBody(entry) ? entry : {}
  return { errorCode, errorMessage: 'Not authorized.', resourceType: e.resourceType, resourceName: e.resourceName, configs: [] }
}

/** AddPartitionsToTxn per transaction: refused id → all its partitions; a refused topic → it, the rest not attempted. */
function txnTopicsRefusal (check: Check, txnId: string, topics: Body[]): ((name: string | undefined) => number) | null {
  if (!check.can(Op.WRITE, R.TRANSACTIONAL_ID, txnId)) return () => TXN_DENIED
  const refusedTopic = topics.some(t => !check.can(Op.WRITE, R.TOPIC, str(t.name)))
  return refusedTopic ? name => name === undefined || check.can(Op.WRITE, R.TOPIC, name) ? NOT_ATTEMPTED : TOPIC_DENIED : null
}

/** Metadata: topics the client may not describe are left out of a list of all, and refused when asked for by name. */
const metadata: Rule = (handler, body, ctx, check) => {
  const asked = Array.isArray(body.topics) && !(ctx.apiVersion === 0 && body.topics.length === 0)
    ? new Set(bodies(body, 'topics').map(t => str(t.name)))
    : null
  let request = body
  // auto-creation needs CREATE on the cluster or on each topic it would create
  if (asked !== null && !onCluster(check, Op.CREATE) && [...asked].some(name => !check.can(Op.CREATE, R.TOPIC, name))) {
    request = { ...body, allowAutoTopicCreation: false }
    // v0-3 cannot turn auto-creation off: topics it would create are not asked for (and answered refused below)
    if (ctx.apiVersion < 4) request = { ...body, topics: bodies(body, 'topics').filter(t => ctx.services.log.topic(str(t.name)) !== undefined || check.can(Op.CREATE, R.TOPIC, str(t.name))) }
  }
  return serve(handler, request, ctx, answer => {
    const topics = bodies(answer, 'topics').flatMap(t => {
      const name = str(t.name)
      if (name !== '' && check.can(Op.DESCRIBE, R.TOPIC, name)) {
        return [t.topicAuthorizedOperations === AUTHORIZED_OPERATIONS_OMITTED ? t : { ...t, topicAuthorizedOperations: operationsAllowed('topic', name, check) }]
      }
      if (name === '') return [t] // a topic id nobody has: the handler's UNKNOWN_TOPIC_ID reveals nothing
      if (asked === null) return []
      return [{ ...t, errorCode: TOPIC_DENIED, isInternal: false, partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED }]
    })
    // v0-3 auto-creation off: a refused topic is still answered, as refused
    if (asked !== null) for (const name of asked) if (name !== '' && !topics.some(t => t.name === name)) topics.push({ errorCode: TOPIC_DENIED, name, isInternal: false, partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED })
    const cluster = answer.clusterAuthorizedOperations
    return { ...answer, topics, ...(typeof cluster === 'number' && cluster !== AUTHORIZED_OPERATIONS_OMITTED ? { clusterAuthorizedOperations: operationsAllowed('cluster', CLUSTER_NAME, check) } : {}) }
  })
}

/** OffsetFetch: the group needs DESCRIBE; topics the client may not describe are refused when named, left out when all were asked for. */
function offsetFetchTopics (topics: Body[], named: boolean, check: Check): Body[] {
  return topics.flatMap(t => {
    if (check.can(Op.DESCRIBE, R.TOPIC, str(t.name))) return [t]
    return named ? [{ ...t, partitions: bodies(t, 'partitions').map(p => ({ ...p, committedOffset: -1n, metadata: null, errorCode: TOPIC_DENIED })) }] : []
  })
}
const offsetFetch: Rule = (handler, body, ctx, check) => {
  if (ctx.apiVersion >= 8) {
    const namedTopics = new Map(bodies(body, 'groups').map(g => [str(g.groupId), Array.isArray(g.topics)]))
    const filtered = wrapHandler(handler, (request, c) => serve(handler, isBody(request) ? request : {}, c, answer => ({
      ...answer,
      groups: bodies(answer, 'groups').map(g => ({ ...g, topics: offsetFetchTopics(bodies(g, 'topics'), namedTopics.get(str(g.groupId)) === true, check) }))
    })))
    return listed(filtered, {
      request: 'groups',
      response: 'groups',
      refuse: g => check.can(Op.DESCRIBE, R.GROUP, str(isBody(g) ? g.groupId : '')) ? 0 : GROUP_DENIED,
      errorEntry: (g, errorCode) => ({ groupId: isBody(g) ? g.groupId : '', topics: [], errorCode })
    }, body, ctx)
  }
  if (!check.can(Op.DESCRIBE, R.GROUP, str(body.groupId))) {
    return { throttleTimeMs: 0, errorCode: GROUP_DENIED, topics: bodies(body, 'topics').map(t => ({ name: t.name, partitions: (Array.isArray(t.partitionIndexes) ? t.partitionIndexes : []).map(p => ({ partitionIndex: p, committedOffset: -1n, metadata: null, errorCode: GROUP_DENIED })) })) }
  }
  return serve(handler, body, ctx, answer => ({ ...answer, topics: offsetFetchTopics(bodies(answer, 'topics'), Array.isArray(body.topics), check) }))
}

export const RULES: Record<string, Rule> = {
  Metadata: metadata,
  Produce: (h, body, ctx, check) => {
    if (typeof body.transactionalId === 'string' && !check.can(Op.WRITE, R.TRANSACTIONAL_ID, body.transactionalId)) return allRefused(h, shapes.Produce, body, ctx, TXN_DENIED)
    return partitioned(h, shapes.Produce, body, ctx, byName(shapes.Produce), topicCode(check, Op.WRITE))
  },
  Fetch: (h, body, ctx, check) => partitioned(h, shapes.Fetch, body, ctx, fetchTopicName(ctx), topicCode(check, Op.READ)),
  ListOffsets: (h, body, ctx, check) => partitioned(h, shapes.ListOffsets, body, ctx, byName(shapes.ListOffsets), topicCode(check, Op.DESCRIBE)),
  DeleteRecords: (h, body, ctx, check) => partitioned(h, shapes.DeleteRecords, body, ctx, byName(shapes.DeleteRecords), topicCode(check, Op.DELETE)),
  DescribeProducers: (h, body, ctx, check) => partitioned(h, shapes.DescribeProducers, body, ctx, byName(shapes.DescribeProducers), topicCode(check, Op.READ)),
  OffsetCommit: (h, body, ctx, check) => {
    if (!check.can(Op.READ, R.GROUP, str(body.groupId))) return allRefused(h, shapes.OffsetCommit, body, ctx, GROUP_DENIED)
    return partitioned(h, shapes.OffsetCommit, body, ctx, byName(shapes.OffsetCommit), topicCode(check, Op.READ))
  },
  TxnOffsetCommit: (h, body, ctx, check) => {
    if (!check.can(Op.WRITE, R.TRANSACTIONAL_ID, str(body.transactionalId))) return allRefused(h, shapes.OffsetCommit, body, ctx, TXN_DENIED)
    if (!check.can(Op.READ, R.GROUP, str(body.groupId))) return allRefused(h, shapes.OffsetCommit, body, ctx, GROUP_DENIED)
    return partitioned(h, shapes.OffsetCommit, body, ctx, byName(shapes.OffsetCommit), topicCode(check, Op.READ))
  },
  OffsetDelete: (h, body, ctx, check) => {
    if (!check.can(Op.DELETE, R.GROUP, str(body.groupId))) return refusedWhole(h, ctx, GROUP_DENIED)
    return partitioned(h, shapes.OffsetDelete, body, ctx, byName(shapes.OffsetDelete), topicCode(check, Op.READ))
  },
  OffsetFetch: offsetFetch,
  CreateTopics: (h, body, ctx, check) => listed(h, {
    request: 'topics',
    response: 'topics',
    refuse: t => onCluster(check, Op.CREATE) || check.can(Op.CREATE, R.TOPIC, str(isBody(t) ? t.name : '')) ? 0 : TOPIC_DENIED,
    errorEntry: (t, errorCode) => ({ name: isBody(t) ? t.name : '', errorCode, errorMessage: 'Not authorized to create the topic.', numPartitions: -1, replicationFactor: -1, configs: [] })
  }, body, ctx),
  DeleteTopics: (h, body, ctx, check) => {
    const nameOf = (t: unknown): string => isBody(t)
      ? str(t.name) || str(ctx.services.log.topics().find(x => x.topicId === t.topicId)?.name)
      : str(t)
    return listed(h, {
      request: ctx.apiVersion >= 6 ? 'topics' : 'topicNames',
      response: 'responses',
      refuse: t => nameOf(t) === '' || check.can(Op.DELETE, R.TOPIC, nameOf(t)) ? 0 : TOPIC_DENIED,
      errorEntry: (t, errorCode) => ({ name: isBody(t) ? t.name : t, ...(isBody(t) && t.topicId !== undefined ? { topicId: t.topicId } : {}), errorCode, errorMessage: 'Not authorized to delete the topic.' })
    }, body, ctx)
  },
  CreatePartitions: (h, body, ctx, check) => listed(h, {
    request: 'topics',
    response: 'results',
    refuse: t => check.can(Op.ALTER, R.TOPIC, str(isBody(t) ? t.name : '')) ? 0 : TOPIC_DENIED,
    errorEntry: (t, errorCode) => ({ name: isBody(t) ? t.name : '', errorCode, errorMessage: 'Not authorized to alter the topic.' })
  }, body, ctx),
  DescribeConfigs: (h, body, ctx, check) => listed(h, { request: 'resources', response: 'results', refuse: configResource(Op.DESCRIBE_CONFIGS)(check), errorEntry: configError }, body, ctx),
  AlterConfigs: (h, body, ctx, check) => listed(h, { request: 'resources', response: 'responses', refuse: configResource(Op.ALTER_CONFIGS)(check), errorEntry: configError }, body, ctx),
  IncrementalAlterConfigs: (h, body, ctx, check) => listed(h, { request: 'resources', response: 'responses', refuse: configResource(Op.ALTER_CONFIGS)(check), errorEntry: configError }, body, ctx),
  DescribeCluster: (h, body, ctx, check) => {
    if (!onCluster(check, Op.DESCRIBE)) return { throttleTimeMs: 0, errorCode: CLUSTER_DENIED, errorMessage: 'Not authorized to describe the cluster.', clusterId: '', controllerId: -1, brokers: [], clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED }
    return serve(h, body, ctx, answer => body.includeClusterAuthorizedOperations === true ? { ...answer, clusterAuthorizedOperations: operationsAllowed('cluster', CLUSTER_NAME, check) } : answer)
  },
  DescribeLogDirs: (h, body, ctx, check) => onCluster(check, Op.DESCRIBE) ? callHandler(h, body, ctx) : { throttleTimeMs: 0, errorCode: CLUSTER_DENIED, results: [] },
  FindCoordinator: (h, body, ctx, check) => {
    const code = (key: string): number => body.keyType === 1
      ? check.can(Op.DESCRIBE, R.TRANSACTIONAL_ID, key) ? 0 : TXN_DENIED
      : check.can(Op.DESCRIBE, R.GROUP, key) ? 0 : GROUP_DENIED
    if (ctx.apiVersion < 4) return whole(b => code(str(b.key)))(h, body, ctx, check)
    return listed(h, { request: 'coordinatorKeys', response: 'coordinators', refuse: k => code(str(k)), errorEntry: (key, errorCode) => ({ key, nodeId: -1, host: '', port: -1, errorCode, errorMessage: 'Not authorized.' }) }, body, ctx)
  },
  JoinGroup: groupRead,
  SyncGroup: groupRead,
  Heartbeat: groupRead,
  LeaveGroup: groupRead,
  DescribeGroups: (h, body, ctx, check) => {
    const described = wrapHandler(h, (request, c) => serve(h, isBody(request) ? request : {}, c, answer => ({
      ...answer,
      groups: bodies(answer, 'groups').map(g => g.authorizedOperations === AUTHORIZED_OPERATIONS_OMITTED ? g : { ...g, authorizedOperations: operationsAllowed('group', str(g.groupId), check) })
    })))
    return listed(described, {
      request: 'groups',
      response: 'groups',
      refuse: g => check.can(Op.DESCRIBE, R.GROUP, str(g)) ? 0 : GROUP_DENIED,
      errorEntry: (groupId, errorCode) => ({ errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED })
    }, body, ctx)
  },
  ListGroups: (h, body, ctx, check) => onCluster(check, Op.DESCRIBE)
    ? callHandler(h, body, ctx)
    : serve(h, body, ctx, answer => ({ ...answer, groups: bodies(answer, 'groups').filter(g => check.can(Op.DESCRIBE, R.GROUP, str(g.groupId))) })),
  DeleteGroups: (h, body, ctx, check) => listed(h, {
    request: 'groupsNames',
    response: 'results',
    refuse: g => check.can(Op.DELETE, R.GROUP, str(g)) ? 0 : GROUP_DENIED,
    errorEntry: (groupId, errorCode) => ({ groupId, errorCode })
  }, body, ctx),
  InitProducerId: whole((b, c) => typeof b.transactionalId === 'string'
    ? c.can(Op.WRITE, R.TRANSACTIONAL_ID, b.transactionalId) ? 0 : TXN_DENIED
    // an idempotent producer: IDEMPOTENT_WRITE on the cluster, or WRITE on some topic (Kafka 3.0+)
    : onCluster(c, Op.IDEMPOTENT_WRITE) || c.canAny(Op.WRITE, R.TOPIC) ? 0 : CLUSTER_DENIED),
  AddOffsetsToTxn: whole((b, c) => !c.can(Op.WRITE, R.TRANSACTIONAL_ID, str(b.transactionalId)) ? TXN_DENIED : c.can(Op.READ, R.GROUP, str(b.groupId)) ? 0 : GROUP_DENIED),
  EndTxn: whole((b, c) => c.can(Op.WRITE, R.TRANSACTIONAL_ID, str(b.transactionalId)) ? 0 : TXN_DENIED),
  AddPartitionsToTxn: (h, body, ctx, check) => {
    if (ctx.apiVersion < 4) {
      const refuse = txnTopicsRefusal(check, str(body.v3AndBelowTransactionalId), bodies(body, 'v3AndBelowTopics'))
      if (refuse === null) return callHandler(h, body, ctx)
      const shape = { ...shapes.AddPartitionsToTxn, request: { ...shapes.AddPartitionsToTxn.request, topics: 'v3AndBelowTopics' }, response: { ...shapes.AddPartitionsToTxn.response, topics: 'resultsByTopicV3AndBelow' } }
      return partitioned(h, shape, body, ctx, e => str(e.name), refuse)
    }
    return listed(h, {
      request: 'transactions',
      response: 'resultsByTransaction',
      refuse: t => isBody(t) && txnTopicsRefusal(check, str(t.transactionalId), bodies(t, 'topics')) === null ? 0 : TXN_DENIED,
      errorEntry: (t, _code) => {
        const txn = isBody(t) ? t : {}
        const refuse = txnTopicsRefusal(check, str(txn.transactionalId), bodies(txn, 'topics')) ?? (() => NOT_ATTEMPTED)
        const topicResults = bodies(txn, 'topics').map(topic => ({
          name: topic.name,
          resultsByPartition: (Array.isArray(topic.partitions) ? topic.partitions : []).map(p => ({ partitionIndex: p, partitionErrorCode: refuse(str(topic.name)) }))
        }))
        return { transactionalId: txn.transactionalId, topicResults }
      }
    }, body, ctx)
  },
  DescribeTransactions: (h, body, ctx, check) => listed(h, {
    request: 'transactionalIds',
    response: 'transactionStates',
    refuse: id => check.can(Op.DESCRIBE, R.TRANSACTIONAL_ID, str(id)) ? 0 : TXN_DENIED,
    errorEntry: (transactionalId, errorCode) => ({ errorCode, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] })
  }, body, ctx),
  ListTransactions: (h, body, ctx, check) => serve(h, body, ctx, answer => ({
    ...answer,
    transactionStates: bodies(answer, 'transactionStates').filter(t => check.can(Op.DESCRIBE, R.TRANSACTIONAL_ID, str(t.transactionalId)))
  })),
  // SCRAM credentials are cluster administration, as in Kafka
  DescribeUserScramCredentials: (h, body, ctx, check) => onCluster(check, Op.DESCRIBE)
    ? callHandler(h, body, ctx)
    : { throttleTimeMs: 0, errorCode: CLUSTER_DENIED, errorMessage: 'Not authorized to describe credentials.', results: [] },
  AlterUserScramCredentials: (h, body, ctx, check) => onCluster(check, Op.ALTER)
    ? callHandler(h, body, ctx)
    : {
        throttleTimeMs: 0,
        results: [...new Set([...bodies(body, 'deletions'), ...bodies(body, 'upsertions')].map(u => str(u.name)))]
          .map(user => ({ user, errorCode: CLUSTER_DENIED, errorMessage: 'Not authorized to alter credentials.' }))
      },
  DescribeAcls: (h, body, ctx, check) => onCluster(check, Op.DESCRIBE)
    ? callHandler(h, body, ctx)
    : { throttleTimeMs: 0, errorCode: CLUSTER_DENIED, errorMessage: 'Not authorized to describe ACLs.', resources: [] },
  CreateAcls: (h, body, ctx, check) => onCluster(check, Op.ALTER)
    ? callHandler(h, body, ctx)
    : { throttleTimeMs: 0, results: bodies(body, 'creations').map(() => ({ errorCode: CLUSTER_DENIED, errorMessage: 'Not authorized to create ACLs.' })) },
  DeleteAcls: (h, body, ctx, check) => onCluster(check, Op.ALTER)
    ? callHandler(h, body, ctx)
    : { throttleTimeMs: 0, filterResults: bodies(body, 'filters').map(() => ({ errorCode: CLUSTER_DENIED, errorMessage: 'Not authorized to delete ACLs.', matchingAcls: [] })) },
}
