import type { ApiSpec } from './spec.js'

// JoinGroup (key 11): a member joins a classic consumer group and, once every
// member has joined, learns the generation, the chosen protocol and (the leader
// only) every member's metadata.
// v1 adds rebalanceTimeoutMs; v2 adds throttle time; from v4 a first join without
// a member id is answered MEMBER_ID_REQUIRED with an id to rejoin with; v5 adds
// groupInstanceId (static membership); v6 is the first flexible version; v7 answers
// the protocol type; v8 adds a reason; v9 adds skipAssignment.
export const joinGroupApi = {
  apiKey: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  request: {
    name: 'JoinGroupRequest',
    flexibleVersions: '6+',
    fields: [
      { name: 'groupId', type: 'string', versions: '0+' },
      { name: 'sessionTimeoutMs', type: 'int32', versions: '0+' },
      { name: 'rebalanceTimeoutMs', type: 'int32', versions: '1+', default: -1 },
      { name: 'memberId', type: 'string', versions: '0+' },
      { name: 'groupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
      { name: 'protocolType', type: 'string', versions: '0+' },
      {
        name: 'protocols',
        array: true,
        versions: '0+',
        type: [
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'metadata', type: 'bytes', versions: '0+' },
        ]
      },
      { name: 'reason', type: 'string', versions: '8+', nullableVersions: '8+', default: null },
    ]
  },
  response: {
    name: 'JoinGroupResponse',
    flexibleVersions: '6+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'generationId', type: 'int32', versions: '0+', default: -1 },
      { name: 'protocolType', type: 'string', versions: '7+', nullableVersions: '7+', default: null },
      { name: 'protocolName', type: 'string', versions: '0+', nullableVersions: '7+' },
      { name: 'leader', type: 'string', versions: '0+' },
      { name: 'skipAssignment', type: 'bool', versions: '9+' },
      { name: 'memberId', type: 'string', versions: '0+' },
      {
        name: 'members',
        array: true,
        versions: '0+',
        type: [
          { name: 'memberId', type: 'string', versions: '0+' },
          { name: 'groupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
          { name: 'metadata', type: 'bytes', versions: '0+' },
        ]
      },
    ]
  },
} as const satisfies ApiSpec
