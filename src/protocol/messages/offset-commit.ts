import type { ApiSpec } from './spec.js'

// OffsetCommit (key 8): stores a group's committed offsets per partition.
// v1 adds generation and member id plus a per-partition commit timestamp (v1 only);
// v2-4 carry a retention time instead; v3 adds throttle time; v6 adds the leader
// epoch; v7 adds groupInstanceId; v8 is the first flexible version; v9 is v8 for
// classic groups (it opens KIP-848 consumer groups, which we do not have).
export const offsetCommitApi = {
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 9,
  request: {
    name: 'OffsetCommitRequest',
    flexibleVersions: '8+',
    fields: [
      { name: 'groupId', type: 'string', versions: '0+' },
      { name: 'generationIdOrMemberEpoch', type: 'int32', versions: '1+', default: -1 },
      { name: 'memberId', type: 'string', versions: '1+' },
      { name: 'groupInstanceId', type: 'string', versions: '7+', nullableVersions: '7+', default: null },
      { name: 'retentionTimeMs', type: 'int64', versions: '2-4', default: -1n },
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
              { name: 'committedLeaderEpoch', type: 'int32', versions: '6+', default: -1 },
              { name: 'commitTimestamp', type: 'int64', versions: '1', default: -1n },
              { name: 'committedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
            ]
          },
        ]
      },
    ]
  },
  response: {
    name: 'OffsetCommitResponse',
    flexibleVersions: '8+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
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
