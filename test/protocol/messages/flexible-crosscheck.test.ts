/* eslint-disable @typescript-eslint/no-explicit-any -- @platformatic/kafka's protocol internals are used untyped to cross-check our codec */
// The kafkajs wire fixtures never use flexible versions, so flexible encodings are
// checked against a second, independent implementation: @platformatic/kafka, a
// client that uses only recent versions. Its request encoders must produce bytes
// our definitions decode completely and re-encode identically; its response parsers
// must read what we encode.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as platformatic from '@platformatic/kafka'
import { decodeBuffer, encodeToBuffer } from '../../../src/protocol/codec.js'
import * as defs from '../../../src/protocol/messages/index.js'
import type { ApiSpec } from '../../../src/protocol/messages/spec.js'

const pk: any = platformatic
const TOPIC_ID = '123e4567e89b12d3a456426614174000'
const TOPIC_ID_DASHED = '123e4567-e89b-12d3-a456-426614174000'

function checkRequest (api: ApiSpec, version: number, bytes: Buffer): any {
  const { body, consumed } = decodeBuffer(api.request, version, bytes)
  assert.equal(consumed, bytes.length, 'all bytes consumed')
  assert.equal(encodeToBuffer(api.request, version, body).toString('hex'), bytes.toString('hex'))
  return body
}

function parseWithPlatformatic (api: ApiSpec, version: number, body: object, parser: any): any {
  const bytes = encodeToBuffer(api.response, version, body)
  const reader = pk.Reader.from(bytes)
  const parsed = parser.parseResponse(1, api.apiKey, version, reader)
  assert.equal(reader.position, bytes.length, 'platformatic read every byte')
  return parsed
}

test('ApiVersions v3 request and response', () => {
  const req = checkRequest(defs.apiVersionsApi, 3, pk.apiVersionsV3.createRequest('tributary-test', '1.0').buffer)
  assert.equal(req.clientSoftwareName, 'tributary-test')
  const res = parseWithPlatformatic(defs.apiVersionsApi, 3, { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 9 }], throttleTimeMs: 0 }, pk.apiVersionsV3)
  assert.deepEqual(res.apiKeys.map((k: any) => [k.apiKey, k.minVersion, k.maxVersion]), [[0, 3, 9]])
})

test('Metadata v12 request and response', () => {
  const req = checkRequest(defs.metadataApi, 12, pk.metadataV12.createRequest(['a', 'b'], true, false).buffer)
  assert.deepEqual(req.topics.map((t: any) => t.name), ['a', 'b'])
  assert.equal(req.allowAutoTopicCreation, true)
  const body = {
    throttleTimeMs: 0,
    brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
    clusterId: 'cluster',
    controllerId: 1,
    topics: [{
      errorCode: 0,
      name: 'a',
      topicId: TOPIC_ID,
      isInternal: false,
      partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
      topicAuthorizedOperations: -2147483648
    }]
  }
  const res = parseWithPlatformatic(defs.metadataApi, 12, body, pk.metadataV12)
  assert.equal(res.brokers[0].host, 'localhost')
  assert.equal(res.topics[0].name, 'a')
  assert.equal(res.topics[0].topicId.replace(/-/g, ''), TOPIC_ID)
  assert.equal(res.topics[0].partitions[0].leaderId, 1)
})

test('Fetch v13 request (topic ids) and response with records and aborted transactions', () => {
  const topics = [{ topicId: TOPIC_ID_DASHED, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 5n, lastFetchedEpoch: -1, partitionMaxBytes: 1000 }] }]
  const req = checkRequest(defs.fetchApi, 13, pk.fetchV13.createRequest(100, 1, 1000, 1, 0, -1, topics, [], 'rack').buffer)
  assert.equal(req.topics[0].topicId, TOPIC_ID)
  assert.equal(req.topics[0].partitions[0].fetchOffset, 5n)
  assert.equal(req.rackId, 'rack')
  const body = {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [{
      topicId: TOPIC_ID,
      partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 10n, lastStableOffset: 10n, logStartOffset: 0n, abortedTransactions: [{ producerId: 3n, firstOffset: 4n }], preferredReadReplica: -1, records: null }]
    }]
  }
  const res = parseWithPlatformatic(defs.fetchApi, 13, body, pk.fetchV13)
  const p = res.responses[0].partitions[0]
  assert.equal(p.highWatermark, 10n)
  assert.deepEqual(p.abortedTransactions, [{ producerId: 3n, firstOffset: 4n }])
})

test('Produce v9 request carries record batches that decode as one view', () => {
  const bytes = pk.produceV9.createRequest(1, 1000, [{ topic: 't', partition: 0, key: Buffer.from('k'), value: Buffer.from('v') }]).buffer
  const req = checkRequest(defs.produceApi, 9, bytes)
  const records: Buffer = req.topicData[0].partitionData[0].records
  assert.equal(records.buffer, bytes.buffer)
  assert.equal(records.readInt8(16), 2, 'record batch magic byte')
  const res = parseWithPlatformatic(defs.produceApi, 9, {
    responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 7n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null }] }],
    throttleTimeMs: 0
  }, pk.produceV9)
  assert.equal(res.responses[0].partitionResponses[0].baseOffset, 7n)
})

test('ListOffsets v7 request and response', () => {
  const req = checkRequest(defs.listOffsetsApi, 7, pk.listOffsetsV7.createRequest(-1, 1, [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n }] }]).buffer)
  assert.equal(req.topics[0].partitions[0].timestamp, -2n)
  const res = parseWithPlatformatic(defs.listOffsetsApi, 7, {
    throttleTimeMs: 0,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: -1n, offset: 42n, leaderEpoch: 0 }] }]
  }, pk.listOffsetsV7)
  assert.equal(res.topics[0].partitions[0].offset, 42n)
})

test('CreateTopics v7 request and response', () => {
  const topics = [{ name: 't', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }] }]
  const req = checkRequest(defs.createTopicsApi, 7, pk.createTopicsV7.createRequest(topics, 1000, false).buffer)
  assert.equal(req.topics[0].configs[0].value, 'compact')
  const res = parseWithPlatformatic(defs.createTopicsApi, 7, {
    throttleTimeMs: 0,
    topics: [{ name: 't', topicId: TOPIC_ID, errorCode: 0, errorMessage: null, numPartitions: 3, replicationFactor: 1, configs: [] }]
  }, pk.createTopicsV7)
  assert.equal(res.topics[0].numPartitions, 3)
})

test('DeleteTopics v6, CreatePartitions v3 and DeleteRecords v2 requests', () => {
  const del = checkRequest(defs.deleteTopicsApi, 6, pk.deleteTopicsV6.createRequest([{ name: 't' }], 1000).buffer)
  assert.equal(del.topics[0].name, 't')
  const cp = checkRequest(defs.createPartitionsApi, 3, pk.createPartitionsV3.createRequest([{ name: 't', count: 4 }], 1000, false).buffer)
  assert.equal(cp.topics[0].count, 4)
  const dr = checkRequest(defs.deleteRecordsApi, 2, pk.deleteRecordsV2.createRequest([{ name: 't', partitions: [{ partitionIndex: 0, offset: 3n }] }], 1000).buffer)
  assert.equal(dr.topics[0].partitions[0].offset, 3n)
})

test('DescribeConfigs v4, AlterConfigs v2 and IncrementalAlterConfigs v1 requests', () => {
  const dc = checkRequest(defs.describeConfigsApi, 4, pk.describeConfigsV4.createRequest([{ resourceType: 2, resourceName: 't', configurationKeys: null }], false, false).buffer)
  assert.equal(dc.resources[0].configurationKeys, null)
  const ac = checkRequest(defs.alterConfigsApi, 2, pk.alterConfigsV2.createRequest([{ resourceType: 2, resourceName: 't', configs: [{ name: 'retention.ms', value: '1000' }] }], false).buffer)
  assert.equal(ac.resources[0].configs[0].value, '1000')
  const iac = checkRequest(defs.incrementalAlterConfigsApi, 1, pk.incrementalAlterConfigsV1.createRequest([{ resourceType: 2, resourceName: 't', configs: [{ name: 'retention.ms', configOperation: 0, value: '5' }] }], false).buffer)
  assert.equal(iac.resources[0].configs[0].value, '5')
})

test('DescribeCluster v1 request and response', () => {
  checkRequest(defs.describeClusterApi, 1, pk.describeClusterV1.createRequest(false, 1).buffer)
  const res = parseWithPlatformatic(defs.describeClusterApi, 1, {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    endpointType: 1,
    clusterId: 'c',
    controllerId: 1,
    brokers: [{ brokerId: 1, host: 'h', port: 9092, rack: null }],
    clusterAuthorizedOperations: -2147483648
  }, pk.describeClusterV1)
  assert.equal(res.clusterId, 'c')
})

test('SaslHandshake v1 and SaslAuthenticate v2 requests', () => {
  assert.equal(checkRequest(defs.saslHandshakeApi, 1, pk.saslHandshakeV1.createRequest('PLAIN').buffer).mechanism, 'PLAIN')
  const auth = checkRequest(defs.saslAuthenticateApi, 2, pk.saslAuthenticateV2.createRequest(Buffer.from('\0u\0p')).buffer)
  assert.deepEqual(auth.authBytes, Buffer.from('\0u\0p'))
})
