// CreateTopics (key 19). v5+ flexible and answers the resulting configs.
// Fields, version ranges and tags transcribed from Apache Kafka's CreateTopicsRequest.json
// and CreateTopicsResponse.json (versions 0-7); we serve 0-7.
import type { ApiSpec, MessageSpec } from './spec.js'

const request = {
  name: 'CreateTopicsRequest',
  flexibleVersions: '5+',
  fields: [
    {
      name: 'topics',
      array: true,
      versions: '0+',
      type: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'numPartitions', type: 'int32', versions: '0+' },
        { name: 'replicationFactor', type: 'int16', versions: '0+' },
        {
          name: 'assignments',
          array: true,
          versions: '0+',
          type: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'brokerIds', type: 'int32', array: true, versions: '0+' }
          ]
        },
        {
          name: 'configs',
          array: true,
          versions: '0+',
          type: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' }
          ]
        }
      ]
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
    { name: 'validateOnly', type: 'bool', versions: '1+' }
  ]
} as const satisfies MessageSpec

const response = {
  name: 'CreateTopicsResponse',
  flexibleVersions: '5+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
    {
      name: 'topics',
      array: true,
      versions: '0+',
      type: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'topicId', type: 'uuid', versions: '7+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '1+', nullableVersions: '0+' },
        { name: 'topicConfigErrorCode', type: 'int16', versions: '5+', taggedVersions: '5+', tag: 0 },
        { name: 'numPartitions', type: 'int32', versions: '5+', default: -1 },
        { name: 'replicationFactor', type: 'int16', versions: '5+', default: -1 },
        {
          name: 'configs',
          array: true,
          versions: '5+',
          nullableVersions: '5+',
          type: [
            { name: 'name', type: 'string', versions: '5+' },
            { name: 'value', type: 'string', versions: '5+', nullableVersions: '5+' },
            { name: 'readOnly', type: 'bool', versions: '5+' },
            { name: 'configSource', type: 'int8', versions: '5+', default: -1 },
            { name: 'isSensitive', type: 'bool', versions: '5+' }
          ]
        }
      ]
    }
  ]
} as const satisfies MessageSpec

export const createTopicsApi = {
  apiKey: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  request,
  response
} as const satisfies ApiSpec
