// Produce (key 0): appends record batches. Versions 0-2 are defined so old captures
// decode, but only 3+ (record batch v2) is advertised. v9+ flexible.
// Fields, version ranges and tags transcribed from Apache Kafka's ProduceRequest.json
// and ProduceResponse.json (versions 0-11); we serve 3-11 (v10-11 only add tagged
// leader hints to the response; @platformatic/kafka 1.0-1.4 implements only 10-11).
import type { ApiSpec, MessageSpec } from './spec.js'

const request = {
  name: 'ProduceRequest',
  flexibleVersions: '9+',
  fields: [
    { name: 'transactionalId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    { name: 'acks', type: 'int16', versions: '0+' },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    {
      name: 'topicData',
      array: true,
      versions: '0+',
      type: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitionData',
          array: true,
          versions: '0+',
          type: [
            { name: 'index', type: 'int32', versions: '0+' },
            { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' }
          ]
        }
      ]
    }
  ]
} as const satisfies MessageSpec

const response = {
  name: 'ProduceResponse',
  flexibleVersions: '9+',
  fields: [
    {
      name: 'responses',
      array: true,
      versions: '0+',
      type: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitionResponses',
          array: true,
          versions: '0+',
          type: [
            { name: 'index', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'baseOffset', type: 'int64', versions: '0+' },
            { name: 'logAppendTimeMs', type: 'int64', versions: '2+', default: -1n },
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1n },
            {
              name: 'recordErrors',
              array: true,
              versions: '8+',
              type: [
                { name: 'batchIndex', type: 'int32', versions: '8+' },
                { name: 'batchIndexErrorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: null }
              ]
            },
            { name: 'errorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: null },
            {
              name: 'currentLeader',
              versions: '10+',
              taggedVersions: '10+',
              tag: 0,
              type: [
                { name: 'leaderId', type: 'int32', versions: '10+', default: -1 },
                { name: 'leaderEpoch', type: 'int32', versions: '10+', default: -1 }
              ]
            }
          ]
        }
      ]
    },
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'nodeEndpoints',
      array: true,
      versions: '10+',
      taggedVersions: '10+',
      tag: 0,
      type: [
        { name: 'nodeId', type: 'int32', versions: '10+' },
        { name: 'host', type: 'string', versions: '10+' },
        { name: 'port', type: 'int32', versions: '10+' },
        { name: 'rack', type: 'string', versions: '10+', nullableVersions: '10+', default: null }
      ]
    }
  ]
} as const satisfies MessageSpec

export const produceApi = {
  apiKey: 0,
  name: 'Produce',
  minVersion: 0, // librdkafka <= 2.11 sends gzip/snappy/lz4 only to brokers that list Produce v0; v0-2 (magic 0/1) get UNSUPPORTED_FOR_MESSAGE_FORMAT
  maxVersion: 11,
  request,
  response
} as const satisfies ApiSpec
