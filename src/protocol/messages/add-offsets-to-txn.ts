import type { ApiSpec } from './spec.js'

// AddOffsetsToTxn (key 25): a transactional producer announces that it will
// commit a group's offsets in its transaction (TxnOffsetCommit follows).
// v2 only adds an error code; v3 is the first flexible version; v4 only allows
// TRANSACTION_ABORTABLE in answers.
export const addOffsetsToTxnApi = {
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  minVersion: 0,
  maxVersion: 4,
  request: {
    name: 'AddOffsetsToTxnRequest',
    flexibleVersions: '3+',
    fields: [
      { name: 'transactionalId', type: 'string', versions: '0+' },
      { name: 'producerId', type: 'int64', versions: '0+' },
      { name: 'producerEpoch', type: 'int16', versions: '0+' },
      { name: 'groupId', type: 'string', versions: '0+' },
    ]
  },
  response: {
    name: 'AddOffsetsToTxnResponse',
    flexibleVersions: '3+',
    fields: [
      { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
    ]
  },
} as const satisfies ApiSpec
