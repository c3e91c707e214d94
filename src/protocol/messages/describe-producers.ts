import type { ApiSpec } from './spec.js'

// DescribeProducers (key 61): the active idempotent/transactional producers of
// some partitions, with their last sequence and open transaction start offset.
// Flexible from v0. Kafka defines only v0 (no v1 exists in its message
// definitions), so v0 is all we advertise.
export const describeProducersApi = {
  apiKey: 61,
  name: 'DescribeProducers',
  minVersion: 0,
  maxVersion: 0,
  request: {
    name: 'DescribeProducersRequest',
    flexibleVersions: '0+',
    fields: [
      {
        name: 'topics',
        array: true,
        versions: '0+',
        type: [
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'partitionIndexes', type: 'int32', array: true, versions: '0+' },
        ]
      },
    ]
  },
  response: {
    name: 'DescribeProducersResponse',
    flexibleVersions: '0+',
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
              { name: 'errorCode', type: 'int16', versions: '0+' },
              { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
              {
                name: 'activeProducers',
                array: true,
                versions: '0+',
                type: [
                  { name: 'producerId', type: 'int64', versions: '0+' },
                  { name: 'producerEpoch', type: 'int32', versions: '0+' },
                  { name: 'lastSequence', type: 'int32', versions: '0+', default: -1 },
                  { name: 'lastTimestamp', type: 'int64', versions: '0+', default: -1n },
                  { name: 'coordinatorEpoch', type: 'int32', versions: '0+' },
                  { name: 'currentTxnStartOffset', type: 'int64', versions: '0+', default: -1n },
                ]
              },
            ]
          },
        ]
      },
    ]
  },
} as const satisfies ApiSpec
