// CreatePartitions (key 37): raises a topic's partition count.
// Fields, version ranges and tags transcribed from Apache Kafka's CreatePartitionsRequest.json
// and CreatePartitionsResponse.json (versions 0-3); we serve 0-3.
import type { ApiSpec, MessageSpec } from './spec.js'

const request = {
  name: 'CreatePartitionsRequest',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'topics',
      array: true,
      versions: '0+',
      type: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'count', type: 'int32', versions: '0+' },
        {
          name: 'assignments',
          array: true,
          versions: '0+',
          nullableVersions: '0+',
          type: [
            { name: 'brokerIds', type: 'int32', array: true, versions: '0+' }
          ]
        }
      ]
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    { name: 'validateOnly', type: 'bool', versions: '0+' }
  ]
} as const satisfies MessageSpec

const response = {
  name: 'CreatePartitionsResponse',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      array: true,
      versions: '0+',
      type: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null }
      ]
    }
  ]
} as const satisfies MessageSpec

export const createPartitionsApi = {
  apiKey: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  request,
  response
} as const satisfies ApiSpec
