import type { ApiSpec } from './spec.js'

// FindCoordinator (key 10): which broker coordinates a consumer group (keyType 0)
// or a transactional id (keyType 1). Tributary is a single broker, so the answer
// is always itself; the versions still differ on the wire.
// v1 adds keyType, throttle time and an error message; v3 is the first flexible
// version; v4 asks for many keys at once (coordinatorKeys) and answers with one
// `coordinators` entry per key, replacing the single-key fields.
export const findCoordinatorApi = {
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 4,
  request: {
    name: 'FindCoordinatorRequest',
    flexibleVersions: '3+',
    fields: [
      { name: 'key', type: 'string', versions: '0-3' },
      { name: 'keyType', type: 'int8', versions: '1+' },
      { name: 'coordinatorKeys', type: 'string', array: true, versions: '4+' },
    ]
  },
  response: {
    name: 'FindCoordinatorResponse',
    flexibleVersions: '3+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
      { name: 'errorCode', type: 'int16', versions: '0-3' },
      { name: 'errorMessage', type: 'string', versions: '1-3', nullableVersions: '1-3' },
      { name: 'nodeId', type: 'int32', versions: '0-3' },
      { name: 'host', type: 'string', versions: '0-3' },
      { name: 'port', type: 'int32', versions: '0-3' },
      {
        name: 'coordinators',
        array: true,
        versions: '4+',
        type: [
          { name: 'key', type: 'string', versions: '4+' },
          { name: 'nodeId', type: 'int32', versions: '4+' },
          { name: 'host', type: 'string', versions: '4+' },
          { name: 'port', type: 'int32', versions: '4+' },
          { name: 'errorCode', type: 'int16', versions: '4+' },
          { name: 'errorMessage', type: 'string', versions: '4+', nullableVersions: '4+' },
        ]
      },
    ]
  },
} as const satisfies ApiSpec
