import type { ApiSpec } from './spec.js'

// DeleteGroups (key 42): removes empty groups and their committed offsets.
// v2 is the first flexible version.
export const deleteGroupsApi = {
  apiKey: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  request: {
    name: 'DeleteGroupsRequest',
    flexibleVersions: '2+',
    fields: [
      { name: 'groupsNames', type: 'string', array: true, versions: '0+' },
    ]
  },
  response: {
    name: 'DeleteGroupsResponse',
    flexibleVersions: '2+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      {
        name: 'results',
        array: true,
        versions: '0+',
        type: [
          { name: 'groupId', type: 'string', versions: '0+' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
        ]
      },
    ]
  },
} as const satisfies ApiSpec
