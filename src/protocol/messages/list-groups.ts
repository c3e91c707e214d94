import type { ApiSpec } from './spec.js'

// ListGroups (key 16): every group the broker coordinates.
// v1 adds throttle time; v3 is the first flexible version; v4 filters by state
// (statesFilter) and answers each group's state.
export const listGroupsApi = {
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 4,
  request: {
    name: 'ListGroupsRequest',
    flexibleVersions: '3+',
    fields: [
      { name: 'statesFilter', type: 'string', array: true, versions: '4+' },
    ]
  },
  response: {
    name: 'ListGroupsResponse',
    flexibleVersions: '3+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      {
        name: 'groups',
        array: true,
        versions: '0+',
        type: [
          { name: 'groupId', type: 'string', versions: '0+' },
          { name: 'protocolType', type: 'string', versions: '0+' },
          { name: 'groupState', type: 'string', versions: '4+' },
        ]
      },
    ]
  },
} as const satisfies ApiSpec
