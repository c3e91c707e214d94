// Metadata (key 3): brokers, topics and partition leaders. v1 makes the topic list
// nullable (null = all topics), v4 adds allowAutoTopicCreation, v10 topic ids,
// v9+ flexible.
// Fields, version ranges and tags transcribed from Apache Kafka's MetadataRequest.json
// and MetadataResponse.json (versions 0-12); we serve 0-12.
import type { ApiSpec, MessageSpec } from './spec.js'

const request = {
  name: 'MetadataRequest',
  flexibleVersions: '9+',
  fields: [
    {
      name: 'topics',
      array: true,
      versions: '0+',
      nullableVersions: '1+',
      type: [
        { name: 'topicId', type: 'uuid', versions: '10+' },
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '10+' }
      ]
    },
    { name: 'allowAutoTopicCreation', type: 'bool', versions: '4+', default: true },
    { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '8-10' },
    { name: 'includeTopicAuthorizedOperations', type: 'bool', versions: '8+' }
  ]
} as const satisfies MessageSpec

const response = {
  name: 'MetadataResponse',
  flexibleVersions: '9+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
    {
      name: 'brokers',
      array: true,
      versions: '0+',
      type: [
        { name: 'nodeId', type: 'int32', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'int32', versions: '0+' },
        { name: 'rack', type: 'string', versions: '1+', nullableVersions: '1+', default: null }
      ]
    },
    { name: 'clusterId', type: 'string', versions: '2+', nullableVersions: '2+', default: null },
    { name: 'controllerId', type: 'int32', versions: '1+', default: -1 },
    {
      name: 'topics',
      array: true,
      versions: '0+',
      type: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '12+' },
        { name: 'topicId', type: 'uuid', versions: '10+' },
        { name: 'isInternal', type: 'bool', versions: '1+' },
        {
          name: 'partitions',
          array: true,
          versions: '0+',
          type: [
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'leaderId', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '7+', default: -1 },
            { name: 'replicaNodes', type: 'int32', array: true, versions: '0+' },
            { name: 'isrNodes', type: 'int32', array: true, versions: '0+' },
            { name: 'offlineReplicas', type: 'int32', array: true, versions: '5+' }
          ]
        },
        { name: 'topicAuthorizedOperations', type: 'int32', versions: '8+', default: -2147483648 }
      ]
    },
    { name: 'clusterAuthorizedOperations', type: 'int32', versions: '8-10', default: -2147483648 }
  ]
} as const satisfies MessageSpec

export const metadataApi = {
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  request,
  response
} as const satisfies ApiSpec
