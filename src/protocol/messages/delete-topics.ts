// DeleteTopics (key 20). v6 can name topics by id.
// Fields, version ranges and tags transcribed from Apache Kafka's DeleteTopicsRequest.json
// and DeleteTopicsResponse.json (versions 0-6); we serve 0-6.
import type { ApiSpec, MessageSpec } from './spec.js'

const request = {
  name: 'DeleteTopicsRequest',
  flexibleVersions: '4+',
  fields: [
    {
      name: 'topics',
      array: true,
      versions: '6+',
      type: [
        { name: 'name', type: 'string', versions: '6+', nullableVersions: '6+', default: null },
        { name: 'topicId', type: 'uuid', versions: '6+' }
      ]
    },
    { name: 'topicNames', type: 'string', array: true, versions: '0-5' },
    { name: 'timeoutMs', type: 'int32', versions: '0+' }
  ]
} as const satisfies MessageSpec

const response = {
  name: 'DeleteTopicsResponse',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'responses',
      array: true,
      versions: '0+',
      type: [
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '6+' },
        { name: 'topicId', type: 'uuid', versions: '6+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '5+', nullableVersions: '5+', default: null }
      ]
    }
  ]
} as const satisfies MessageSpec

export const deleteTopicsApi = {
  apiKey: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,
  request,
  response
} as const satisfies ApiSpec
