import type { ApiSpec } from './spec.js'

// SyncGroup (key 14): the leader hands the group's assignment to the coordinator,
// every member receives its own share.
// v1 adds throttle time; v3 adds groupInstanceId; v4 is the first flexible
// version; v5 carries the protocol type and name both ways (checked by the broker).
export const syncGroupApi = {
  apiKey: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  request: {
    name: 'SyncGroupRequest',
    flexibleVersions: '4+',
    fields: [
      { name: 'groupId', type: 'string', versions: '0+' },
      { name: 'generationId', type: 'int32', versions: '0+' },
      { name: 'memberId', type: 'string', versions: '0+' },
      { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
      { name: 'protocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
      { name: 'protocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
      {
        name: 'assignments',
        array: true,
        versions: '0+',
        type: [
          { name: 'memberId', type: 'string', versions: '0+' },
          { name: 'assignment', type: 'bytes', versions: '0+' },
        ]
      },
    ]
  },
  response: {
    name: 'SyncGroupResponse',
    flexibleVersions: '4+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'protocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
      { name: 'protocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
      { name: 'assignment', type: 'bytes', versions: '0+' },
    ]
  },
} as const satisfies ApiSpec
