import type { ApiSpec } from './spec.js'

// Heartbeat (key 12): keeps a member's session alive and tells it when the group
// is rebalancing (REBALANCE_IN_PROGRESS).
// v1 adds throttle time; v3 adds groupInstanceId; v4 is the first flexible version.
export const heartbeatApi = {
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  request: {
    name: 'HeartbeatRequest',
    flexibleVersions: '4+',
    fields: [
      { name: 'groupId', type: 'string', versions: '0+' },
      { name: 'generationId', type: 'int32', versions: '0+' },
      { name: 'memberId', type: 'string', versions: '0+' },
      { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    ]
  },
  response: {
    name: 'HeartbeatResponse',
    flexibleVersions: '4+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
    ]
  },
} as const satisfies ApiSpec
