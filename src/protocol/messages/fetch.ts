// Fetch (key 1): reads record batches. v4 adds isolation level, last stable offset
// and aborted transactions, v5 log start offset, v7 fetch sessions, v9 current
// leader epoch, v11 rack / preferred read replica, v12+ flexible, v13 topic ids
// instead of names. Records are sent as stored (Buffer or Buffer[] on encode).
// Fields, version ranges and tags transcribed from Apache Kafka's FetchRequest.json
// and FetchResponse.json (versions 0-17); we serve 4-17. v14-17 change nothing we
// act on (v15 moves replicaId into a tagged replicaState, v16 adds tagged
// nodeEndpoints / currentLeader, v17 a tagged replicaDirectoryId), and
// @platformatic/kafka 1.x implements only Fetch 15-17.
import type { ApiSpec, MessageSpec } from './spec.js'

const request = {
  name: 'FetchRequest',
  flexibleVersions: '12+',
  fields: [
    { name: 'clusterId', type: 'string', versions: '12+', nullableVersions: '12+', taggedVersions: '12+', tag: 0, default: null },
    { name: 'replicaId', type: 'int32', versions: '0-14', default: -1 },
    {
      name: 'replicaState',
      versions: '15+',
      taggedVersions: '15+',
      tag: 1,
      type: [
        { name: 'replicaId', type: 'int32', versions: '15+', default: -1 },
        { name: 'replicaEpoch', type: 'int64', versions: '15+', default: -1n }
      ]
    },
    { name: 'maxWaitMs', type: 'int32', versions: '0+' },
    { name: 'minBytes', type: 'int32', versions: '0+' },
    { name: 'maxBytes', type: 'int32', versions: '3+', default: 2147483647 },
    { name: 'isolationLevel', type: 'int8', versions: '4+' },
    { name: 'sessionId', type: 'int32', versions: '7+' },
    { name: 'sessionEpoch', type: 'int32', versions: '7+', default: -1 },
    {
      name: 'topics',
      array: true,
      versions: '0+',
      type: [
        { name: 'topic', type: 'string', versions: '0-12' },
        { name: 'topicId', type: 'uuid', versions: '13+' },
        {
          name: 'partitions',
          array: true,
          versions: '0+',
          type: [
            { name: 'partition', type: 'int32', versions: '0+' },
            { name: 'currentLeaderEpoch', type: 'int32', versions: '9+', default: -1 },
            { name: 'fetchOffset', type: 'int64', versions: '0+' },
            { name: 'lastFetchedEpoch', type: 'int32', versions: '12+', default: -1 },
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1n },
            { name: 'partitionMaxBytes', type: 'int32', versions: '0+' },
            { name: 'replicaDirectoryId', type: 'uuid', versions: '17+', taggedVersions: '17+', tag: 0 }
          ]
        }
      ]
    },
    {
      name: 'forgottenTopicsData',
      array: true,
      versions: '7+',
      type: [
        { name: 'topic', type: 'string', versions: '7-12' },
        { name: 'topicId', type: 'uuid', versions: '13+' },
        { name: 'partitions', type: 'int32', array: true, versions: '7+' }
      ]
    },
    { name: 'rackId', type: 'string', versions: '11+' }
  ]
} as const satisfies MessageSpec

const response = {
  name: 'FetchResponse',
  flexibleVersions: '12+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '7+' },
    { name: 'sessionId', type: 'int32', versions: '7+' },
    {
      name: 'responses',
      array: true,
      versions: '0+',
      type: [
        { name: 'topic', type: 'string', versions: '0-12' },
        { name: 'topicId', type: 'uuid', versions: '13+' },
        {
          name: 'partitions',
          array: true,
          versions: '0+',
          type: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'highWatermark', type: 'int64', versions: '0+' },
            { name: 'lastStableOffset', type: 'int64', versions: '4+', default: -1n },
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1n },
            {
              name: 'divergingEpoch',
              versions: '12+',
              taggedVersions: '12+',
              tag: 0,
              type: [
                { name: 'epoch', type: 'int32', versions: '12+', default: -1 },
                { name: 'endOffset', type: 'int64', versions: '12+', default: -1n }
              ]
            },
            {
              name: 'currentLeader',
              versions: '12+',
              taggedVersions: '12+',
              tag: 1,
              type: [
                { name: 'leaderId', type: 'int32', versions: '12+', default: -1 },
                { name: 'leaderEpoch', type: 'int32', versions: '12+', default: -1 }
              ]
            },
            {
              name: 'snapshotId',
              versions: '12+',
              taggedVersions: '12+',
              tag: 2,
              type: [
                { name: 'endOffset', type: 'int64', versions: '0+', default: -1n },
                { name: 'epoch', type: 'int32', versions: '0+', default: -1 }
              ]
            },
            {
              name: 'abortedTransactions',
              array: true,
              versions: '4+',
              nullableVersions: '4+',
              type: [
                { name: 'producerId', type: 'int64', versions: '4+' },
                { name: 'firstOffset', type: 'int64', versions: '4+' }
              ]
            },
            { name: 'preferredReadReplica', type: 'int32', versions: '11+', default: -1 },
            { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' }
          ]
        }
      ]
    },
    {
      name: 'nodeEndpoints',
      array: true,
      versions: '16+',
      taggedVersions: '16+',
      tag: 0,
      type: [
        { name: 'nodeId', type: 'int32', versions: '16+' },
        { name: 'host', type: 'string', versions: '16+' },
        { name: 'port', type: 'int32', versions: '16+' },
        { name: 'rack', type: 'string', versions: '16+', nullableVersions: '16+', default: null }
      ]
    }
  ]
} as const satisfies MessageSpec

export const fetchApi = {
  apiKey: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 17,
  request,
  response
} as const satisfies ApiSpec
