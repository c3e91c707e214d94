import type { ApiSpec } from './spec.js'

// DescribeGroups (key 15): state, protocol and members of classic groups.
// v1 adds throttle time; v3 adds authorized operations (-2^31 means "not asked");
// v4 adds groupInstanceId per member; v5 is the first flexible version.
export const describeGroupsApi = {
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  request: {
    name: 'DescribeGroupsRequest',
    flexibleVersions: '5+',
    fields: [
      { name: 'groups', type: 'string', array: true, versions: '0+' },
      { name: 'includeAuthorizedOperations', type: 'bool', versions: '3+' },
    ]
  },
  response: {
    name: 'DescribeGroupsResponse',
    flexibleVersions: '5+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
      {
        name: 'groups',
        array: true,
        versions: '0+',
        type: [
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'groupId', type: 'string', versions: '0+' },
          { name: 'groupState', type: 'string', versions: '0+' },
          { name: 'protocolType', type: 'string', versions: '0+' },
          { name: 'protocolData', type: 'string', versions: '0+' },
          {
            name: 'members',
            array: true,
            versions: '0+',
            type: [
              { name: 'memberId', type: 'string', versions: '0+' },
              { name: 'groupInstanceId', type: 'string', versions: '4+', nullableVersions: '4+', default: null },
              { name: 'clientId', type: 'string', versions: '0+' },
              { name: 'clientHost', type: 'string', versions: '0+' },
              { name: 'memberMetadata', type: 'bytes', versions: '0+' },
              { name: 'memberAssignment', type: 'bytes', versions: '0+' },
            ]
          },
          { name: 'authorizedOperations', type: 'int32', versions: '3+', default: -2147483648 },
        ]
      },
    ]
  },
} as const satisfies ApiSpec
