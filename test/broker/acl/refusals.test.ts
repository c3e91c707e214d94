// Each API answers a refusal with Kafka's code in Kafka's place, and a request
// mixing allowed and refused resources is served for the allowed ones: sent
// over a real connection (src/client's KafkaConnection) to an embedded broker
// with authorization on, where User:ANONYMOUS may do everything on topic `open`,
// read `readable`, and nothing else.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startTributary, type EmbeddedTributary } from '../../../src/index.js'
import { KafkaConnection } from '../../../src/client/connection.js'
import { ErrorCode } from '../../../src/protocol/errors.js'
import { encodeBatch } from '../../../src/protocol/records/batch-codec.js'
import * as m from '../../../src/protocol/messages/index.js'
import { createTopicsApi, deleteRecordsApi, deleteTopicsApi, describeConfigsApi, metadataApi, produceApi, fetchApi, listOffsetsApi, describeClusterApi, createPartitionsApi, alterConfigsApi } from '../../../src/protocol/messages/index.js'
import { describeAclsApi, createAclsApi } from '../../../src/protocol/messages/acl-apis.js'

const [findCoordinatorApi, joinGroupApi, offsetFetchApi, describeGroupsApi, deleteGroupsApi, listGroupsApi] =
  ['FindCoordinator', 'JoinGroup', 'OffsetFetch', 'DescribeGroups', 'DeleteGroups', 'ListGroups'].map(name => m.groupApis.find(a => a.name === name)!)
const txnApi = (name: string) => m.txnApis.find(a => a.name === name)!

const TOPIC = ErrorCode.TOPIC_AUTHORIZATION_FAILED
const GROUP = ErrorCode.GROUP_AUTHORIZATION_FAILED
const CLUSTER = ErrorCode.CLUSTER_AUTHORIZATION_FAILED
const TXN = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED

describe('refusals per API with authorization on', () => {
  let t: EmbeddedTributary
  let conn: KafkaConnection
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- requests of many APIs, checked field by field below
  const ask = async (api: any, body: any, maxVersion?: number): Promise<any> => (await conn.request(api, body, { maxVersion })).body

  before(async () => {
    t = await startTributary({
      authorization: true,
      topics: [{ name: 'open' }, { name: 'closed' }, { name: 'readable' }],
      acls: [
        { principal: 'User:ANONYMOUS', resourceType: 'topic', resourceName: 'open', operation: 'all' },
        { principal: 'User:ANONYMOUS', resourceType: 'topic', resourceName: 'readable', operation: 'read' }
      ]
    })
    const [host, port] = t.brokers[0]!.split(':')
    conn = await KafkaConnection.open({ host: host!, port: Number(port) })
  })
  after(async () => {
    conn?.close()
    await t?.close()
  })

  test('Produce writes to the allowed topic and answers TOPIC_AUTHORIZATION_FAILED for the other, in one request', async () => {
    const records = encodeBatch([{ value: Buffer.from('x') }])
    const res = await ask(produceApi, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: ['open', 'closed'].map(name => ({ name, partitionData: [{ index: 0, records }] })) })
    const codes = Object.fromEntries(res.responses.map((r: { name: string, partitionResponses: Array<{ errorCode: number }> }) => [r.name, r.partitionResponses[0]!.errorCode]))
    assert.deepEqual(codes, { open: 0, closed: TOPIC })
    assert.equal((await t.records('open')).length, 1)
    assert.equal((await t.records('closed')).length, 0)
  })

  test('Fetch, ListOffsets and DeleteRecords refuse the topic per partition', async () => {
    const fetch = await ask(fetchApi, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic: 'closed', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1024 }] }], forgottenTopicsData: [], rackId: '' }, 12)
    assert.equal(fetch.responses[0].partitions[0].errorCode, TOPIC)
    const offsets = await ask(listOffsetsApi, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'closed', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }] })
    assert.equal(offsets.topics[0].partitions[0].errorCode, TOPIC)
    const deleted = await ask(deleteRecordsApi, { topics: [{ name: 'closed', partitions: [{ partitionIndex: 0, offset: 0n }] }], timeoutMs: 1000 })
    assert.equal(deleted.topics[0].partitions[0].errorCode, TOPIC)
  })

  test('Metadata leaves refused topics out of a list of all and refuses them by name', async () => {
    const all = await ask(metadataApi, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    assert.deepEqual(all.topics.map((x: { name: string }) => x.name).sort(), ['open', 'readable'])
    const named = await ask(metadataApi, { topics: [{ name: 'closed' }, { name: 'unknown-and-refused' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false })
    assert.deepEqual(named.topics.map((x: { name: string, errorCode: number }) => [x.name, x.errorCode]), [['closed', TOPIC], ['unknown-and-refused', TOPIC]])
    assert.equal(t.components.log.topic('unknown-and-refused'), undefined, 'a refused client does not auto-create topics')
  })

  test('Metadata answers each topic\'s authorized operations for this principal', async () => {
    const res = await ask(metadataApi, { topics: [{ name: 'open' }, { name: 'readable' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: true })
    const ops = Object.fromEntries(res.topics.map((x: { name: string, topicAuthorizedOperations: number }) => [x.name, x.topicAuthorizedOperations]))
    const bits = (...codes: number[]): number => codes.reduce((acc, c) => acc | (1 << c), 0)
    // READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11
    assert.deepEqual(ops, { open: bits(3, 4, 5, 6, 7, 8, 10, 11), readable: bits(3, 8) })
  })

  test('topic administration answers TOPIC_AUTHORIZATION_FAILED per topic and changes nothing', async () => {
    const created = await ask(createTopicsApi, { topics: [{ name: 'new', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false })
    assert.equal(created.topics[0].errorCode, TOPIC)
    assert.equal(t.components.log.topic('new'), undefined)
    const deleted = await ask(deleteTopicsApi, { topicNames: ['closed'], timeoutMs: 1000 }, 5)
    assert.equal(deleted.responses[0].errorCode, TOPIC)
    assert.notEqual(t.components.log.topic('closed'), undefined)
    const grown = await ask(createPartitionsApi, { topics: [{ name: 'closed', count: 3, assignments: null }], timeoutMs: 1000, validateOnly: false })
    assert.equal(grown.results[0].errorCode, TOPIC)
    const configs = await ask(describeConfigsApi, { resources: [{ resourceType: 2, resourceName: 'closed', configurationKeys: null }, { resourceType: 2, resourceName: 'open', configurationKeys: null }, { resourceType: 4, resourceName: '1', configurationKeys: null }] })
    assert.deepEqual(configs.results.map((r: { resourceName: string, errorCode: number }) => [r.resourceName, r.errorCode]).sort(), [['1', CLUSTER], ['closed', TOPIC], ['open', 0]])
    const altered = await ask(alterConfigsApi, { resources: [{ resourceType: 2, resourceName: 'closed', configs: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: false })
    assert.equal(altered.responses[0].errorCode, TOPIC)
  })

  test('group APIs answer GROUP_AUTHORIZATION_FAILED, and ListGroups hides the group', async () => {
    assert.equal((await ask(findCoordinatorApi, { key: 'g', keyType: 0 }, 3)).errorCode, GROUP)
    assert.equal((await ask(findCoordinatorApi, { keyType: 0, coordinatorKeys: ['g'] }, 4)).coordinators[0].errorCode, GROUP)
    const join = await ask(joinGroupApi, { groupId: 'g', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] })
    assert.equal(join.errorCode, GROUP)
    assert.equal((await ask(offsetFetchApi, { groupId: 'g', topics: null, requireStable: false }, 7)).errorCode, GROUP)
    assert.equal((await ask(describeGroupsApi, { groups: ['g'], includeAuthorizedOperations: false })).groups[0].errorCode, GROUP)
    assert.equal((await ask(deleteGroupsApi, { groupsNames: ['g'] })).results[0].errorCode, GROUP)
    assert.deepEqual((await ask(listGroupsApi, { statesFilter: [] })).groups, [])
  })

  test('producer ids and transactions answer CLUSTER_ or TRANSACTIONAL_ID_AUTHORIZATION_FAILED', async () => {
    // an idempotent producer may start: WRITE on some topic is enough (Kafka 3.0+)
    assert.equal((await ask(txnApi('InitProducerId'), { transactionalId: null, transactionTimeoutMs: 1000, producerId: -1n, producerEpoch: -1 })).errorCode, 0)
    assert.equal((await ask(txnApi('InitProducerId'), { transactionalId: 'tx', transactionTimeoutMs: 1000, producerId: -1n, producerEpoch: -1 })).errorCode, TXN)
    assert.equal((await ask(txnApi('EndTxn'), { transactionalId: 'tx', producerId: 1n, producerEpoch: 0, committed: true })).errorCode, TXN)
  })

  test('cluster APIs and the ACL APIs answer CLUSTER_AUTHORIZATION_FAILED', async () => {
    assert.equal((await ask(describeClusterApi, { includeClusterAuthorizedOperations: false })).errorCode, CLUSTER)
    assert.equal((await ask(describeAclsApi, { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 })).errorCode, CLUSTER)
    const created = await ask(createAclsApi, { creations: [{ resourceType: 2, resourceName: 'closed', resourcePatternType: 3, principal: 'User:ANONYMOUS', host: '*', operation: 2, permissionType: 3 }] })
    assert.equal(created.results[0].errorCode, CLUSTER)
    assert.equal(await produceTo('closed'), TOPIC, 'the refused CreateAcls granted nothing')
  })

  async function produceTo (name: string): Promise<number> {
    const res = await ask(produceApi, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name, partitionData: [{ index: 0, records: encodeBatch([{ value: Buffer.from('y') }]) }] }] })
    return res.responses[0].partitionResponses[0].errorCode
  }
})
