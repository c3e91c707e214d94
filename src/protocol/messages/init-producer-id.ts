import type { ApiSpec } from './spec.js'

// InitProducerId (key 22): gives an idempotent or transactional producer its
// producer id and epoch (bumping the epoch and fencing older instances for a
// transactional id).
// v2 is the first flexible version; v3 lets a producer pass its current id and
// epoch to resume after an epoch error; v4 and v5 only add error codes.
export const initProducerIdApi = {
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  request: {
    name: 'InitProducerIdRequest',
    flexibleVersions: '2+',
    fields: [
      { name: 'transactionalId', type: 'string', versions: '0+', nullableVersions: '0+' },
      { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
      { name: 'producerId', type: 'int64', versions: '3+', default: -1n },
      { name: 'producerEpoch', type: 'int16', versions: '3+', default: -1 },
    ]
  },
  response: {
    name: 'InitProducerIdResponse',
    flexibleVersions: '2+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'producerId', type: 'int64', versions: '0+', default: -1n },
      { name: 'producerEpoch', type: 'int16', versions: '0+' },
    ]
  },
} as const satisfies ApiSpec
