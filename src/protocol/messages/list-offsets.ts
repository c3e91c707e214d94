// ListOffsets (key 2): offsets by timestamp (-1 latest, -2 earliest, -3 max
// timestamp). v0 answers a list of offsets; v1+ a single offset and timestamp.
// Fields, version ranges and tags transcribed from Apache Kafka's ListOffsetsRequest.json
// and ListOffsetsResponse.json (versions 0-10); we serve 0-10. v8 adds timestamp -4
// (earliest local), v9 -5 (latest tiered), v10 a timeout for remote lookups (we
// have none); @platformatic/kafka 1.x implements only ListOffsets 8-9.
import type { ApiSpec, MessageSpec } from './spec.js'

const request = {
  name: 'ListOffsetsRequest',
  flexibleVersions: '6+',
  fields: [
    { name: 'replicaId', type: 'int32', versions: '0+' },
    { name: 'isolationLevel', type: 'int8', versions: '2+' },
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
            { name: 'currentLeaderEpoch', type: 'int32', versions: '4+', default: -1 },
            { name: 'timestamp', type: 'int64', versions: '0+' },
            { name: 'maxNumOffsets', type: 'int32', versions: '0', default: 1 }
          ]
        }
      ]
    },
    { name: 'timeoutMs', type: 'int32', versions: '10+' }
  ]
} as const satisfies MessageSpec

const response = {
  name: 'ListOffsetsResponse',
  flexibleVersions: '6+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
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
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'oldStyleOffsets', type: 'int64', array: true, versions: '0' },
            { name: 'timestamp', type: 'int64', versions: '1+', default: -1n },
            { name: 'offset', type: 'int64', versions: '1+', default: -1n },
            { name: 'leaderEpoch', type: 'int32', versions: '4+', default: -1 }
          ]
        }
      ]
    }
  ]
} as const satisfies MessageSpec

export const listOffsetsApi = {
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 10,
  request,
  response
} as const satisfies ApiSpec
