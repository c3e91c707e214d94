import type { ApiSpec } from './spec.js'

// TxnOffsetCommit (key 28): offsets committed inside a transaction, made visible
// to the group only when the transaction commits.
// v2 adds the leader epoch; v3 is the first flexible version and adds the group
// member's generation, member id and instance id for fencing; v4 only allows
// TRANSACTION_ABORTABLE in answers (v5, not served, adds the partitions implicitly).
export const txnOffsetCommitApi = {
  apiKey: 28,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 4,
  request: {
    name: 'TxnOffsetCommitRequest',
    flexibleVersions: '3+',
    fields: [
      { name: 'transactionalId', type: 'string', versions: '0+' },
      { name: 'groupId', type: 'string', versions: '0+' },
      { name: 'producerId', type: 'int64', versions: '0+' },
      { name: 'producerEpoch', type: 'int16', versions: '0+' },
      { name: 'generationId', type: 'int32', versions: '3+', default: -1 },
      { name: 'memberId', type: 'string', versions: '3+' },
      { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
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
              { name: 'committedOffset', type: 'int64', versions: '0+' },
              { name: 'committedLeaderEpoch', type: 'int32', versions: '2+', default: -1 },
              { name: 'committedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
            ]
          },
        ]
      },
    ]
  },
  response: {
    name: 'TxnOffsetCommitResponse',
    flexibleVersions: '3+',
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
            ]
          },
        ]
      },
    ]
  },
} as const satisfies ApiSpec
