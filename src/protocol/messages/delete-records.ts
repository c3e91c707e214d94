// DeleteRecords (key 21): moves a partition's log start offset forward.
// Fields, version ranges and tags transcribed from Apache Kafka's DeleteRecordsRequest.json
// and DeleteRecordsResponse.json (versions 0-2); we serve 0-2.
import type { ApiSpec, MessageSpec } from './spec.js'

const request = {
  name: 'DeleteRecordsRequest',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'topics',
      array: true,
      versions: '0+',
      type: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          array: true,
          versions: '0+',
          type: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'offset', type: 'int64', versions: '0+' }
          ]
        }
      ]
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+' }
  ]
} as const satisfies MessageSpec

const response = {
  name: 'DeleteRecordsResponse',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'topics',
      array: true,
      versions: '0+',
      type: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          array: true,
          versions: '0+',
          type: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'lowWatermark', type: 'int64', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' }
          ]
        }
      ]
    }
  ]
} as const satisfies MessageSpec

export const deleteRecordsApi = {
  apiKey: 21,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  request,
  response
} as const satisfies ApiSpec
