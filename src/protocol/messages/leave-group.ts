import type { ApiSpec } from './spec.js'

// LeaveGroup (key 13): one member (v0-2) or a batch of members identified by
// member id and/or group instance id (v3+) leave a group.
// v1 adds throttle time; v3 switches to the batched form with per-member
// results; v4 is the first flexible version; v5 adds a reason per member.
export const leaveGroupApi = {
  apiKey: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  request: {
    name: 'LeaveGroupRequest',
    flexibleVersions: '4+',
    fields: [
      { name: 'groupId', type: 'string', versions: '0+' },
      { name: 'memberId', type: 'string', versions: '0-2' },
      {
        name: 'members',
        array: true,
        versions: '3+',
        type: [
          { name: 'memberId', type: 'string', versions: '3+' },
          { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
          { name: 'reason', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
        ]
      },
    ]
  },
  response: {
    name: 'LeaveGroupResponse',
    flexibleVersions: '4+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      {
        name: 'members',
        array: true,
        versions: '3+',
        type: [
          { name: 'memberId', type: 'string', versions: '3+' },
          { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+' },
          { name: 'errorCode', type: 'int16', versions: '3+' },
        ]
      },
    ]
  },
} as const satisfies ApiSpec
