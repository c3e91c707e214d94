import type { ApiSpec } from './spec.js'

// OffsetDelete (key 47): deletes a group's committed offsets for some
// partitions (only for topics the group is not subscribed to). One version,
// never flexible.
export const offsetDeleteApi = {
  apiKey: 47,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  request: {
    name: 'OffsetDeleteRequest',
    flexibleVersions: 'none',
    fields: [
      { name: 'groupId', type: 'string', versions: '0+' },
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
            ]
          },
        ]
      },
    ]
  },
  response: {
    name: 'OffsetDeleteResponse',
    flexibleVersions: 'none',
    fields: [
      { name: 'errorCode', type: 'int16', versions: '0+' },
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
