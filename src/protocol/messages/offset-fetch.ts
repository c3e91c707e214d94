import type { ApiSpec } from './spec.js'

// OffsetFetch (key 9): reads a group's committed offsets.
// v2 allows a null topic list (every topic the group committed) and adds a
// top-level error code; v3 adds throttle time; v5 adds the leader epoch; v6 is the
// first flexible version; v7 adds requireStable; v8 asks for several groups at
// once (`groups`), replacing the single-group fields; v9 adds memberId and
// memberEpoch per group, which Kafka checks only for KIP-848 consumer groups
// (classic groups ignore them, and classic groups are all we have).
export const offsetFetchApi = {
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 9,
  request: {
    name: 'OffsetFetchRequest',
    flexibleVersions: '6+',
    fields: [
      { name: 'groupId', type: 'string', versions: '0-7' },
      {
        name: 'topics',
        array: true,
        versions: '0-7',
        nullableVersions: '2-7',
        type: [
          { name: 'name', type: 'string', versions: '0-7' },
          { name: 'partitionIndexes', type: 'int32', array: true, versions: '0-7' },
        ]
      },
      {
        name: 'groups',
        array: true,
        versions: '8+',
        type: [
          { name: 'groupId', type: 'string', versions: '8+' },
          { name: 'memberId', type: 'string', versions: '9+', nullableVersions: '9+', default: null },
          { name: 'memberEpoch', type: 'int32', versions: '9+', default: -1 },
          {
            name: 'topics',
            array: true,
            versions: '8+',
            nullableVersions: '8+',
            type: [
              { name: 'name', type: 'string', versions: '8+' },
              { name: 'partitionIndexes', type: 'int32', array: true, versions: '8+' },
            ]
          },
        ]
      },
      { name: 'requireStable', type: 'bool', versions: '7+' },
    ]
  },
  response: {
    name: 'OffsetFetchResponse',
    flexibleVersions: '6+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
      {
        name: 'topics',
        array: true,
        versions: '0-7',
        type: [
          { name: 'name', type: 'string', versions: '0-7' },
          {
            name: 'partitions',
            array: true,
            versions: '0-7',
            type: [
              { name: 'partitionIndex', type: 'int32', versions: '0-7' },
              { name: 'committedOffset', type: 'int64', versions: '0-7' },
              { name: 'committedLeaderEpoch', type: 'int32', versions: '5-7', default: -1 },
              { name: 'metadata', type: 'string', versions: '0-7', nullableVersions: '0-7' },
              { name: 'errorCode', type: 'int16', versions: '0-7' },
            ]
          },
        ]
      },
      { name: 'errorCode', type: 'int16', versions: '2-7' },
      {
        name: 'groups',
        array: true,
        versions: '8+',
        type: [
          { name: 'groupId', type: 'string', versions: '8+' },
          {
            name: 'topics',
            array: true,
            versions: '8+',
            type: [
              { name: 'name', type: 'string', versions: '8+' },
              {
                name: 'partitions',
                array: true,
                versions: '8+',
                type: [
                  { name: 'partitionIndex', type: 'int32', versions: '8+' },
                  { name: 'committedOffset', type: 'int64', versions: '8+' },
                  { name: 'committedLeaderEpoch', type: 'int32', versions: '8+', default: -1 },
                  { name: 'metadata', type: 'string', versions: '8+', nullableVersions: '8+' },
                  { name: 'errorCode', type: 'int16', versions: '8+' },
                ]
              },
            ]
          },
          { name: 'errorCode', type: 'int16', versions: '8+' },
        ]
      },
    ]
  },
} as const satisfies ApiSpec
